package org.flows4j.distribution;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;

/**
 * The diagonal Gaussian log-density shared by the normal distributions: with
 * {@code z = (x - mu) e^{-s}}, {@code log N(x; mu, e^{2s}) = sum over the last axis of
 * (-z^2 / 2 - s) - (D/2) log(2 pi)}. {@code mu} and {@code s} broadcast against {@code x}.
 */
final class Gaussian {
    private Gaussian() {
    }

    static Variable logProb(Variable x, Variable mu, Variable logScale) {
        int d = x.size(-1);
        Variable z = ArithmeticOps.mul(ArithmeticOps.sub(x, mu), ActivationOps.exp(ArithmeticOps.neg(logScale)));
        Variable terms = ArithmeticOps.add(ArithmeticOps.mulScalar(ArithmeticOps.square(z), -0.5), ArithmeticOps.neg(logScale));
        return ArithmeticOps.addScalar(ReduceOps.sum(terms, -1, false), -d * StandardNormal.HALF_LOG_TWO_PI);
    }
}
