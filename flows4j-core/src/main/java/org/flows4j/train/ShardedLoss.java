package org.flows4j.train;

import java.util.IdentityHashMap;
import java.util.Map;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.nn.Dropout;
import org.flows4j.tensor.BufferPool;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * The training loss of one minibatch and its gradient, computed in shards. For rows {@code x_1..x_N}
 * split into {@code S} contiguous shards {@code B_s},
 * <pre>
 *   L = -(1/N) sum_i log p(x_i) = sum_s L_s,     L_s = -(1/N) sum_{i in B_s} log p(x_i),
 *   dL/dtheta = sum_s dL_s/dtheta   (added to each parameter's gradient in shard order 1..S)
 * </pre>
 * Each shard's forward and backward pass is a graph of its own, and the shards run concurrently on
 * the kernel threads ({@link Parallel}), each serially inside. A training step is hundreds of kernels
 * of tens of microseconds; splitting each kernel across threads pays for the hand-over on the large
 * products only, while whole shards keep every thread busy for the whole step.
 *
 * <p>{@link #backwardAt} is the same machinery for any loss that is a sum of per-shard parts, each built by the
 * caller on its shard's thread (the reverse-KL loss of variational inference draws its samples there).
 *
 * <p>The shard count is a setting, not the thread count: the gradient of S shards is the same bit for
 * bit whether they run on one thread or on many, so training stays reproducible on any machine. With
 * one shard this is the plain {@code -mean(log p)} and its backward pass. A model that
 * {@link org.flows4j.nn.Module#dependsOnBatch() depends on the batch} (batch normalization in
 * training, an ActNorm before its initialization) always runs as one shard, as do batches of fewer
 * than two rows per shard.
 *
 * <p>An instance keeps one {@link BufferPool} per shard, bound while that shard's graph is built and
 * differentiated and reclaimed once its gradients have been added to the parameters: from the second
 * step on, a step of fixed shapes allocates (almost) nothing. Consequently a module must not keep a
 * tensor it creates during {@code logProb} beyond the call (copy it instead); the built-in modules
 * keep none. Not thread-safe: one thread (a trainer's) uses an instance.
 *
 * <p>Dropout: shard {@code s} of step {@code t} runs inside {@link Dropout#withKey}{@code (Dropout.key(t, s))},
 * so the conditioners' dropout masks are a function of the step number and the shard index alone, not of
 * the thread a shard runs on or of the order in which shards start. The trainer passes its step count
 * ({@link #meanNllBackwardAt}), which a checkpoint restores, so a resumed run draws the masks the
 * uninterrupted run would have.
 */
public final class ShardedLoss {
    private final int shards;
    private final BufferPool[] pools;
    private long nextStep;

    /**
     * A loss computed in {@code shards} parts, reusing its buffers from step to step.
     *
     * @throws IllegalArgumentException when {@code shards < 1}
     */
    public ShardedLoss(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("ShardedLoss: shards must be at least 1, got " + shards);
        }
        this.shards = shards;
        this.pools = new BufferPool[shards];
        for (int s = 0; s < shards; s++) {
            pools[s] = new BufferPool();
        }
    }

    /** Arrays held by the shards' pools, handed out or free (for tests: constant from the second step on). */
    int pooledArrays() {
        int n = 0;
        for (BufferPool pool : pools) {
            n += pool.size();
        }
        return n;
    }

    /** The number of parts. */
    public int shards() {
        return shards;
    }

    /**
     * One step's loss without buffer reuse across calls: {@code new ShardedLoss(shards).meanNllBackward(...)}.
     *
     * @throws IllegalArgumentException when {@code shards < 1} or the context has a different row count
     */
    public static double meanNllBackward(Distribution model, Tensor x, Tensor context, int shards) {
        return new ShardedLoss(shards).meanNllBackward(model, x, context);
    }

    /**
     * Computes {@code L = -mean log p(x | context)} over the rows of {@code x} in this loss's shards,
     * adds {@code dL/dtheta} to the gradients of the model's parameters, and returns {@code L}. The
     * step number of the dropout keys is the one after the previous call's (0 for the first call).
     *
     * @param context the rows' context, or null
     * @throws IllegalArgumentException when the context has a different row count
     */
    public double meanNllBackward(Distribution model, Tensor x, Tensor context) {
        return meanNllBackwardAt(nextStep, model, x, context);
    }

    /**
     * As {@link #meanNllBackward(Distribution, Tensor, Tensor)} for training step {@code step}: shard
     * {@code s} computes its part under the dropout key {@code Dropout.key(step, s)}.
     *
     * @param context the rows' context, or null
     * @throws IllegalArgumentException when the context has a different row count
     */
    public double meanNllBackwardAt(long step, Distribution model, Tensor x, Tensor context) {
        int n = x.size(0);
        if (context != null && context.size(0) != n) {
            throw new IllegalArgumentException("ShardedLoss: context has " + context.size(0) + " rows, expected " + n);
        }
        return backwardAt(step, n, model.dependsOnBatch(), (s, r0, r1) -> {
            if (r1 - r0 == n) {
                return ArithmeticOps.neg(ReduceOps.mean(model.logProb(Variable.constant(x),
                        context == null ? null : Variable.constant(context))));
            }
            Variable logP = model.logProb(Variable.constant(Rows.range(x, r0, r1)),
                    context == null ? null : Variable.constant(Rows.range(context, r0, r1)));
            return ArithmeticOps.mulScalar(ReduceOps.sum(logP), -1.0 / n);
        });
    }

    /**
     * One shard's part {@code L_s} of a loss {@code L = sum_s L_s} over {@code n} rows, for {@link #backwardAt}.
     */
    @FunctionalInterface
    public interface Part {
        /**
         * {@code L_s} for rows {@code [r0, r1)}, the rows of shard {@code shard}: a one-element variable recorded for
         * gradients, or null when these rows add nothing (no gradient either). Called with gradient recording on
         * and the shard's dropout key set; when the rows are split, on a kernel thread with the shard's buffer pool
         * bound, so the variable's tensors are valid until the step ends (do not keep them).
         */
        Variable loss(int shard, int r0, int r1);
    }

    /**
     * The general form of {@link #meanNllBackwardAt}: {@code L = sum_s L_s}, where {@code part} gives the loss
     * {@code L_s} of shard {@code s}'s contiguous rows {@code [n s / S, n (s + 1) / S)}; adds
     * {@code dL/dtheta = sum_s dL_s/dtheta} to the leaves' gradients in shard order and returns {@code L}. One
     * shard ({@code part(0, 0, n)}) when this loss has one, when {@code n < 2 S}, or when {@code whole} is set (a
     * model that needs the whole batch at once). Shard {@code s} runs under {@code Dropout.key(step, s)}.
     */
    public double backwardAt(long step, int n, boolean whole, Part part) {
        nextStep = step + 1;
        if (shards == 1 || n < 2 * shards || whole) {
            try (GradMode.Scope s = GradMode.enableGrad(); Dropout.Scope k = Dropout.withKey(Dropout.key(step, 0))) {
                Variable loss = part.loss(0, 0, n);
                if (loss == null) {
                    return 0;
                }
                loss.backward();
                return loss.value().item();
            }
        }
        double[] values = new double[shards];
        @SuppressWarnings("unchecked")
        Map<Variable, Tensor>[] grads = new Map[shards];
        try {
            Parallel.forRange(shards, Long.MAX_VALUE, (from, to) -> {
                for (int s = from; s < to; s++) {
                    int r0 = (int) ((long) n * s / shards);
                    int r1 = (int) ((long) n * (s + 1) / shards);
                    grads[s] = new IdentityHashMap<>();
                    try (BufferPool.Binding b = pools[s].bind();
                            Dropout.Scope k = Dropout.withKey(Dropout.key(step, s))) {
                        values[s] = shard(part, s, r0, r1, grads[s]);
                    }
                }
            });
            double loss = 0;
            for (int s = 0; s < shards; s++) {
                loss += values[s];
                for (Map.Entry<Variable, Tensor> e : grads[s].entrySet()) {
                    e.getKey().accumulateGrad(e.getValue());
                }
            }
            return loss;
        } finally {
            for (BufferPool pool : pools) {
                pool.reclaim();
            }
        }
    }

    private static double shard(Part part, int s, int r0, int r1, Map<Variable, Tensor> grads) {
        try (GradMode.Scope g = GradMode.enableGrad()) {
            Variable loss = part.loss(s, r0, r1);
            if (loss == null) {
                return 0;
            }
            loss.backwardInto(Tensor.ones(loss.dtype(), loss.shape()), grads);
            return loss.value().item();
        }
    }
}
