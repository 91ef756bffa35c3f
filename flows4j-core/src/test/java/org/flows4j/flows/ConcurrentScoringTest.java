package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.ComputeContext;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server-like load: 64 threads score the same rows with one flow at once, under the default context, a
 * shared multi-thread context and a 1-thread context per thread, and every result equals the one-thread
 * result bit for bit.
 */
class ConcurrentScoringTest {
    private static final int CALLERS = 64;
    private static final int ROWS = 1300;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Flow flow(String preset) {
        Flow f = Flows.build(FlowSpec.defaults(preset, 6).withLayers(3).withHidden(48, 48));
        Rng rng = new Rng(11);
        for (Parameter p : f.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, v.get(i) + 0.05 * rng.nextGaussian());
            }
        }
        f.eval();
        return f;
    }

    /** Runs {@code score} on {@link #CALLERS} threads started together; returns each thread's result. */
    private static List<double[]> concurrently(Supplier<double[]> score) throws Exception {
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        double[][] got = new double[CALLERS][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] callers = new Thread[CALLERS];
        for (int c = 0; c < CALLERS; c++) {
            int id = c;
            callers[c] = new Thread(() -> {
                try {
                    start.await();
                    got[id] = score.get();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) {
            t.join(300_000);
            assertFalse(t.isAlive(), "a scoring thread did not finish");
        }
        if (failure.get() != null) {
            throw new AssertionError("a scoring thread failed", failure.get());
        }
        return List.of(got);
    }

    @Test
    void sixtyFourThreadsScoreBitForBitLikeOne() throws Exception {
        for (String preset : new String[] {"realnvp", "nsf"}) {
            Flow f = flow(preset);
            double[][] rows = Tensor.randn(new Rng(12), f.dtype(), ROWS, 6).toDoubleMatrix();
            double[] reference;
            try (ComputeContext one = ComputeContext.builder().threads(1).build()) {
                reference = one.call(() -> f.logProb(rows));
            }
            assertEquals(ROWS, reference.length);
            List<double[]> results = new ArrayList<>();
            Parallel.setThreads(2);
            results.addAll(concurrently(() -> f.logProb(rows)));
            try (ComputeContext shared = ComputeContext.builder().threads(3).spinMicros(0).build()) {
                results.addAll(concurrently(() -> shared.call(() -> f.logProb(rows))));
            }
            results.addAll(concurrently(() -> {
                try (ComputeContext own = ComputeContext.builder().threads(1).build()) {
                    return own.call(() -> f.logProb(rows));
                }
            }));
            assertEquals(3 * CALLERS, results.size());
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(reference, results.get(i), preset + ", caller " + i);
            }
        }
    }
}
