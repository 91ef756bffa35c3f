package org.flows4j.vi;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * An equally weighted mixture of {@code K} isotropic Gaussians in the plane with standard deviation {@code s} and
 * means on a circle of radius {@code R} at angles {@code 2 pi k / K}, a normalized density:
 * <pre>  log p(x) = logsumexp_k [-|x - mu_k|^2 / (2 s^2)] - log K - log(2 pi s^2),
 *   mu_k = R (cos(2 pi k / K), sin(2 pi k / K)).</pre>
 * The squared distances are taken as differences, not expanded, so they do not cancel near a mean.
 */
final class GaussianRing {
    private final double[] means;
    private final int components;
    private final double sd;

    GaussianRing(int components, double radius, double sd) {
        this.components = components;
        this.sd = sd;
        this.means = new double[2 * components];
        for (int k = 0; k < components; k++) {
            double angle = 2 * Math.PI * k / components;
            means[2 * k] = radius * Math.cos(angle);
            means[2 * k + 1] = radius * Math.sin(angle);
        }
    }

    Variable logDensity(Variable x) {
        int n = x.size(0);
        Variable mu = Variable.constant(Tensor.of(means, 1, components, 2).to(x.dtype()));
        Variable diff = ArithmeticOps.sub(ShapeOps.reshape(x, n, 1, 2), mu);
        Variable exponents = ArithmeticOps.mulScalar(ReduceOps.sum(ArithmeticOps.square(diff), 2, false),
                -0.5 / (sd * sd));
        double constant = -Math.log(components) - Math.log(2 * Math.PI * sd * sd);
        return ArithmeticOps.addScalar(ReduceOps.logSumExp(exponents, 1, false), constant);
    }
}
