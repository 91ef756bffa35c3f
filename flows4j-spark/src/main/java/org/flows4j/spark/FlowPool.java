package org.flows4j.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.broadcast.Broadcast;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.Flows;

/**
 * Trainable flows of one training run in this JVM, keyed by the broadcast id of the run's untrained model file:
 * a task borrows a flow (built from the model's spec on first need, so there are as many as tasks running at
 * once), loads the step's weights into it, computes, and gives it back. Its gradients and weights are the task's
 * alone while borrowed.
 */
final class FlowPool {
    private static final ConcurrentHashMap<Long, ConcurrentLinkedQueue<Flow>> POOLS = new ConcurrentHashMap<>();

    private FlowPool() {
    }

    /** A flow of the run's spec, in training mode. */
    static Flow borrow(Broadcast<byte[]> run) {
        Flow f = POOLS.computeIfAbsent(run.id(), id -> new ConcurrentLinkedQueue<>()).poll();
        if (f == null) {
            FlowModel m = ModelCache.get(run);
            f = Flows.build(m.spec().orElseThrow(() -> new IllegalStateException(
                    "FlowPool: the run's model file has no preset spec")));
        }
        f.train(true);
        return f;
    }

    /** Gives {@code f} back for the next task of the run. */
    static void release(Broadcast<byte[]> run, Flow f) {
        POOLS.computeIfAbsent(run.id(), id -> new ConcurrentLinkedQueue<>()).add(f);
    }

    /** Drops the run's flows (called by the driver when a run ends; executors' pools go with their JVM). */
    static void drop(Broadcast<byte[]> run) {
        POOLS.remove(run.id());
    }
}
