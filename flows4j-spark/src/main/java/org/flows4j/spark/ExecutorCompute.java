package org.flows4j.spark;

import java.util.function.Supplier;
import org.flows4j.tensor.ComputeContext;

/**
 * The one door through which this module's executor-side flow work (scoring chunks, gradients of a
 * partition's share of a batch, local steps of parameter averaging, sampling) reaches the flows4j engine.
 *
 * <p>A Spark task owns one core, so the flow work of a task must run on the task's own thread and start no
 * kernel threads of its own: with N task slots an executor then has at most N busy flows4j threads. {@link #run}
 * binds a compute context of one thread ({@link ComputeContext.Builder#threads threads(1)}, which starts no
 * worker) around the work, whatever the JVM's default context (and {@code -Dflows4j.threads}) says. The context
 * is one per JVM and never closed: it owns no thread, and its scratch arrays are those of the task threads that
 * Spark keeps for reuse.
 */
public final class ExecutorCompute {
    private static final ComputeContext SERIAL = ComputeContext.builder().threads(1).spinMicros(0)
            .name("flows4j-spark").build();

    private ExecutorCompute() {
    }

    /** Runs {@code work} on the calling task's thread, with kernels confined to it, and returns its result. */
    public static <T> T run(Supplier<T> work) {
        return SERIAL.call(work);
    }

    /** The context the work runs in (one thread), for tests and diagnostics. */
    static ComputeContext context() {
        return SERIAL;
    }
}
