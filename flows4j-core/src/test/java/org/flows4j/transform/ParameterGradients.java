package org.flows4j.transform;

import java.util.Map;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;

/**
 * Compares a transform's parameter gradients with central differences: for
 * {@code L = sum_{n,i} c_{n,i} out_{n,i} + sum_n e_n logDet_n} with fixed weights {@code c, e}, the
 * backward pass's {@code dL/dtheta} against {@code (L(theta + h) - L(theta - h)) / 2h} for every
 * parameter element. Returns the largest error {@code |analytic - numeric| / max(1, |numeric|)}.
 */
final class ParameterGradients {
    private ParameterGradients() {
    }

    static double maxError(Transform t, Tensor x, boolean forward) {
        double h = 1e-6;
        t.zeroGrad();
        try (GradMode.Scope s = GradMode.enableGrad()) {
            Transformed r = apply(t, x, forward);
            ArithmeticOps.add(weighted(r.output()), weighted(r.logDet())).backward();
        }
        double worst = 0;
        for (Map.Entry<String, Parameter> e : t.parameters().entrySet()) {
            Tensor v = e.getValue().value();
            Tensor g = e.getValue().grad();
            for (int i = 0; i < v.numel(); i++) {
                double analytic = g == null ? 0.0 : g.get(i);
                double v0 = v.get(i);
                v.set(i, v0 + h);
                double up = loss(t, x, forward);
                v.set(i, v0 - h);
                double down = loss(t, x, forward);
                v.set(i, v0);
                double numeric = (up - down) / (2 * h);
                worst = Math.max(worst, Math.abs(analytic - numeric) / Math.max(1.0, Math.abs(numeric)));
            }
        }
        t.zeroGrad();
        return worst;
    }

    private static Transformed apply(Transform t, Tensor x, boolean forward) {
        Variable in = Variable.constant(x);
        return forward ? t.forward(in) : t.inverse(in);
    }

    private static double weight(int i) {
        return 0.5 + 0.37 * ((i * 7) % 5);
    }

    private static Variable weighted(Variable v) {
        Tensor w = v.value().zerosLike();
        for (int i = 0; i < w.numel(); i++) {
            w.set(i, weight(i));
        }
        return ReduceOps.sum(ArithmeticOps.mul(v, Variable.constant(w)));
    }

    private static double loss(Transform t, Tensor x, boolean forward) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed r = apply(t, x, forward);
            double sum = 0;
            for (int i = 0; i < r.output().value().numel(); i++) {
                sum += weight(i) * r.output().value().get(i);
            }
            for (int i = 0; i < r.logDet().value().numel(); i++) {
                sum += weight(i) * r.logDet().value().get(i);
            }
            return sum;
        }
    }
}
