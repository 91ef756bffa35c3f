package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;

/**
 * Elementwise softplus {@code y_j = log(1 + e^{x_j})}, mapping the reals onto the positive reals
 * (codomain {@link Domain#POSITIVE}).
 *
 * <p>Log-det: {@code softplus'(x) = e^x / (1 + e^x) = sigma(x)}, so
 * {@code log |det J| = sum_j log sigma(x_j)}, evaluated as {@code -softplus(-x)} (finite for every
 * finite {@code x}).
 *
 * <p>Inverse: from {@code e^y = 1 + e^x}, {@code x = log(e^y - 1) = y + log(1 - e^{-y})}, evaluated as
 * {@code y + log(-expm1(-y))}, which neither overflows for large {@code y} nor loses precision for
 * small {@code y}. Since {@code 1 - e^{-y} = sigma(x)}, its log-det is
 * {@code -sum_j log(-expm1(-y_j))}, the negative of the forward one.
 *
 * <p>Range: the output underflows to 0 for {@code x} below about -745 in float64 (about -103 in
 * float32); such an output is not positive, so the inverse rejects it. Cost: {@code O(N D)}.
 */
public final class Softplus extends Transform implements Part {
    /** The softplus on rows of {@code features} values. */
    public Softplus(int features) {
        super(features, 0);
    }

    @Override
    public Domain codomain() {
        return Domain.POSITIVE;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(ActivationOps.softplus(x), RowLogDet.sumOverFeatures(ActivationOps.logSigmoid(x)));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable logOneMinusExp = ActivationOps.log(ArithmeticOps.neg(ActivationOps.expm1(ArithmeticOps.neg(y))));
        Variable x = ArithmeticOps.add(y, logOneMinusExp);
        return new Transformed(x, ArithmeticOps.neg(RowLogDet.sumOverFeatures(logOneMinusExp)));
    }

    /** Type {@code softplus}: {@code features}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("softplus").with("features", features());
    }
}
