package org.flows4j.vi;

import static org.flows4j.vi.TargetOps.column;
import static org.flows4j.vi.TargetOps.gaussianExponent;
import static org.flows4j.vi.TargetOps.logSumExp;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;

/**
 * The four test energies of Rezende and Mohamed (2015), Table 1, as {@code log p~(z) = -U(z)} on rows
 * {@code z = (z1, z2)}; {@link Targets} states the formulas. Each {@code -log(e^a + e^b)} is a log-sum-exp, and
 * {@code |z|} is taken as {@code sqrt(max(z1^2 + z2^2, tiny))}, so its gradient at the origin is 0 rather than NaN.
 */
final class RezendeMohamed {
    private RezendeMohamed() {
    }

    static Variable u1(Variable z) {
        Variable z1 = column(z, 0);
        Variable z2 = column(z, 1);
        Variable r2 = ArithmeticOps.add(ArithmeticOps.square(z1), ArithmeticOps.square(z2));
        Variable r = ArithmeticOps.sqrt(ArithmeticOps.clamp(r2, Float.MIN_NORMAL, Double.POSITIVE_INFINITY));
        Variable ring = gaussianExponent(ArithmeticOps.addScalar(r, -2.0), 0.4);
        Variable modes = logSumExp(gaussianExponent(ArithmeticOps.addScalar(z1, -2.0), 0.6),
                gaussianExponent(ArithmeticOps.addScalar(z1, 2.0), 0.6));
        return ArithmeticOps.add(ring, modes);
    }

    static Variable u2(Variable z) {
        return gaussianExponent(offset(z), 0.4);
    }

    static Variable u3(Variable z) {
        Variable d = offset(z);
        Variable w2 = ArithmeticOps.mulScalar(ActivationOps.exp(
                gaussianExponent(ArithmeticOps.addScalar(column(z, 0), -1.0), 0.6)), 3.0);
        return logSumExp(gaussianExponent(d, 0.35), gaussianExponent(ArithmeticOps.add(d, w2), 0.35));
    }

    static Variable u4(Variable z) {
        Variable d = offset(z);
        Variable w3 = ArithmeticOps.mulScalar(ActivationOps.sigmoid(
                ArithmeticOps.mulScalar(ArithmeticOps.addScalar(column(z, 0), -1.0), 1 / 0.3)), 3.0);
        return logSumExp(gaussianExponent(d, 0.4), gaussianExponent(ArithmeticOps.add(d, w3), 0.35));
    }

    /** {@code z2 - w1} with {@code w1 = sin(2 pi z1 / 4)}. */
    private static Variable offset(Variable z) {
        Variable w1 = TargetOps.sin(ArithmeticOps.mulScalar(column(z, 0), Math.PI / 2));
        return ArithmeticOps.sub(column(z, 1), w1);
    }
}
