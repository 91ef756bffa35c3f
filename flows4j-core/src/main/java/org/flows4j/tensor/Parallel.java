package org.flows4j.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The kernel thread pool. Large kernels split their outer loop into contiguous chunks, one per
 * thread; the calling thread runs the first chunk itself. The size defaults to the number of
 * available processors and is set with {@link #setThreads(int)} (or the system property
 * {@code flows4j.threads}).
 *
 * <p>Chunks split output rows only, so every output element is computed by the same sequence of
 * floating-point operations whatever the thread count: results are bit-identical for 1 or N
 * threads. A kernel called from inside a worker runs serially (no nested splitting, no deadlock).
 */
public final class Parallel {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static volatile int threads = initialThreads();
    private static volatile ExecutorService pool;

    private Parallel() {
    }

    private static int initialThreads() {
        String p = System.getProperty("flows4j.threads");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("flows4j.threads must be a positive integer, got '" + p + "'", e);
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Number of threads kernels may use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use (at least 1). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
        if (n != threads) {
            threads = n;
            ExecutorService old = pool;
            pool = null;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    AtomicInteger id = new AtomicInteger();
                    p = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                        Thread t = new Thread(() -> {
                            IN_WORKER.set(true);
                            r.run();
                        }, "flows4j-kernel-" + id.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} chunks when
     * {@code work} (an estimate of scalar operations in the whole loop) exceeds about 2^15;
     * otherwise runs it on the calling thread.
     */
    public static void forRange(int n, long work, RangeBody body) {
        int t = threads;
        if (t == 1 || n < 2 || work < (1L << 15) || IN_WORKER.get()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t, n);
        ExecutorService p = pool();
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures.add(p.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / chunks));
        for (Future<?> fut : futures) {
            try {
                fut.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
