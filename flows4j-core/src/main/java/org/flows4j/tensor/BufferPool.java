package org.flows4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reuse of the large arrays of one repeated computation, such as a training step. While a pool is
 * {@link #bind() bound} to a thread, {@link Tensor#zeros} on that thread takes arrays of at least
 * {@link #MIN_ELEMENTS} elements from the pool (zero-filled, as a new array would be) instead of
 * allocating them; {@link #reclaim()} then returns every array handed out since the last reclaim.
 *
 * <p>The contract: no tensor created while the pool is bound may be used after {@code reclaim()},
 * because its storage will be handed out again. The owner of the computation must copy out what
 * it keeps (a loss value, gradients) before reclaiming. Only {@link Tensor#zeros} (and what is built
 * on it) and {@link Tensor#scratch} draw from the pool; {@link Tensor#copy()} always allocates, so a
 * copy is safe to keep. Pools do not shrink: each new shape adds its arrays once (a trainer's last,
 * shorter batch of an epoch adds a second set). A step that allocates the same shapes every
 * time reaches a fixed set of arrays after its first run: no allocation, no zeroing of fresh memory
 * (whose page and cache misses cost more than the fill of a recently used array), and no garbage.
 *
 * <p>Not thread-safe: one thread at a time binds a pool; hand it to another thread only through a
 * happens-before edge (such as the kernel pool's job hand-over).
 */
public final class BufferPool {
    /** Arrays shorter than this are allocated as usual: the bookkeeping would cost more than it saves. */
    public static final int MIN_ELEMENTS = 1024;

    private static final ThreadLocal<BufferPool> BOUND = new ThreadLocal<>();

    private final Map<Integer, ArrayDeque<float[]>> freeFloats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> freeDoubles = new HashMap<>();
    private final List<float[]> usedFloats = new ArrayList<>();
    private final List<double[]> usedDoubles = new ArrayList<>();

    /** An empty pool. */
    public BufferPool() {
    }

    /** The binding of a pool to the current thread; closing it restores the previous binding. */
    public static final class Binding implements AutoCloseable {
        private final BufferPool previous;

        private Binding(BufferPool previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                BOUND.remove();
            } else {
                BOUND.set(previous);
            }
        }
    }

    /** Makes this pool serve {@link Tensor#zeros} on the current thread until the binding is closed. */
    public Binding bind() {
        BufferPool previous = BOUND.get();
        BOUND.set(this);
        return new Binding(previous);
    }

    /** Makes every array handed out since the last call available again; see the class contract. */
    public void reclaim() {
        for (float[] a : usedFloats) {
            freeFloats.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        }
        for (double[] a : usedDoubles) {
            freeDoubles.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        }
        usedFloats.clear();
        usedDoubles.clear();
    }

    /** Number of arrays the pool holds, handed out or free (for tests and diagnostics). */
    public int size() {
        int n = usedFloats.size() + usedDoubles.size();
        for (ArrayDeque<float[]> q : freeFloats.values()) {
            n += q.size();
        }
        for (ArrayDeque<double[]> q : freeDoubles.values()) {
            n += q.size();
        }
        return n;
    }

    /**
     * A float array of length {@code n}: from the bound pool when there is one and {@code n} is large
     * (zero-filled when {@code zero}, else with stale contents), otherwise a new (zero) array.
     */
    static float[] floats(int n, boolean zero) {
        BufferPool pool = n >= MIN_ELEMENTS ? BOUND.get() : null;
        if (pool == null) {
            return new float[n];
        }
        ArrayDeque<float[]> free = pool.freeFloats.get(n);
        float[] a = free == null ? null : free.poll();
        if (a == null) {
            a = new float[n];
        } else if (zero) {
            Arrays.fill(a, 0f);
        }
        pool.usedFloats.add(a);
        return a;
    }

    /** {@link #floats} for doubles. */
    static double[] doubles(int n, boolean zero) {
        BufferPool pool = n >= MIN_ELEMENTS ? BOUND.get() : null;
        if (pool == null) {
            return new double[n];
        }
        ArrayDeque<double[]> free = pool.freeDoubles.get(n);
        double[] a = free == null ? null : free.poll();
        if (a == null) {
            a = new double[n];
        } else if (zero) {
            Arrays.fill(a, 0.0);
        }
        pool.usedDoubles.add(a);
        return a;
    }
}
