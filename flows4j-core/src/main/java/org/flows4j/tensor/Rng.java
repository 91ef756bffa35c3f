package org.flows4j.tensor;

/**
 * Seeded pseudo-random generator (xoshiro256**, Blackman &amp; Vigna 2018), seeded through
 * SplitMix64. Every random draw in flows4j takes one of these explicitly, so a seed fixes every
 * number, whatever the thread count: tensors are filled in order by the calling thread.
 *
 * <p>Normal variates use the Box–Muller transform {@code z = sqrt(-2 ln u1) cos(2 pi u2)}, keeping
 * the second value {@code sqrt(-2 ln u1) sin(2 pi u2)} for the next call. {@link #state()} and
 * {@link #setState(long[])} expose the full state (including that spare) for exact resumption.
 *
 * <p>Not thread-safe: use one generator per thread, or {@link #split()} to derive independent ones.
 */
public final class Rng {
    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private boolean hasSpare;
    private double spare;

    /** A generator whose whole sequence is fixed by {@code seed}. */
    public Rng(long seed) {
        long x = seed;
        long[] s = new long[4];
        for (int i = 0; i < 4; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            s[i] = z ^ (z >>> 31);
        }
        s0 = s[0];
        s1 = s[1];
        s2 = s[2];
        s3 = s[3];
    }

    /** Next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        long limit = (1L << 31) - ((1L << 31) % bound);
        while (true) {
            long r = nextLong() >>> 33;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    /** Standard normal variate by Box–Muller. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0.0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double a = 2.0 * Math.PI * u2;
        spare = r * Math.sin(a);
        hasSpare = true;
        return r * Math.cos(a);
    }

    /** A new generator seeded from this one's next draw; this one advances by one step. */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** Fisher–Yates shuffle of {@code a} in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The full state: four words, the spare-normal flag and the spare's bits. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /** Restores a state returned by {@link #state()}. */
    public void setState(long[] state) {
        if (state.length != 6) {
            throw new IllegalArgumentException("Rng state must have 6 words, got " + state.length);
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
        hasSpare = state[4] != 0;
        spare = Double.longBitsToDouble(state[5]);
    }
}
