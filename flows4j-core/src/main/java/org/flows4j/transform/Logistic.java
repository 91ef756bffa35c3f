package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;

/**
 * The logistic pair shared by {@link Sigmoid} and {@link Logit}, as differentiable compositions of
 * existing ops, each finite for every finite input of its domain.
 */
final class Logistic {
    private Logistic() {
    }

    /** {@code logit(u) = log u - log(1 - u)} for {@code u} in (0, 1); {@code log1p(-u)} keeps it accurate near 1. */
    static Variable logit(Variable u) {
        return ArithmeticOps.sub(ActivationOps.log(u), ActivationOps.log1p(ArithmeticOps.neg(u)));
    }

    /**
     * {@code log sigma'(x) = log(sigma(x) (1 - sigma(x))) = log sigma(x) + log sigma(-x)}, elementwise;
     * each term is {@code -softplus(-+x)}, so it is finite for any finite {@code x} (about {@code -|x|}
     * for large {@code |x|}), where the naive {@code log(s (1 - s))} would give {@code log 0}.
     */
    static Variable logSigmoidDerivative(Variable x) {
        return ArithmeticOps.add(ActivationOps.logSigmoid(x), ActivationOps.logSigmoid(ArithmeticOps.neg(x)));
    }

    /** {@code log logit'(u) = -log u - log(1 - u)}, elementwise, for {@code u} in (0, 1). */
    static Variable logLogitDerivative(Variable u) {
        return ArithmeticOps.neg(ArithmeticOps.add(ActivationOps.log(u), ActivationOps.log1p(ArithmeticOps.neg(u))));
    }
}
