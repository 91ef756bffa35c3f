package org.flows4j.transform;

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
}
