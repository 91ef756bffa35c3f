package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;

/**
 * Elementwise logistic function {@code y_j = sigma(x_j) = 1 / (1 + e^{-x_j})}, mapping the reals onto
 * the open unit interval (codomain {@link Domain#UNIT_INTERVAL}); the inverse is {@code x = logit(y)}.
 *
 * <p>Log-det: {@code sigma'(x) = sigma(x) (1 - sigma(x)) = sigma(x) sigma(-x)}, so
 * <pre>  log |det J| = sum_j [log sigma(x_j) + log sigma(-x_j)]</pre>
 * with each {@code log sigma} evaluated as {@code -softplus(-x)}, which stays finite for any finite
 * {@code x} (the form {@code log(y (1 - y))} would reach {@code log 0} once {@code y} rounds to 1).
 * The inverse has log-det {@code sum_j [-log y_j - log(1 - y_j)]}.
 *
 * <p>Saturation: {@code sigma(x)} rounds to exactly 1 for {@code x} above about 37 in float64 (about
 * 17 in float32), and to exactly 0 for {@code x} below about -745 (about -104 in float32); the
 * forward output and log-det stay finite there, but such an output is no longer strictly inside
 * (0, 1), so the inverse rejects it. Cost: {@code O(N D)}.
 */
public final class Sigmoid extends Transform implements Part {
    /** The logistic function on rows of {@code features} values. */
    public Sigmoid(int features) {
        super(features, 0);
    }

    @Override
    public Domain codomain() {
        return Domain.UNIT_INTERVAL;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(ActivationOps.sigmoid(x), RowLogDet.sumOverFeatures(Logistic.logSigmoidDerivative(x)));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return new Transformed(Logistic.logit(y), RowLogDet.sumOverFeatures(Logistic.logLogitDerivative(y)));
    }

    /** Type {@code sigmoid}: {@code features}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("sigmoid").with("features", features());
    }
}
