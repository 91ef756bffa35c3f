package org.flows4j.train;

/**
 * Hyperparameters of maximum-likelihood training. The loss of a minibatch {@code B} is the mean
 * negative log-likelihood {@code -(1/|B|) sum_{x in B} log p(x)}; the learning rate follows
 * {@code lr * 0.5 (1 + cos(pi t / T))} over the {@code T} steps of the run when {@code cosine} is set
 * (after {@code warmupSteps} of linear warm-up), and stays at {@code lr} otherwise.
 *
 * @param epochs        passes over the training data ({@code >= 1})
 * @param batchSize     rows per step ({@code >= 1}); the last batch of an epoch may be smaller
 * @param learningRate  peak learning rate ({@code > 0})
 * @param weightDecay   decoupled weight decay (AdamW) when {@code > 0}; plain Adam when 0
 * @param clipNorm      global gradient-norm bound; 0 turns clipping off
 * @param cosine        cosine decay to 0 over the run instead of a constant rate
 * @param warmupSteps   linear warm-up steps before the schedule ({@code >= 0})
 * @param patience      epochs without a validation improvement before stopping; 0 never stops early
 * @param seed          seed of the shuffling generator
 * @param evalBatchSize rows per chunk when evaluating the validation NLL
 * @param shards        parts each minibatch is split into, whose gradients are computed concurrently
 *                      and summed in a fixed order ({@link ShardedLoss}); results do not depend on the
 *                      thread count. 1 computes the batch as one graph.
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double weightDecay, double clipNorm,
                          boolean cosine, long warmupSteps, int patience, long seed, int evalBatchSize, int shards) {

    /** Default {@link #shards}: one per core of a two-core machine, the smallest kind we target. */
    public static final int DEFAULT_SHARDS = 2;

    /** Validates every field. */
    public TrainConfig {
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be finite and > 0, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be finite and >= 0, got " + weightDecay);
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clipNorm must be finite and >= 0, got " + clipNorm);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(patience >= 0, "patience must be >= 0, got " + patience);
        require(evalBatchSize >= 1, "evalBatchSize must be >= 1, got " + evalBatchSize);
        require(shards >= 1, "shards must be >= 1, got " + shards);
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
     * and 50 epochs; {@link #forRows} picks the epochs from the data size as the command line does.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(50, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, 0, DEFAULT_CLIP, true, 0, DEFAULT_PATIENCE, 0,
                4096, DEFAULT_SHARDS);
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

    /** A copy with {@code epochs} changed. */
    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, learningRate, weightDecay, clipNorm, cosine, warmupSteps, patience, seed, evalBatchSize, shards);
    }

    /** A copy with {@code batchSize} changed. */
    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, learningRate, weightDecay, clipNorm, cosine, warmupSteps, patience, seed, evalBatchSize, shards);
    }

    /** A copy with {@code learningRate} changed. */
    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, lr, weightDecay, clipNorm, cosine, warmupSteps, patience, seed, evalBatchSize, shards);
    }

    /** A copy with {@code weightDecay} changed. */
    public TrainConfig withWeightDecay(double wd) {
        return new TrainConfig(epochs, batchSize, learningRate, wd, clipNorm, cosine, warmupSteps, patience, seed, evalBatchSize, shards);
    }

    /** A copy with {@code clipNorm} changed. */
    public TrainConfig withClipNorm(double c) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, c, cosine, warmupSteps, patience, seed, evalBatchSize, shards);
    }

    /** A copy with the schedule changed. */
    public TrainConfig withSchedule(boolean cos, long warmup) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, clipNorm, cos, warmup, patience, seed, evalBatchSize, shards);
    }

    /** A copy with {@code patience} changed. */
    public TrainConfig withPatience(int p) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, clipNorm, cosine, warmupSteps, p, seed, evalBatchSize, shards);
    }

    /** A copy with {@code seed} changed. */
    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, clipNorm, cosine, warmupSteps, patience, s, evalBatchSize, shards);
    }

    /** A copy with {@code shards} changed. */
    public TrainConfig withShards(int n) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, clipNorm, cosine, warmupSteps, patience, seed,
                evalBatchSize, n);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("TrainConfig: " + message);
        }
    }
}
