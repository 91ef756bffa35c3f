package org.flows4j.vi;

import org.flows4j.tensor.DType;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.Inverse;
import org.flows4j.transform.Tanh;
import org.flows4j.transform.Transform;

/**
 * Bijections onto a target's support, the data-side end of a flow fitted to a boxed target.
 *
 * <p>{@link #toBox} maps the box {@code B = [low, high]} onto {@code R^D} in the library's data-to-latent direction,
 * {@code y_j = atanh(u_j)} with {@code u_j = (2 x_j - low_j - high_j) / (high_j - low_j)}; its inverse, the sampling
 * direction, is
 * <pre>  x_j = low_j + (high_j - low_j) (tanh(y_j) + 1) / 2,
 *   log |det dx/dy| = sum_j [log((high_j - low_j) / 2) + log(1 - tanh^2 y_j)].</pre>
 * It is a chain of registered parts, a fixed {@code affine} ({@code u = shift + scale x}, with
 * {@code scale_j = 2 / (high_j - low_j)} and {@code shift_j = -(low_j + high_j) / (high_j - low_j)}) followed by the
 * {@code inverse} of {@code tanh}, so a flow holding it saves, loads and is checked like any other. The
 * {@link Tanh} step keeps its log-det finite where {@code tanh} rounds to {@code ±1} ({@code |y|} above about 9 in
 * float32, 19 in float64), where the sample lands on the box's boundary.
 *
 * <p>Limits: {@link Transform#domain()} has no box, so the chain reports the reals; a density evaluated
 * ({@code forward}) at a point on the boundary or outside the box is NaN, not {@code -infinity}.
 */
public final class Supports {
    private Supports() {
    }

    /** The bijection from {@code box} onto {@code R^D} described above, its constants in {@code dtype}. */
    public static Transform toBox(Box box, DType dtype) {
        if (box == null || dtype == null) {
            throw new IllegalArgumentException("Supports.toBox: expected a box and a dtype, got box = " + box
                    + ", dtype = " + dtype);
        }
        double[] low = box.low();
        double[] high = box.high();
        int d = box.features();
        double[] shift = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double width = high[j] - low[j];
            scale[j] = 2 / width;
            shift[j] = -(low[j] + high[j]) / width;
        }
        return new Composite(Affine.fixed(shift, scale, dtype), new Inverse(new Tanh(d)));
    }
}
