package org.flows4j.nn;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Joins a network input and its context column-wise: {@code [x | c]} for {@code x [N, a]} and
 * {@code c [N, k]}, giving {@code [N, a + k]}; backward splits the gradient's columns back,
 * {@code dx = g[:, :a]}, {@code dc = g[:, a:]}.
 *
 * <p>A stand-in for {@code IndexOps.concat(1, x, context)} kept package-private so that the
 * general op can replace {@link #concatColumns} in one place.
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
        return concatColumns(x, context);
    }

    /** {@code [a | b]} along axis 1 for rank-2 variables with the same row count and dtype. */
    static Variable concatColumns(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        av.requireRank(2, "concatColumns");
        bv.requireRank(2, "concatColumns");
        av.requireSameDType(bv, "concatColumns");
        int n = av.size(0);
        if (bv.size(0) != n) {
            throw new ShapeMismatchException("concatColumns: row counts differ, " + Shape.str(av.shape()) + " and "
                    + Shape.str(bv.shape()));
        }
        int ca = av.size(1);
        int cb = bv.size(1);
        Tensor out = av.zerosLike(n, ca + cb);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ca; j++) {
                out.set(i * (ca + cb) + j, av.get(i * ca + j));
            }
            for (int j = 0; j < cb; j++) {
                out.set(i * (ca + cb) + ca + j, bv.get(i * cb + j));
            }
        }
        return Variable.fromOp("concatColumns", out, g -> new Tensor[] {
            a.requiresGrad() ? columns(g, 0, ca) : null,
            b.requiresGrad() ? columns(g, ca, cb) : null}, a, b);
    }

    /** Columns {@code [from, from + count)} of a rank-2 tensor, as a new tensor. */
    private static Tensor columns(Tensor g, int from, int count) {
        int n = g.size(0);
        int width = g.size(1);
        Tensor out = g.zerosLike(n, count);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < count; j++) {
                out.set(i * count + j, g.get(i * width + from + j));
            }
        }
        return out;
    }
}
