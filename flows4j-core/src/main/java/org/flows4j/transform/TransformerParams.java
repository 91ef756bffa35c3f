package org.flows4j.transform;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;

/** Shape checks and parameter extraction shared by the {@link ElementwiseTransformer} implementations. */
final class TransformerParams {
    private TransformerParams() {
    }

    /** Throws unless {@code x} is {@code [N, K]} and {@code params} is {@code [N, K, p]}. */
    static void check(String who, Variable x, Variable params, int p) {
        int[] xs = x.shape();
        int[] ps = params.shape();
        if (xs.length != 2 || ps.length != 3 || ps[0] != xs[0] || ps[1] != xs[1] || ps[2] != p) {
            throw new ShapeMismatchException(who + ": expected input [N, K] and params [N, K, " + p + "], got input "
                    + Shape.str(xs) + " and params " + Shape.str(ps));
        }
    }

    /** Parameter {@code p} of every feature, {@code params[:, :, p]}, as {@code [N, K]}. */
    static Variable column(Variable params, int p) {
        int n = params.size(0);
        int k = params.size(1);
        int count = params.size(2);
        if (count == 1) {
            return ShapeOps.reshape(params, n, k);
        }
        int[] cols = new int[k];
        for (int i = 0; i < k; i++) {
            cols[i] = i * count + p;
        }
        return IndexOps.gather(ShapeOps.reshape(params, n, k * count), cols);
    }

    /**
     * {@code params [K, P]} as {@code [N, K, P]} for the rows of {@code x [N, K]}: {@code 0 + params} with
     * {@code params} as {@code [1, K P]} broadcast over {@code N} rows (its gradient is the sum over rows).
     * Throws a {@link ShapeMismatchException} naming {@code who} unless the shapes fit.
     */
    static Variable broadcastRows(String who, Variable x, Variable params, int p) {
        checkShared(who, x, params, p);
        int n = x.size(0);
        int k = x.size(1);
        Variable rows = Variable.constant(x.value().zerosLike(n, k * p));
        return ShapeOps.reshape(ArithmeticOps.add(rows, ShapeOps.reshape(params, 1, k * p)), n, k, p);
    }

    /** Throws unless {@code x} is {@code [N, K]} and {@code params} is {@code [K, p]}. */
    static void checkShared(String who, Variable x, Variable params, int p) {
        int[] xs = x.shape();
        int[] ps = params.shape();
        if (xs.length != 2 || ps.length != 2 || ps[0] != xs[1] || ps[1] != p) {
            throw new ShapeMismatchException(who + ": expected input [N, K] and shared params [K, " + p
                    + "], got input " + Shape.str(xs) + " and params " + Shape.str(ps));
        }
    }
}
