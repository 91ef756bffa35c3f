package org.flows4j.nn;

import java.util.concurrent.atomic.AtomicLong;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * Inverted dropout of a network's hidden units, with masks computed from where they are used instead of
 * drawn from a generator, so that training gives the same weights on any number of threads and a run
 * resumed from a checkpoint continues exactly.
 *
 * <p>In a forward pass of a network in training mode that records gradients, unit {@code k} of row
 * {@code r} of hidden layer {@code l} (a layer {@code width} units wide) becomes
 * <pre>
 *   h'[r, k] = h[r, k] * m[r, k] / (1 - p),    m[r, k] = [ u(base(s, key, l), r * width + k) >= p ]
 *   u(b, i)  = (splitmix64(b + i * 0x9E3779B97F4A7C15) >>> 11) * 2^-53,   a uniform number in [0, 1)
 * </pre>
 * so {@code E[h'] = h}. {@code s} is the network's dropout seed, {@code base} hashes the seed, the call's
 * key and the layer with the same finalizer, and {@code splitmix64} is the finalizer of SplitMix64
 * (Steele et al. 2014), a counter-based generator: element {@code i} of a stream never depends on how
 * many numbers were drawn before it. The mask is a constant of the graph (no gradient flows into it). In
 * evaluation mode, and whenever gradients are off (sampling, density evaluation through the
 * {@code double[][]} overloads, the incremental inverse of autoregressive flows), {@code h' = h}.
 *
 * <p><b>Keys.</b> Every network call reads one key, for all its layers: the key set on the calling
 * thread by {@link #withKey}, or, outside such a scope, the next value of this instance's call counter
 * (deterministic as long as one thread calls the network). The trainer's {@code ShardedLoss} sets
 * {@link #key(long, int) key(step, shard)} around each shard of each step: a shard's masks then depend on
 * the step number (which a checkpoint restores) and the shard's index, never on the thread that runs it,
 * and repeated calls inside one shard on the same rows, such as the {@code D} passes of an IAF density,
 * see the same masks. Different networks use different seeds ({@link #child}). A training loop of one's
 * own should likewise open {@code withKey(key(step, 0))} around each step's forward and backward pass:
 * without a scope every call draws new masks, the passes of an IAF density included.
 */
public final class Dropout {
    /** No dropout. */
    public static final Dropout NONE = new Dropout(0, 0);

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final ThreadLocal<long[]> KEY = ThreadLocal.withInitial(() -> new long[] {0, 0});

    private final double rate;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    /** A scope that restores the thread's previous key when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Dropout with probability {@code rate} of zeroing each hidden unit and masks seeded by {@code seed}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
     */
    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
    }

    /** The probability {@code p} of zeroing a unit. */
    public double rate() {
        return rate;
    }

    /** The seed of the masks. */
    public long seed() {
        return seed;
    }

    /** The dropout of the {@code index}-th network made from this one: the same rate, seed {@code hash(seed, index)}. */
    public Dropout child(long index) {
        return new Dropout(rate, splitmix64(splitmix64(seed) + index));
    }

    /** The key of shard {@code shard} of training step {@code step}: {@code hash(step, shard)}. */
    public static long key(long step, int shard) {
        return splitmix64(splitmix64(step) + shard);
    }

    /** Makes every network call on this thread use {@code key} until the returned scope is closed. */
    public static Scope withKey(long key) {
        long[] slot = KEY.get();
        long set = slot[0];
        long previous = slot[1];
        slot[0] = 1;
        slot[1] = key;
        return () -> {
            slot[0] = set;
            slot[1] = previous;
        };
    }

    /** Whether a forward pass of {@code owner} drops units now: rate above 0, training mode, gradients on. */
    boolean isActive(Module owner) {
        return rate > 0 && owner.isTraining() && GradMode.isEnabled();
    }

    /** The key of a network call starting now: the thread's scope key, else the next call count. */
    long nextKey() {
        long[] slot = KEY.get();
        return slot[0] != 0 ? slot[1] : key(calls.getAndIncrement(), -1);
    }

    /** {@code h * m / (1 - p)} for hidden layer {@code layer} of a call with key {@code key}; {@code h} is {@code [N, width]}. */
    Variable apply(Variable h, long key, int layer) {
        Tensor mask = Tensor.scratch(h.dtype(), h.shape());
        long base = splitmix64(splitmix64(splitmix64(seed) ^ key) + layer);
        double scale = 1 / (1 - rate);
        float[] f = mask.floatData();
        if (f != null) {
            for (int i = 0; i < f.length; i++) {
                f[i] = uniform(base, i) >= rate ? (float) scale : 0f;
            }
        } else {
            double[] d = mask.doubleData();
            for (int i = 0; i < d.length; i++) {
                d[i] = uniform(base, i) >= rate ? scale : 0;
            }
        }
        return ArithmeticOps.mul(h, Variable.constant(mask));
    }

    private static double uniform(long base, long index) {
        return (splitmix64(base + index * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    private static long splitmix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Dropout(" + rate + ")";
    }
}
