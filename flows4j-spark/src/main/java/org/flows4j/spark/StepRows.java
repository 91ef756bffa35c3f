package org.flows4j.spark;

import java.io.Serializable;

/**
 * Which rows of each partition make up the global batch of a training step: partition {@code p} with {@code n}
 * rows contributes its rows {@code rows(p, n, step)}. The driver and the executors agree on the batch without
 * shipping indices.
 */
interface StepRows extends Serializable {
    /** The local row indices of partition {@code partition} (of {@code n} rows) in step {@code step}. */
    int[] rows(int partition, int n, long step);
}
