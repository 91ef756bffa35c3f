package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.distribution.Distribution;
import org.flows4j.optim.GradClip;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * Maximum-likelihood training of any {@link Distribution} (usually a flow): minimizes the mean
 * negative log-likelihood {@code -(1/|B|) sum_{x in B} log p(x | c)} over shuffled minibatches with
 * the configuration's optimizer (Adam, AdamW when weight decay is set, or a factory's), optional
 * global-norm clipping and a learning-rate schedule (see {@link TrainConfig}). Each epoch trains on
 * {@link TrainData#trainRows}, so data that is drawn afresh per epoch (dequantization) changes between epochs.
 *
 * <p>With validation data the mean validation NLL is computed after every epoch (evaluation mode, no
 * gradients); the weights of the best epoch are kept and restored at the end, and training stops when
 * {@code patience} epochs pass without improvement. Without validation data the final weights are kept. With a
 * {@link TrainConfig#timeLimitSeconds time limit} the step that ends past it is the last: its (partial) epoch is
 * validated and recorded like any other, so the best weights are still restored.
 *
 * <p>Deterministic: the only randomness is the shuffling generator seeded from the configuration and
 * the dropout masks of the model's conditioners, a function of the step number and shard index
 * ({@link ShardedLoss#meanNllBackwardAt}); the engine's kernels give the same result on any thread
 * count. A run resumed from a {@link TrainState} taken at the end of an epoch continues exactly as the
 * uninterrupted run would.
 *
 * <p>Cost per step: one forward and one backward pass of a minibatch, in {@code shards} parts that run
 * concurrently on the kernel threads ({@link ShardedLoss}). Not thread-safe: one trainer trains one
 * model from one thread.
 */
public final class Trainer {
    private final TrainConfig config;

    /** A trainer with the given hyperparameters. */
    public Trainer(TrainConfig config) {
        this.config = config;
    }

    /** The hyperparameters. */
    public TrainConfig config() {
        return config;
    }

    /** Trains {@code model} on {@code data} (validation optional), from scratch. */
    public TrainResult fit(Distribution model, TrainData data, TrainListener listener) {
        return fit(model, data, listener, null);
    }

    /**
     * Trains {@code model} on {@code data}, continuing from {@code resume} when it is not null (a state
     * produced by this configuration's run on the same model architecture).
     */
    public TrainResult fit(Distribution model, TrainData data, TrainListener listener, TrainState resume) {
        data.requireCompatible(model);
        TrainListener out = listener == null ? new TrainListener() { } : listener;
        Optimizer opt = config.optimizerFor(model.parameters());
        int n = data.train().size(0);
        int epochs = config.epochsFor(n);
        int perEpoch = (n + config.batchSize() - 1) / config.batchSize();
        long total = (long) perEpoch * epochs;
        LrSchedule schedule = config.scheduleFor(total);
        Run run = new Run(new Rng(config.seed()));
        if (resume != null) {
            model.loadStateDict(resume.model());
            opt.loadState(resume.optimizer());
            run.restore(resume);
        }
        out.onStart(total, perEpoch);
        int[] order = new int[n];
        ShardedLoss lossFn = new ShardedLoss(config.shards());
        boolean stoppedEarly = false;
        boolean outOfTime = false;
        long deadline = config.timeLimitSeconds() > 0 ? System.nanoTime() + (long) (config.timeLimitSeconds() * 1e9)
                : Long.MAX_VALUE;
        model.train(true);
        for (int epoch = run.epochsDone + 1; epoch <= epochs && !outOfTime; epoch++) {
            long t0 = System.nanoTime();
            Tensor rows = data.trainRows(epoch);
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            run.rng.shuffle(order);
            double lossSum = 0;
            int stepsThisEpoch = 0;
            for (int b = 0; b < perEpoch && !outOfTime; b++) {
                int from = b * config.batchSize();
                int to = Math.min(n, from + config.batchSize());
                double lr = schedule.lr(run.steps);
                opt.setLearningRate(lr);
                opt.zeroGrad();
                double loss = step(lossFn, run.steps, model, rows, data.trainContext(), order, from, to, epoch);
                if (config.clipNorm() > 0) {
                    GradClip.clipGlobalNorm(model.parameters().values(), config.clipNorm());
                }
                opt.step();
                run.steps++;
                lossSum += loss;
                stepsThisEpoch++;
                out.onStep(epoch, run.steps, loss);
                outOfTime = System.nanoTime() > deadline;
            }
            double val = data.hasValidation() ? Evaluation.meanNll(model, data.validation(), data.validationContext(),
                    config.evalBatchSize()) : Double.NaN;
            model.train(true);
            run.epochsDone = epoch;
            if (data.hasValidation()) {
                if (Double.isFinite(val) && (Double.isNaN(run.bestValNll) || val < run.bestValNll)) {
                    run.bestValNll = val;
                    run.bestEpoch = epoch;
                    run.best = model.stateDict();
                    run.badEpochs = 0;
                } else {
                    run.badEpochs++;
                }
            }
            EpochStats stats = new EpochStats(epoch, run.steps, lossSum / stepsThisEpoch, val, opt.learningRate(),
                    (System.nanoTime() - t0) / 1e9);
            run.history.add(stats);
            out.onEpochEnd(stats, () -> run.snapshot(model, opt));
            if (outOfTime || config.patience() > 0 && run.badEpochs >= config.patience() && epoch < epochs) {
                stoppedEarly = true;
                break;
            }
        }
        if (run.best != null) {
            model.loadStateDict(run.best);
        }
        model.train(false);
        int bestEpoch = run.best != null ? run.bestEpoch : run.epochsDone;
        return new TrainResult(run.history, bestEpoch, run.bestValNll, stoppedEarly, run.steps);
    }

    private static double step(ShardedLoss lossFn, long stepNumber, Distribution model, Tensor rows, Tensor context,
            int[] order, int from, int to, int epoch) {
        Tensor x = Rows.gather(rows, order, from, to);
        Tensor c = context == null ? null : Rows.gather(context, order, from, to);
        double value = lossFn.meanNllBackwardAt(stepNumber, model, x, c);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("Trainer: the loss became " + value + " in epoch " + epoch
                    + "; lower the learning rate or standardize the data");
        }
        return value;
    }

    /** Mutable progress of one run. */
    private static final class Run {
        final Rng rng;
        final List<EpochStats> history = new ArrayList<>();
        int epochsDone;
        long steps;
        Map<String, Tensor> best;
        double bestValNll = Double.NaN;
        int bestEpoch;
        int badEpochs;

        Run(Rng rng) {
            this.rng = rng;
        }

        void restore(TrainState s) {
            rng.setState(s.rng());
            history.addAll(s.history());
            epochsDone = s.epochsDone();
            steps = s.steps();
            best = s.best();
            bestValNll = s.bestValNll();
            bestEpoch = s.bestEpoch();
            badEpochs = s.badEpochs();
        }

        TrainState snapshot(Distribution model, Optimizer opt) {
            Map<String, Tensor> bestCopy = null;
            if (best != null) {
                bestCopy = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> e : best.entrySet()) {
                    bestCopy.put(e.getKey(), e.getValue().copy());
                }
            }
            return new TrainState(epochsDone, steps, model.stateDict(), opt.state(), rng.state(), bestCopy,
                    bestValNll, bestEpoch, badEpochs, history);
        }
    }
}
