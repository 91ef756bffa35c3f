package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.Tensor;

/**
 * Elementwise leaky rectifier {@code y_j = x_j} for {@code x_j > 0} and {@code y_j = slope x_j}
 * otherwise, with a fixed {@code slope > 0} (so the map is a bijection of the reals; the sign is kept).
 *
 * <p>Log-det: the derivative is 1 on the positive side and {@code slope} elsewhere, so
 * <pre>  log |det J| = (number of j with x_j <= 0) * log(slope),</pre>
 * piecewise constant in {@code x} (its gradient with respect to {@code x} is 0; at {@code x = 0}
 * the {@code slope} side is taken, as in {@link ActivationOps#leakyRelu}). The inverse is the leaky
 * rectifier with slope {@code 1 / slope}; as {@code y} has the sign of {@code x}, its log-det is
 * {@code -(number of j with y_j <= 0) * log(slope)}. Cost: {@code O(N D)}.
 */
public final class LeakyReLU extends Transform implements Part {
    /** The slope used by {@link #LeakyReLU(int)}, as in common deep-learning libraries. */
    public static final double DEFAULT_SLOPE = 0.01;

    private final double slope;

    /** The leaky rectifier with slope {@link #DEFAULT_SLOPE}. */
    public LeakyReLU(int features) {
        this(features, DEFAULT_SLOPE);
    }

    /** The leaky rectifier with the given negative-side {@code slope}, which must be finite and positive. */
    public LeakyReLU(int features, double slope) {
        super(features, 0);
        if (!(slope > 0 && slope < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LeakyReLU: slope must be finite and positive, got " + slope);
        }
        this.slope = slope;
    }

    /** The negative-side slope. */
    public double slope() {
        return slope;
    }

    /** {@code sign * count(v_j <= 0) * log(slope)} per row of {@code v}, as a constant. */
    private Variable logDet(Tensor v, double sign) {
        int n = v.size(0);
        int d = v.size(1);
        double logSlope = Math.log(slope);
        Tensor out = Tensor.zeros(v.dtype(), n);
        for (int i = 0; i < n; i++) {
            int nonPositive = 0;
            for (int j = 0; j < d; j++) {
                if (v.get(i * d + j) <= 0) {
                    nonPositive++;
                }
            }
            out.set(i, sign * nonPositive * logSlope);
        }
        return Variable.constant(out);
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(ActivationOps.leakyRelu(x, slope), logDet(x.value(), 1.0));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return new Transformed(ActivationOps.leakyRelu(y, 1.0 / slope), logDet(y.value(), -1.0));
    }

    /** Type {@code leaky-relu}: {@code features}, {@code slope}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("leaky-relu").with("features", features()).with("slope", slope);
    }
}
