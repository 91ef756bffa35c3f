package org.flows4j.spark;

import java.util.concurrent.ConcurrentHashMap;
import org.flows4j.tensor.Rng;

/**
 * The batches of epoch-based training over partitions: with {@code S} steps per epoch, step {@code t} is batch
 * {@code b = t mod S} of epoch {@code e = t / S}, and partition {@code p} of {@code n} rows contributes positions
 * {@code [floor(b n / S), floor((b + 1) n / S))} of its own permutation of epoch {@code e} (drawn from a generator
 * seeded by the seed, the epoch and {@code p}). Every row is used once per epoch and every global batch holds
 * about {@code N / S} rows, each partition its share {@code n / S}. The permutation of the current epoch is kept
 * per partition in the executor JVM, so a step costs a copy of its rows, not a shuffle.
 */
final class EpochPlan implements StepRows {
    private static final long serialVersionUID = 1L;
    /** Permutations kept per JVM (one per partition of a run); past this the cache starts afresh. */
    private static final int KEEP = 256;
    private static final ConcurrentHashMap<String, Permutation> CACHE = new ConcurrentHashMap<>();

    private final long seed;
    private final int stepsPerEpoch;

    EpochPlan(long seed, int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("EpochPlan: expected at least 1 step per epoch, got " + stepsPerEpoch);
        }
        this.seed = seed;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** Rows of the global batch of {@code step} over partitions of {@code sizes} rows. */
    long globalRows(int[] sizes, long step) {
        long total = 0;
        for (int n : sizes) {
            total += to(n, step) - from(n, step);
        }
        return total;
    }

    private int from(int n, long step) {
        return (int) ((long) n * (step % stepsPerEpoch) / stepsPerEpoch);
    }

    private int to(int n, long step) {
        return (int) ((long) n * (step % stepsPerEpoch + 1) / stepsPerEpoch);
    }

    @Override
    public int[] rows(int partition, int n, long step) {
        long epoch = step / stepsPerEpoch;
        String key = seed + "/" + stepsPerEpoch + "/" + partition + "/" + n;
        Permutation p = CACHE.get(key);
        if (p == null || p.epoch != epoch) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            new Rng(seed * 0x9E3779B97F4A7C15L ^ (epoch * 1_000_003L + partition)).shuffle(order);
            p = new Permutation(epoch, order);
            if (CACHE.size() >= KEEP) {
                CACHE.clear();
            }
            CACHE.put(key, p);
        }
        int from = from(n, step);
        int[] out = new int[to(n, step) - from];
        System.arraycopy(p.order, from, out, 0, out.length);
        return out;
    }

    private record Permutation(long epoch, int[] order) {
    }
}
