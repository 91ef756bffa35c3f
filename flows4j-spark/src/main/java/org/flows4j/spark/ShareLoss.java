package org.flows4j.spark;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.ShardedLoss;

/**
 * One partition's share of a batch loss and its gradient. For the rows {@code R} of the share and a global batch
 * of {@code B} rows, {@code L_p = -(1/B) sum_{i in R} log p(x_i | c_i)}; the sum of the partitions' {@code L_p}
 * is the batch's mean negative log-likelihood and the sum of their gradients its gradient, which is how the
 * single-JVM trainer's {@link ShardedLoss} splits a batch too. Computed as one graph ({@code ShardedLoss} with one
 * shard) on the task's thread; the gradients are added to the flow's parameters.
 */
final class ShareLoss {
    private ShareLoss() {
    }

    /** Adds {@code dL_p/dtheta} to {@code flow}'s gradients and returns {@code L_p}; 0 for no rows. */
    static double backward(Flow flow, Block block, int[] rows, long step, long batchRows) {
        if (rows.length == 0) {
            return 0;
        }
        Tensor x = Tensor.wrap(block.gatherX(rows), rows.length, block.d);
        float[] cv = block.gatherC(rows);
        Tensor c = cv == null ? null : Tensor.wrap(cv, rows.length, block.k);
        double scale = -1.0 / batchRows;
        return new ShardedLoss(1).backwardAt(step, rows.length, flow.dependsOnBatch(), (s, r0, r1) ->
                ArithmeticOps.mulScalar(ReduceOps.sum(flow.logProb(Variable.constant(x),
                        c == null ? null : Variable.constant(c))), scale));
    }

    /** {@code sum_i -log p(x_i | c_i)} over all rows of {@code block}, in evaluation mode, in chunks, no gradients. */
    static double nllSum(Flow flow, Block block, int chunk) {
        double sum = 0;
        flow.train(false);
        try (GradMode.Scope g = GradMode.noGrad()) {
            for (int from = 0; from < block.n; from += chunk) {
                int k = Math.min(chunk, block.n - from);
                float[] xs = new float[k * block.d];
                System.arraycopy(block.x, from * block.d, xs, 0, xs.length);
                Variable c = null;
                if (block.c != null) {
                    float[] cs = new float[k * block.k];
                    System.arraycopy(block.c, from * block.k, cs, 0, cs.length);
                    c = Variable.constant(Tensor.wrap(cs, k, block.k));
                }
                Tensor lp = flow.logProb(Variable.constant(Tensor.wrap(xs, k, block.d)), c).value();
                for (int i = 0; i < k; i++) {
                    sum -= lp.get(i);
                }
            }
        } finally {
            flow.train(true);
        }
        return sum;
    }
}
