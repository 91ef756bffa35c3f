package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;

/**
 * Elementwise logit with optional squeezing (the "alpha" of RealNVP's data preprocessing):
 * <pre>  u_j = eps + (1 - 2 eps) x_j,   y_j = logit(u_j) = log u_j - log(1 - u_j)</pre>
 * mapping data in the unit interval to the reals. With {@code eps = 0} it is the exact inverse of
 * {@link Sigmoid}.
 *
 * <p>Log-det: {@code du/dx = 1 - 2 eps} and {@code logit'(u) = 1 / (u (1 - u))}, so
 * <pre>  log |det J| = D log(1 - 2 eps) - sum_j [log u_j + log(1 - u_j)].</pre>
 * The inverse is {@code x_j = (sigma(y_j) - eps) / (1 - 2 eps)} with log-det
 * {@code sum_j [log sigma(y_j) + log sigma(-y_j)] - D log(1 - 2 eps)}, evaluated as in {@link Sigmoid}
 * so it is finite for every finite {@code y}.
 *
 * <p>Bounds: with {@code eps = 0} the domain is the open interval (0, 1) and the input check rejects
 * 0 and 1 themselves (their logit is infinite) with a message naming the row, column and value. With
 * {@code eps > 0} the domain is the closed interval [0, 1]: the bounds map to the finite values
 * {@code logit(eps)} and {@code logit(1 - eps)}. The inverse then maps latents beyond those values to
 * points up to {@code eps / (1 - 2 eps)} outside [0, 1] (clip generated samples if that matters). In
 * float32 use {@code eps >= 1e-6}, or {@code 1 - eps} rounds to 1. Cost: {@code O(N D)}.
 */
public final class Logit extends Transform implements Part {
    private final double eps;

    /** The plain logit on rows of {@code features} values in (0, 1). */
    public Logit(int features) {
        this(features, 0.0);
    }

    /** The squeezed logit {@code logit(eps + (1 - 2 eps) x)}; {@code eps} in [0, 0.5). */
    public Logit(int features, double eps) {
        super(features, 0);
        if (!(eps >= 0 && eps < 0.5)) {
            throw new IllegalArgumentException("Logit: eps must be in [0, 0.5), got " + eps);
        }
        if (eps > 0 && 1.0 - eps == 1.0) {
            throw new IllegalArgumentException("Logit: eps = " + eps + " is too small for 1 - eps to differ from 1 in"
                    + " double precision; use 0 or a value of at least 1e-15");
        }
        this.eps = eps;
    }

    /** The squeezing constant. */
    public double eps() {
        return eps;
    }

    @Override
    public Domain domain() {
        return eps > 0 ? Domain.CLOSED_UNIT_INTERVAL : Domain.UNIT_INTERVAL;
    }

    private double logSqueeze(int features) {
        return features * Math.log1p(-2 * eps);
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable u = eps > 0 ? ArithmeticOps.addScalar(ArithmeticOps.mulScalar(x, 1 - 2 * eps), eps) : x;
        Variable logDet = RowLogDet.sumOverFeatures(Logistic.logLogitDerivative(u));
        if (eps > 0) {
            logDet = ArithmeticOps.addScalar(logDet, logSqueeze(x.size(1)));
        }
        return new Transformed(Logistic.logit(u), logDet);
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable s = ActivationOps.sigmoid(y);
        Variable x = eps > 0 ? ArithmeticOps.mulScalar(ArithmeticOps.addScalar(s, -eps), 1 / (1 - 2 * eps)) : s;
        Variable logDet = RowLogDet.sumOverFeatures(Logistic.logSigmoidDerivative(y));
        if (eps > 0) {
            logDet = ArithmeticOps.addScalar(logDet, -logSqueeze(y.size(1)));
        }
        return new Transformed(x, logDet);
    }

    /** Type {@code logit}: {@code features}, {@code eps} (the squeezing constant, 0 for the plain logit). */
    @Override
    public PartConfig describe() {
        return PartConfig.of("logit").with("features", features()).with("eps", eps);
    }
}
