package org.flows4j.tensor;

/**
 * The entry point of the kernels to their threads: {@link #forRange} splits a loop across the threads of
 * the {@link ComputeContext#current() current compute context}; {@link #threads()} and
 * {@link #setThreads(int)} read and resize the {@link ComputeContext#defaultContext() default context}
 * (what the command line's {@code --threads} sets).
 *
 * <p>Large loops split into contiguous chunks, one per thread; the calling thread runs the first chunk
 * itself. Chunks split output rows only, so every output element is computed by the same sequence of
 * floating-point operations whatever the thread count: results are bit-identical for 1 or N threads, in
 * any context. A loop called from inside a chunk splits only if another thread of the context is idle: it
 * offers its upper half as a help job, which a thread that has finished its own chunk (the caller waiting
 * for the workers, or an idle worker) may take; if none has taken it by the time the offering thread is
 * done with its lower half, it runs the upper half itself. So when the chunks of a call take unequal times
 * (as training shards do on cores of unequal speed), the thread that finishes first helps with the large
 * kernels of the others. A loop called while another thread's call holds the context's workers runs on
 * the calling thread alone.
 *
 * <p>A training step calls hundreds of kernels of a few tens of microseconds each, so handing a chunk to a
 * worker must cost far less than that: each worker owns one job slot, the caller writes the chunk into it
 * and bumps a sequence number, an idle worker spins on its slot for the context's
 * {@link ComputeContext#spinMicros() spin time} before it parks, and the caller spins (then yields) until
 * every worker has published its chunk as done. An executor's queue, futures and park/unpark on every call
 * cost more than the kernels themselves at these sizes. Finding the context costs one volatile read when
 * no thread has a context bound, one thread-local lookup otherwise.
 */
public final class Parallel {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** Number of threads of the default context. */
    public static int threads() {
        return ComputeContext.defaultContext().threads();
    }

    /**
     * Resizes the default context to {@code n} threads (at least 1); its workers are restarted, after the
     * call that holds them (if any) has ended.
     */
    public static void setThreads(int n) {
        ComputeContext.defaultContext().resize(n);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into at most {@link ComputeContext#threads()} chunks of
     * the current context when {@code work} (an estimate of scalar operations in the whole loop) exceeds
     * about 2^15; otherwise runs it on the calling thread.
     */
    public static void forRange(int n, long work, RangeBody body) {
        ComputeContext.forRange(n, work, body);
    }
}
