package org.flows4j.spark;

import java.util.function.Supplier;

/**
 * The one door through which this module's executor-side flow work (scoring chunks, gradients of a
 * partition's share of a batch, local steps of parameter averaging, sampling) reaches the flows4j engine.
 *
 * <p>A Spark task owns one core, so the flow work of a task must run on the task's own thread and start no
 * kernel threads of its own. This class is where a compute context of one thread is bound around that work
 * (try-with-resources, closed when the work ends). Until core offers such a context, {@link #run} calls the
 * supplier directly on the task's thread, and executors should be started with {@code -Dflows4j.threads=1}
 * (docs/SPARK.md, "Threads on executors") so that the kernels stay on that thread.
 */
public final class ExecutorCompute {
    private ExecutorCompute() {
    }

    /** Runs {@code work} on the calling task's thread and returns its result. */
    public static <T> T run(Supplier<T> work) {
        return work.get();
    }
}
