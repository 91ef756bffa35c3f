package org.flows4j.nn;

import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;

/**
 * Joins a network input and its context column-wise, {@code [x | c]} for {@code x [N, a]} and
 * {@code c [N, k]}, after checking that the context matches what the network was built for.
 */
final class ContextConcat {
    private ContextConcat() {
    }

    /**
     * The input a network's first layer sees: {@code x} alone when the network takes no context,
     * else {@code [x | context]}. {@code owner} names the network in error messages.
     */
    static Variable join(String owner, Variable x, Variable context, int contextFeatures) {
        if (context == null) {
            if (contextFeatures > 0) {
                throw new IllegalArgumentException(owner + ": this network expects a context [N, " + contextFeatures
                        + "], got none");
            }
            return x;
        }
        if (contextFeatures == 0) {
            throw new IllegalArgumentException(owner + ": this network takes no context, got one of shape "
                    + Shape.str(context.shape()) + " (build it with contextFeatures > 0)");
        }
        context.value().requireRank(2, owner + " context");
        if (context.size(1) != contextFeatures) {
            throw new ShapeMismatchException(owner + ": expected context [N, " + contextFeatures + "], got "
                    + Shape.str(context.shape()));
        }
        return IndexOps.concat(1, x, context);
    }
}
