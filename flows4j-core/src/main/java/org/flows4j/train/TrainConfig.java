package org.flows4j.train;

import java.util.Map;
import java.util.function.Consumer;
import org.flows4j.nn.Parameter;
import org.flows4j.optim.Adam;
import org.flows4j.optim.AdamW;
import org.flows4j.optim.Constant;
import org.flows4j.optim.Cosine;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.optim.OptimizerFactory;

/**
 * Hyperparameters of maximum-likelihood training. The loss of a minibatch {@code B} is the mean
 * negative log-likelihood {@code -(1/|B|) sum_{x in B} log p(x)}. The optimizer is Adam (AdamW when
 * {@code weightDecay > 0}) unless an {@link OptimizerFactory} is given. The learning rate of step
 * {@code t} comes from {@link #scheduleFor}: a given {@link LrSchedule}, or else
 * {@code lr * 0.5 (1 + cos(pi t / T))} over the {@code T} steps of the run when {@code cosine} is set
 * (after {@code warmupSteps} of linear warm-up), and {@code lr} otherwise.
 *
 * <p>Every field is checked when the configuration is made, so a bad value fails before any data is
 * read, with a message naming the expected and the actual value. The withers return changed copies.
 *
 * @param epochs        passes over the training data ({@code >= 1}), or {@link #AUTO_EPOCHS} to pick
 *                      {@link #autoEpochs} from the number of training rows
 * @param batchSize     rows per step ({@code >= 1}); the last batch of an epoch may be smaller
 * @param learningRate  peak learning rate of the built-in schedules ({@code > 0}); also the rate the
 *                      default optimizer is made with
 * @param weightDecay   decoupled weight decay (AdamW) when {@code > 0}; plain Adam when 0. Only for the
 *                      default optimizer: a factory sets its own decay
 * @param clipNorm      global gradient-norm bound; 0 turns clipping off
 * @param cosine        cosine decay to 0 over the run instead of a constant rate (built-in schedule)
 * @param warmupSteps   linear warm-up steps before the built-in schedule ({@code >= 0})
 * @param patience      epochs without a validation improvement before stopping; 0 never stops early
 * @param seed          seed of the shuffling generator (and, in a {@link Fitter}, of the split and the
 *                      dequantization noise)
 * @param evalBatchSize rows per chunk when evaluating the validation NLL
 * @param shards        parts each minibatch is split into, whose gradients are computed concurrently
 *                      and summed in a fixed order ({@link ShardedLoss}); results do not depend on the
 *                      thread count. 1 computes the batch as one graph.
 * @param optimizer     makes the optimizer from the model's parameters; null for Adam / AdamW
 * @param schedule      the learning rate of every step; null for the built-in schedule of
 *                      {@code learningRate}, {@code cosine} and {@code warmupSteps}
 * @param timeLimitSeconds wall-clock budget of the training loop: the first step that ends past it is the last,
 *                      its epoch is validated as usual (so the best weights are still restored); 0 for none
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double weightDecay, double clipNorm,
                          boolean cosine, long warmupSteps, int patience, long seed, int evalBatchSize, int shards,
                          OptimizerFactory optimizer, LrSchedule schedule, double timeLimitSeconds) {

    /** Default {@link #shards}: one per core of a two-core machine, the smallest kind we target. */
    public static final int DEFAULT_SHARDS = 2;
    /** {@link #epochs} value that picks {@link #autoEpochs} for the training rows ({@link #epochsFor}). */
    public static final int AUTO_EPOCHS = 0;

    /** Validates every field. */
    public TrainConfig {
        require(epochs >= 1 || epochs == AUTO_EPOCHS, "epochs must be >= 1, or " + AUTO_EPOCHS
                + " for about " + TARGET_STEPS + " steps; got " + epochs);
        require(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be finite and > 0, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be finite and >= 0, got " + weightDecay);
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clipNorm must be finite and >= 0, got " + clipNorm);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(patience >= 0, "patience must be >= 0, got " + patience);
        require(evalBatchSize >= 1, "evalBatchSize must be >= 1, got " + evalBatchSize);
        require(shards >= 1, "shards must be >= 1, got " + shards);
        require(timeLimitSeconds >= 0 && Double.isFinite(timeLimitSeconds), "timeLimitSeconds must be finite and >= 0 "
                + "(0 for none), got " + timeLimitSeconds);
        require(optimizer == null || weightDecay == 0, "weightDecay belongs to the default Adam optimizer; with an "
                + "optimizer factory expected weightDecay 0 (set the decay in the factory), got " + weightDecay);
        require(schedule == null || warmupSteps == 0, "warmupSteps belongs to the built-in schedule; with a given "
                + "schedule expected warmupSteps 0 (use schedule.withWarmup), got " + warmupSteps);
    }

    /** Default rows per step. */
    public static final int DEFAULT_BATCH = 512;
    /** Default peak learning rate (cosine decay to 0). */
    public static final double DEFAULT_LEARNING_RATE = 5e-3;
    /** Default global gradient-norm bound. */
    public static final double DEFAULT_CLIP = 5.0;
    /** Default early-stopping patience in epochs. */
    public static final int DEFAULT_PATIENCE = 20;
    /** Steps {@link #forRows} aims at. */
    public static final int TARGET_STEPS = 3000;

    /**
     * The defaults of the library and of {@code flows4j train} (docs/FIT_QUALITY.md has the measurements
     * that chose them): batch 512, Adam at 5e-3 with cosine decay, clipping at 5, patience 20, seed 0, 2 shards,
     * and {@link #AUTO_EPOCHS}: the epochs are picked from the number of training rows ({@link #autoEpochs},
     * about {@value #TARGET_STEPS} steps), as the command line does; {@code withEpochs(n)} fixes them.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(AUTO_EPOCHS, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, 0, DEFAULT_CLIP, true, 0, DEFAULT_PATIENCE, 0,
                4096, DEFAULT_SHARDS, null, null, 0);
    }

    /** {@link #defaults()} with {@link #autoEpochs}{@code (trainRows, DEFAULT_BATCH)} epochs. */
    public static TrainConfig forRows(int trainRows) {
        return defaults().withEpochs(autoEpochs(trainRows, DEFAULT_BATCH));
    }

    /**
     * About {@link #TARGET_STEPS} steps of {@code batch} rows over {@code trainRows} rows, within 5..300
     * epochs: {@code clamp(ceil(3000 / ceil(trainRows / batch)), 5, 300)}.
     */
    public static int autoEpochs(int trainRows, int batch) {
        if (trainRows < 1 || batch < 1) {
            throw new IllegalArgumentException("TrainConfig.autoEpochs: expected trainRows >= 1 and batch >= 1, got "
                    + trainRows + " and " + batch);
        }
        int perEpoch = (trainRows + batch - 1) / batch;
        return Math.max(5, Math.min(300, (TARGET_STEPS + perEpoch - 1) / perEpoch));
    }

    /** The epochs of a run on {@code trainRows} rows: {@link #epochs}, or {@link #autoEpochs} for {@link #AUTO_EPOCHS}. */
    public int epochsFor(int trainRows) {
        return epochs != AUTO_EPOCHS ? epochs : autoEpochs(trainRows, batchSize);
    }

    /**
     * The optimizer of a run over {@code parameters}: the factory's, or else AdamW
     * ({@code beta = (0.9, 0.999)}, {@code eps = 1e-8}) when {@code weightDecay > 0} and Adam otherwise, at
     * {@code learningRate}.
     */
    public Optimizer optimizerFor(Map<String, Parameter> parameters) {
        if (optimizer == null) {
            return weightDecay > 0 ? new AdamW(parameters, learningRate, 0.9, 0.999, 1e-8, weightDecay)
                    : new Adam(parameters, learningRate);
        }
        Optimizer made = optimizer.create(parameters);
        if (made == null) {
            throw new IllegalArgumentException("TrainConfig: the optimizer factory returned null; expected an Optimizer");
        }
        return made;
    }

    /**
     * The learning-rate schedule of a run of {@code totalSteps} steps: the given one, or else
     * {@code Cosine(learningRate, max(1, totalSteps - warmupSteps), 0)} (or {@code Constant(learningRate)}
     * without {@code cosine}) behind a linear warm-up of {@code warmupSteps}.
     */
    public LrSchedule scheduleFor(long totalSteps) {
        if (schedule != null) {
            return schedule;
        }
        LrSchedule s = cosine ? new Cosine(learningRate, Math.max(1, totalSteps - warmupSteps), 0) : new Constant(learningRate);
        return warmupSteps > 0 ? s.withWarmup(warmupSteps) : s;
    }

    /** A copy with {@code epochs} changed ({@link #AUTO_EPOCHS} to pick them from the data size). */
    public TrainConfig withEpochs(int e) {
        return with(f -> f.epochs = e);
    }

    /** A copy with {@code batchSize} changed. */
    public TrainConfig withBatchSize(int b) {
        return with(f -> f.batchSize = b);
    }

    /** A copy with {@code learningRate} changed. */
    public TrainConfig withLearningRate(double lr) {
        return with(f -> f.learningRate = lr);
    }

    /** A copy with {@code weightDecay} changed. */
    public TrainConfig withWeightDecay(double wd) {
        return with(f -> f.weightDecay = wd);
    }

    /** A copy with {@code clipNorm} changed. */
    public TrainConfig withClipNorm(double c) {
        return with(f -> f.clipNorm = c);
    }

    /** A copy with the built-in schedule changed: cosine decay or a constant rate, after {@code warmup} steps. */
    public TrainConfig withSchedule(boolean cos, long warmup) {
        return with(f -> {
            f.cosine = cos;
            f.warmupSteps = warmup;
        });
    }

    /**
     * A copy that takes every step's learning rate from {@code s} (null: the built-in schedule again);
     * {@code learningRate}, {@code cosine} and {@code warmupSteps} then no longer shape the rate.
     */
    public TrainConfig withSchedule(LrSchedule s) {
        return with(f -> f.schedule = s);
    }

    /** A copy whose optimizer {@code factory} makes (null: Adam / AdamW again). */
    public TrainConfig withOptimizer(OptimizerFactory factory) {
        return with(f -> f.optimizer = factory);
    }

    /** A copy with {@code patience} changed. */
    public TrainConfig withPatience(int p) {
        return with(f -> f.patience = p);
    }

    /** A copy with {@code seed} changed. */
    public TrainConfig withSeed(long s) {
        return with(f -> f.seed = s);
    }

    /** A copy with {@code shards} changed. */
    public TrainConfig withShards(int n) {
        return with(f -> f.shards = n);
    }

    /** A copy with a wall-clock budget of {@code seconds} for the training loop (0 for none). */
    public TrainConfig withTimeLimit(double seconds) {
        return with(f -> f.timeLimitSeconds = seconds);
    }

    private TrainConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new TrainConfig(f.epochs, f.batchSize, f.learningRate, f.weightDecay, f.clipNorm, f.cosine, f.warmupSteps,
                f.patience, f.seed, f.evalBatchSize, f.shards, f.optimizer, f.schedule, f.timeLimitSeconds);
    }

    /** The fields of a configuration as variables, for the withers. */
    private static final class Fields {
        int epochs;
        int batchSize;
        double learningRate;
        double weightDecay;
        double clipNorm;
        boolean cosine;
        long warmupSteps;
        int patience;
        long seed;
        int evalBatchSize;
        int shards;
        OptimizerFactory optimizer;
        LrSchedule schedule;
        double timeLimitSeconds;

        Fields(TrainConfig c) {
            epochs = c.epochs;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            weightDecay = c.weightDecay;
            clipNorm = c.clipNorm;
            cosine = c.cosine;
            warmupSteps = c.warmupSteps;
            patience = c.patience;
            seed = c.seed;
            evalBatchSize = c.evalBatchSize;
            shards = c.shards;
            optimizer = c.optimizer;
            schedule = c.schedule;
            timeLimitSeconds = c.timeLimitSeconds;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("TrainConfig: " + message);
        }
    }
}
