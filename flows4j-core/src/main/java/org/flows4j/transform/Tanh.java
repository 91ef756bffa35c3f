package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;

/**
 * Elementwise hyperbolic tangent {@code y_j = tanh(x_j)}, mapping the reals onto the open interval
 * (-1, 1) (codomain {@link Domain#SYMMETRIC_UNIT_INTERVAL}).
 *
 * <p>Log-det: {@code tanh'(x) = 1 - tanh^2(x) = sech^2(x)} and
 * {@code sech x = 2 / (e^x + e^-x) = 2 e^-x / (1 + e^-2x)}, so
 * <pre>  log |det J| = sum_j 2 [log 2 - x_j - softplus(-2 x_j)],</pre>
 * which is finite for every finite {@code x} (the form {@code log(1 - y^2)} reaches {@code log 0} once
 * {@code y} rounds to ±1). The inverse is
 * {@code x = atanh(y) = (log(1 + y) - log(1 - y)) / 2} with log-det
 * {@code -sum_j [log(1 + y_j) + log(1 - y_j)]}, both terms via {@code log1p} for accuracy near ±1.
 *
 * <p>Saturation: {@code tanh(x)} rounds to exactly ±1 for {@code |x|} above about 19 in float64 (about
 * 9 in float32); the forward output and log-det stay finite there, but such an output is not inside
 * (-1, 1), so the inverse rejects it. Cost: {@code O(N D)}.
 */
public final class Tanh extends Transform implements Part {
    private static final double LOG_2 = Math.log(2.0);

    /** The hyperbolic tangent on rows of {@code features} values. */
    public Tanh(int features) {
        super(features, 0);
    }

    @Override
    public Domain codomain() {
        return Domain.SYMMETRIC_UNIT_INTERVAL;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable softplus = ActivationOps.softplus(ArithmeticOps.mulScalar(x, -2.0));
        Variable logDeriv = ArithmeticOps.addScalar(
                ArithmeticOps.mulScalar(ArithmeticOps.add(x, softplus), -2.0), 2 * LOG_2);
        return new Transformed(ActivationOps.tanh(x), RowLogDet.sumOverFeatures(logDeriv));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable logOnePlus = ActivationOps.log1p(y);
        Variable logOneMinus = ActivationOps.log1p(ArithmeticOps.neg(y));
        Variable x = ArithmeticOps.mulScalar(ArithmeticOps.sub(logOnePlus, logOneMinus), 0.5);
        Variable logDet = ArithmeticOps.neg(RowLogDet.sumOverFeatures(ArithmeticOps.add(logOnePlus, logOneMinus)));
        return new Transformed(x, logDet);
    }

    /** Type {@code tanh}: {@code features}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("tanh").with("features", features());
    }
}
