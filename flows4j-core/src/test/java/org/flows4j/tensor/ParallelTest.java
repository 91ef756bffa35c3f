package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.flows4j.tensor.kernel.MatMul;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final long BIG = 1L << 20;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Row-wise softmax-like reduction: each row's result depends on a long floating-point sum. */
    private static double[] rowWork(int threads, double[] x, int rows, int cols) {
        Parallel.setThreads(threads);
        return rowWork(x, rows, cols);
    }

    /** The row work on the current thread count. */
    private static double[] rowWork(double[] x, int rows, int cols) {
        double[] out = new double[rows];
        Parallel.forRange(rows, BIG, (from, to) -> {
            for (int i = from; i < to; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += Math.exp(Math.sin(x[i * cols + j])) / (1 + j);
                }
                out[i] = s;
            }
        });
        return out;
    }

    @Test
    void resultsAreIdenticalForOneAndTwoThreads() {
        Rng rng = new Rng(5);
        int rows = 257;
        int cols = 301;
        double[] x = Tensor.randn(rng, DType.FLOAT64, rows * cols).doubleData();
        assertArrayEquals(rowWork(1, x, rows, cols), rowWork(2, x, rows, cols));
        Tensor a = Tensor.randn(rng, DType.FLOAT32, 300, 70);
        Tensor b = Tensor.randn(rng, DType.FLOAT32, 70, 90);
        Parallel.setThreads(1);
        float[] one = MatMul.matmul(a, b).floatData();
        Parallel.setThreads(2);
        float[] two = MatMul.matmul(a, b).floatData();
        assertArrayEquals(one, two);
    }

    @Test
    void everyIndexIsCoveredOnceInContiguousChunks() {
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 5, 100}) {
                AtomicInteger calls = new AtomicInteger();
                int[] hits = new int[n];
                Parallel.forRange(n, BIG, (from, to) -> {
                    calls.incrementAndGet();
                    for (int i = from; i < to; i++) {
                        hits[i]++;
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits[i], "index " + i + " of " + n + " with " + threads + " threads");
                }
                assertTrue(calls.get() <= Math.max(1, Math.min(threads, n)), "too many chunks: " + calls.get());
            }
        }
    }

    @Test
    void smallWorkRunsOnTheCallingThreadInOneChunk() {
        Parallel.setThreads(2);
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        Parallel.forRange(1000, 100, (from, to) -> {
            calls.incrementAndGet();
            assertSame(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(1000, to);
        });
        assertEquals(1, calls.get());
    }

    @Test
    void anExceptionInAWorkerChunkPropagatesToTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, BIG,
                (from, to) -> {
                    if (from > 0) {
                        throw new IllegalStateException("boom in chunk " + from);
                    }
                }));
        assertEquals("boom in chunk 50", e.getMessage());
        assertThrows(ArithmeticException.class, () -> Parallel.forRange(100, BIG, (from, to) -> {
            if (from == 0) {
                throw new ArithmeticException("first chunk");
            }
        }));
        AssertionError err = assertThrows(AssertionError.class, () -> Parallel.forRange(100, BIG, (from, to) -> {
            if (from > 0) {
                throw new AssertionError("error in worker");
            }
        }));
        assertEquals("error in worker", err.getMessage());
    }

    /**
     * Outer call of two chunks: chunk 1 returns at once, chunk {@code nestedChunk} makes a nested call
     * over 1000 indices whose lower half waits (up to 10 s) until the upper half has started, so the
     * idle thread must take the offered half. Returns the thread that ran each index of the nested call.
     */
    private static Thread[] nestedCallHelpedByTheIdleThread(int nestedChunk) {
        Parallel.setThreads(2);
        Thread[] ranBy = new Thread[1000];
        AtomicBoolean upperStarted = new AtomicBoolean();
        Parallel.forRange(2, BIG, (from, to) -> {
            if (from != nestedChunk) {
                return;
            }
            Parallel.forRange(ranBy.length, BIG, (f, t) -> {
                if (f > 0) {
                    upperStarted.set(true);
                } else {
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!upperStarted.get() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
                for (int i = f; i < t; i++) {
                    assertNull(ranBy[i], "index " + i + " ran twice");
                    ranBy[i] = Thread.currentThread();
                }
            });
        });
        return ranBy;
    }

    @Test
    void aNestedCallInTheCallersChunkIsSharedWithTheIdleWorker() {
        Thread[] ranBy = nestedCallHelpedByTheIdleThread(0);
        Thread caller = Thread.currentThread();
        for (int i = 0; i < ranBy.length; i++) {
            assertEquals(i < 500 ? caller : ranBy[500], ranBy[i], "index " + i);
        }
        assertNotEquals(caller, ranBy[500], "the idle worker did not take the upper half");
    }

    @Test
    void aNestedCallInAWorkersChunkIsSharedWithTheWaitingCaller() {
        Thread[] ranBy = nestedCallHelpedByTheIdleThread(1);
        Thread caller = Thread.currentThread();
        for (int i = 0; i < ranBy.length; i++) {
            assertEquals(i < 500 ? ranBy[0] : caller, ranBy[i], "index " + i);
        }
        assertNotEquals(caller, ranBy[0], "the worker's chunk ran on the caller");
    }

    @Test
    void anExceptionInAHelpedHalfPropagatesToTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, BIG,
                (from, to) -> {
                    if (from == 0) {
                        Parallel.forRange(100, BIG, (f, t) -> {
                            if (f > 0) {
                                throw new IllegalStateException("boom in nested half " + f);
                            }
                        });
                    }
                }));
        assertEquals("boom in nested half 50", e.getMessage());
    }

    @Test
    void changingTheThreadCountDuringACallDoesNotBlockItsNestedCalls() {
        // setThreads holds the class lock while it waits for the running call to end; a nested call
        // of that call must not need the lock.
        Parallel.setThreads(2);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Thread[] changer = new Thread[1];
            AtomicInteger covered = new AtomicInteger();
            Parallel.forRange(2, BIG, (from, to) -> {
                if (from != 0) {
                    return;
                }
                changer[0] = new Thread(() -> Parallel.setThreads(3));
                changer[0].setDaemon(true);
                changer[0].start();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                Parallel.forRange(100, BIG, (f, t) -> covered.addAndGet(t - f));
            });
            changer[0].join();
            assertEquals(100, covered.get());
            assertEquals(3, Parallel.threads());
        });
    }

    @Test
    void callersOnSeveralThreadsAtOnceAllGetWholeResults() throws Exception {
        Parallel.setThreads(2);
        Rng rng = new Rng(6);
        int rows = 97;
        int cols = 211;
        double[] x = Tensor.randn(rng, DType.FLOAT64, rows * cols).doubleData();
        double[] expected = rowWork(1, x, rows, cols);
        Parallel.setThreads(2);
        int callers = 4;
        double[][] got = new double[callers * 25][];
        Thread[] ts = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            int id = c;
            ts[c] = new Thread(() -> {
                for (int r = 0; r < 25; r++) {
                    got[id * 25 + r] = rowWork(x, rows, cols);
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "a caller did not finish");
        }
        for (double[] g : got) {
            assertArrayEquals(expected, g);
        }
    }

    @Test
    void threadCountMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
