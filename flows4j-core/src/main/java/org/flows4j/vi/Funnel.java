package org.flows4j.vi;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;

/**
 * Neal's funnel (Neal 2003, "Slice sampling") on rows {@code (v, x_1, ..., x_{D-1})}: {@code v ~ N(0, 3^2)} and
 * {@code x_i | v ~ N(0, e^v)}, a normalized density:
 * <pre>  log p = -v^2 / 18 - log(18 pi) / 2 - (D - 1)(v + log(2 pi)) / 2 - e^{-v} sum_i x_i^2 / 2.</pre>
 */
final class Funnel {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private Funnel() {
    }

    static Variable logDensity(Variable row) {
        int d = row.size(1);
        Variable v = TargetOps.column(row, 0);
        Variable prior = TargetOps.gaussianExponent(v, 3.0);
        Variable rest = IndexOps.slice(row, 1, 1, d);
        Variable squares = ReduceOps.sum(ArithmeticOps.square(rest), 1, false);
        Variable scaled = ArithmeticOps.mulScalar(ArithmeticOps.mul(ActivationOps.exp(ArithmeticOps.neg(v)), squares),
                -0.5);
        Variable logScale = ArithmeticOps.mulScalar(v, -0.5 * (d - 1));
        double constant = -0.5 * Math.log(18 * Math.PI) - 0.5 * (d - 1) * LOG_2PI;
        return ArithmeticOps.addScalar(ArithmeticOps.add(ArithmeticOps.add(prior, logScale), scaled), constant);
    }
}
