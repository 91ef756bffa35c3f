package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;

/**
 * Elementwise exponential {@code y_j = e^{x_j}}, mapping the reals onto the positive reals (codomain
 * {@link Domain#POSITIVE}); the inverse is {@code x_j = log y_j}.
 *
 * <p>Log-det: {@code d e^x / dx = e^x}, so {@code log |det J| = sum_j x_j}; the inverse has log-det
 * {@code -sum_j log y_j}.
 *
 * <p>Range: the output overflows to infinity for {@code x} above about 709 in float64 (about 88 in
 * float32) and underflows to 0 below about -745 (about -103); inputs that far out have no finite or
 * positive image. Cost: {@code O(N D)}.
 */
public final class Exp extends Transform implements Part {
    /** The exponential on rows of {@code features} values. */
    public Exp(int features) {
        super(features, 0);
    }

    @Override
    public Domain codomain() {
        return Domain.POSITIVE;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(ActivationOps.exp(x), RowLogDet.sumOverFeatures(x));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable x = ActivationOps.log(y);
        return new Transformed(x, ArithmeticOps.neg(RowLogDet.sumOverFeatures(x)));
    }

    /** Type {@code exp}: {@code features}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("exp").with("features", features());
    }
}
