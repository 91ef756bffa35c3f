package org.flows4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.Flow;
import org.flows4j.nn.Parameter;
import org.flows4j.optim.Adam;
import org.flows4j.optim.GradClip;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.TrainConfig;

/**
 * Data-parallel maximum-likelihood training of a flow over the partitions of an RDD of {@link Block}s (one block
 * per partition, standardized rows), with the driver owning the weights. Each epoch has {@code S = ceil(N / B)}
 * global batches ({@link EpochPlan}: each partition gives its share {@code n_p / S} of its own shuffled rows).
 *
 * <ul>
 *   <li><b>Synchronous</b> ({@link Mode#SYNC}): per step, the weights are broadcast, every partition computes the
 *       gradient of its share {@code L_p = -(1/B) sum_{i in R_p} log p(x_i)} ({@link ShareLoss}), the sums meet by
 *       {@code treeAggregate}, and the driver clips the global norm and steps the optimizer of the
 *       {@link TrainConfig} (Adam) with the learning rate of its schedule: the single-JVM trainer's step on the
 *       same batch, up to the order of float32 additions. Cost per step: one Spark job, the parameters (4 bytes
 *       each) out to and back from every executor.</li>
 *   <li><b>Parameter averaging</b> ({@link Mode#AVERAGING}, as DL4J's ParameterAveragingTrainingMaster with
 *       averaged updater state): per round of {@code K} steps, the weights and the Adam moments are broadcast,
 *       every partition runs {@code K} local steps on its shares (local mean loss, clipping, Adam with the
 *       schedule's rates), and the driver averages the weights and moments of the partitions that had rows. Cost
 *       per round: one job, three times the parameters each way; {@code K} times fewer jobs than synchronous.</li>
 * </ul>
 * After every epoch the validation blocks' mean negative log-likelihood is computed on the executors; the best
 * epoch's weights are kept and restored at the end, and training stops after {@code patience} epochs without
 * improvement, as {@link org.flows4j.train.Trainer} does.
 */
final class DistributedTrainer {
    /** How the partitions' work is combined. */
    enum Mode { SYNC, AVERAGING }

    /** A finished run: the driver's flow (best weights, evaluation mode) and the epochs. */
    record Result(Flow flow, List<EpochStats> history, int bestEpoch, double bestValNll, boolean stoppedEarly,
                  long steps) {
    }

    private final JavaSparkContext jsc;
    private final TrainConfig config;
    private final Mode mode;
    private final int localSteps;

    DistributedTrainer(JavaSparkContext jsc, TrainConfig config, Mode mode, int localSteps) {
        if (localSteps < 1) {
            throw new IllegalArgumentException("DistributedTrainer: localSteps must be >= 1, got " + localSteps);
        }
        this.jsc = jsc;
        this.config = config;
        this.mode = mode;
        this.localSteps = localSteps;
    }

    /**
     * Trains {@code flow} (built on the driver from the spec in {@code run}, the broadcast untrained model file) on
     * {@code train}, with early stopping on {@code validation} (null: none, the last weights are kept).
     *
     * @param sizes rows of each partition of {@code train}, in partition order
     */
    Result fit(Flow flow, Broadcast<byte[]> run, JavaRDD<Block> train, int[] sizes, JavaRDD<Block> validation,
            long validationRows) {
        long n = 0;
        for (int s : sizes) {
            n += s;
        }
        if (n == 0) {
            throw new IllegalArgumentException("DistributedTrainer: expected training rows, got 0");
        }
        int perEpoch = (int) Math.min(Integer.MAX_VALUE, (n + config.batchSize() - 1) / config.batchSize());
        int epochs = config.epochsFor((int) Math.min(Integer.MAX_VALUE, n));
        LrSchedule schedule = config.scheduleFor((long) perEpoch * epochs);
        EpochPlan plan = new EpochPlan(config.seed(), perEpoch);
        Map<String, Parameter> params = flow.parameters();
        Optimizer opt = config.optimizerFor(params);
        AveragingState avg = mode == Mode.AVERAGING ? new AveragingState(FlatParams.size(params)) : null;
        flow.train(true);
        List<EpochStats> history = new ArrayList<>();
        float[] best = null;
        double bestVal = Double.NaN;
        int bestEpoch = 0;
        int bad = 0;
        boolean stopped = false;
        long step = 0;
        double lr = config.learningRate();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            for (int b = 0; b < perEpoch; ) {
                if (mode == Mode.SYNC) {
                    lr = schedule.lr(step);
                    opt.setLearningRate(lr);
                    lossSum += syncStep(flow, opt, run, train, plan, step, plan.globalRows(sizes, step));
                    step++;
                    b++;
                } else {
                    int k = Math.min(localSteps, perEpoch - b);
                    double[] lrs = new double[k];
                    for (int i = 0; i < k; i++) {
                        lrs[i] = schedule.lr(step + i);
                    }
                    lr = lrs[k - 1];
                    lossSum += k * averagingRound(flow, avg, run, train, plan, step, lrs);
                    step += k;
                    b += k;
                }
                checkFinite(lossSum, epoch);
            }
            double val = validation == null || validationRows == 0 ? Double.NaN
                    : nllSum(FlatParams.values(params), run, validation) / validationRows;
            if (validation != null && validationRows > 0) {
                if (Double.isFinite(val) && (Double.isNaN(bestVal) || val < bestVal)) {
                    bestVal = val;
                    bestEpoch = epoch;
                    best = FlatParams.values(params);
                    bad = 0;
                } else {
                    bad++;
                }
            }
            history.add(new EpochStats(epoch, step, lossSum / perEpoch, val, lr, (System.nanoTime() - t0) / 1e9));
            if (config.patience() > 0 && bad >= config.patience() && epoch < epochs) {
                stopped = true;
                break;
            }
        }
        if (best != null) {
            FlatParams.setValues(params, best);
        }
        flow.zeroGrad();
        flow.train(false);
        return new Result(flow, history, best != null ? bestEpoch : history.size(), bestVal, stopped, step);
    }

    private static void checkFinite(double loss, int epoch) {
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("FlowEstimator: the loss became " + loss + " in epoch " + epoch
                    + "; lower the learning rate");
        }
    }

    /**
     * One synchronous step on the batch {@code rows} of {@code batchRows} rows: the partitions' gradients summed by
     * {@code treeAggregate}, then on the driver clipping (the configuration's norm) and {@code opt.step()}.
     * Returns the batch's loss.
     */
    double syncStep(Flow flow, Optimizer opt, Broadcast<byte[]> run, JavaRDD<Block> train, StepRows rows, long step,
            long batchRows) {
        Map<String, Parameter> params = flow.parameters();
        int size = FlatParams.size(params);
        Broadcast<float[]> weights = jsc.broadcast(FlatParams.values(params));
        float[] sum;
        try {
            sum = train.treeAggregate(new float[size + 1], new GradientSeq(run, weights, rows, step, batchRows),
                    DistributedTrainer::addFloats, 2);
        } finally {
            weights.destroy();
        }
        FlatParams.setGrads(params, sum);
        if (config.clipNorm() > 0) {
            GradClip.clipGlobalNorm(params.values(), config.clipNorm());
        }
        opt.step();
        return sum[size];
    }

    /** One round of parameter averaging; returns the mean of the local steps' losses. */
    double averagingRound(Flow flow, AveragingState state, Broadcast<byte[]> run, JavaRDD<Block> train,
            StepRows rows, long step, double[] lrs) {
        Map<String, Parameter> params = flow.parameters();
        int size = FlatParams.size(params);
        float[] packed = new float[3 * size];
        System.arraycopy(FlatParams.values(params), 0, packed, 0, size);
        System.arraycopy(state.m, 0, packed, size, size);
        System.arraycopy(state.v, 0, packed, 2 * size, size);
        Broadcast<float[]> b = jsc.broadcast(packed);
        float[] acc;
        try {
            acc = train.treeAggregate(new float[3 * size + 3], new LocalStepsSeq(run, b, rows, step, lrs,
                    config.clipNorm(), state.adamSteps), DistributedTrainer::addFloats, 2);
        } finally {
            b.destroy();
        }
        float parts = acc[3 * size + 2];
        if (parts == 0) {
            return 0;
        }
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            w[i] = acc[i] / parts;
            state.m[i] = acc[size + i] / parts;
            state.v[i] = acc[2 * size + i] / parts;
        }
        FlatParams.setValues(params, w);
        state.adamSteps += lrs.length;
        return acc[3 * size] / Math.max(1, acc[3 * size + 1]);
    }

    /** {@code sum -log p} over every row of {@code blocks} at the weights {@code w}. */
    double nllSum(float[] w, Broadcast<byte[]> run, JavaRDD<Block> blocks) {
        Broadcast<float[]> weights = jsc.broadcast(w);
        try {
            return blocks.treeAggregate(0.0, (Function2<Double, Block, Double>) (acc, block) -> {
                if (block.n == 0) {
                    return acc;
                }
                Flow f = FlowPool.borrow(run);
                try {
                    FlatParams.setValues(f.parameters(), weights.value());
                    return acc + ExecutorCompute.run(() -> ShareLoss.nllSum(f, block, 4096));
                } finally {
                    FlowPool.release(run, f);
                }
            }, Double::sum, 2);
        } finally {
            weights.destroy();
        }
    }

    static float[] addFloats(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** The driver's Adam moments between averaging rounds. */
    static final class AveragingState {
        final float[] m;
        final float[] v;
        long adamSteps;

        AveragingState(int size) {
            m = new float[size];
            v = new float[size];
        }
    }

    /** A partition's gradient of its share of one batch, added into the accumulator (loss in the last slot). */
    private static final class GradientSeq implements Function2<float[], Block, float[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> run;
        private final Broadcast<float[]> weights;
        private final StepRows rows;
        private final long step;
        private final long batchRows;

        GradientSeq(Broadcast<byte[]> run, Broadcast<float[]> weights, StepRows rows, long step, long batchRows) {
            this.run = run;
            this.weights = weights;
            this.rows = rows;
            this.step = step;
            this.batchRows = batchRows;
        }

        @Override
        public float[] call(float[] acc, Block block) {
            int[] share = rows.rows(block.partition, block.n, step);
            if (share.length == 0) {
                return acc;
            }
            Flow f = FlowPool.borrow(run);
            try {
                Map<String, Parameter> params = f.parameters();
                FlatParams.setValues(params, weights.value());
                f.zeroGrad();
                double loss = ExecutorCompute.run(() -> ShareLoss.backward(f, block, share, step, batchRows));
                FlatParams.addGrads(params, acc);
                acc[acc.length - 1] += (float) loss;
                f.zeroGrad();
                return acc;
            } finally {
                FlowPool.release(run, f);
            }
        }
    }

    /**
     * A partition's round of local steps from the broadcast weights and Adam moments; adds its final weights,
     * moments, loss sum, step count and 1 (a contributing partition) into the accumulator.
     */
    private static final class LocalStepsSeq implements Function2<float[], Block, float[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> run;
        private final Broadcast<float[]> state;
        private final StepRows rows;
        private final long step;
        private final double[] lrs;
        private final double clipNorm;
        private final long adamSteps;

        LocalStepsSeq(Broadcast<byte[]> run, Broadcast<float[]> state, StepRows rows, long step, double[] lrs,
                double clipNorm, long adamSteps) {
            this.run = run;
            this.state = state;
            this.rows = rows;
            this.step = step;
            this.lrs = lrs;
            this.clipNorm = clipNorm;
            this.adamSteps = adamSteps;
        }

        @Override
        public float[] call(float[] acc, Block block) {
            if (block.n == 0) {
                return acc;
            }
            Flow f = FlowPool.borrow(run);
            try {
                Map<String, Parameter> params = f.parameters();
                int size = FlatParams.size(params);
                float[] s = state.value();
                FlatParams.setValues(params, s);
                Optimizer opt = new Adam(params, lrs[0]);
                opt.loadState(adamState(params, s, size, adamSteps, lrs[0]));
                double lossSum = 0;
                int steps = 0;
                for (int i = 0; i < lrs.length; i++) {
                    int[] share = rows.rows(block.partition, block.n, step + i);
                    if (share.length == 0) {
                        continue;
                    }
                    opt.setLearningRate(lrs[i]);
                    opt.zeroGrad();
                    long t = step + i;
                    lossSum += ExecutorCompute.run(() -> {
                        double loss = ShareLoss.backward(f, block, share, t, share.length);
                        if (clipNorm > 0) {
                            GradClip.clipGlobalNorm(params.values(), clipNorm);
                        }
                        opt.step();
                        return loss;
                    });
                    steps++;
                }
                opt.zeroGrad();
                float[] w = FlatParams.values(params);
                Map<String, Object> after = opt.state();
                int at = 0;
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    float[] m = ((Tensor) after.get("exp_avg." + e.getKey())).floatData();
                    float[] v = ((Tensor) after.get("exp_avg_sq." + e.getKey())).floatData();
                    for (int i = 0; i < m.length; i++) {
                        acc[size + at + i] += m[i];
                        acc[2 * size + at + i] += v[i];
                    }
                    at += m.length;
                }
                for (int i = 0; i < size; i++) {
                    acc[i] += w[i];
                }
                acc[3 * size] += (float) lossSum;
                acc[3 * size + 1] += steps;
                acc[3 * size + 2] += 1;
                return acc;
            } finally {
                FlowPool.release(run, f);
            }
        }

        private static Map<String, Object> adamState(Map<String, Parameter> params, float[] s, int size, long steps,
                double lr) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("lr", lr);
            out.put("steps", steps);
            int at = 0;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                int n = e.getValue().numel();
                int[] shape = e.getValue().value().shape();
                float[] m = new float[n];
                float[] v = new float[n];
                System.arraycopy(s, size + at, m, 0, n);
                System.arraycopy(s, 2 * size + at, v, 0, n);
                out.put("exp_avg." + e.getKey(), Tensor.wrap(m, shape));
                out.put("exp_avg_sq." + e.getKey(), Tensor.wrap(v, shape));
                out.put("step." + e.getKey(), steps);
                at += n;
            }
            return out;
        }
    }
}
