package org.flows4j.autodiff;

import java.util.function.Function;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;

/**
 * Compares a function's reverse-mode gradient with float64 central differences.
 *
 * <p>For a function {@code y = f(x_1, ..., x_k)} it draws fixed random weights {@code w} of
 * {@code y}'s shape, takes the scalar {@code L = sum(w * y)}, and compares for every input element
 * the backward pass's {@code dL/dx} with {@code (L(x + h e) - L(x - h e)) / 2h}. The error of one
 * element is {@code |analytic - numeric| / max(1, |analytic|, |numeric|)}: relative for large
 * gradients, absolute for small ones. Inputs are converted to float64 first. A NaN or infinity in
 * either gradient is reported as a failure, never hidden. Cost: {@code 2 * numel(inputs)} extra
 * evaluations of {@code f}.
 */
public final class GradCheck {
    /** Default step {@code h}. */
    public static final double DEFAULT_STEP = 1e-6;
    /** Default tolerance on the error defined above. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private GradCheck() {
    }

    /**
     * Outcome of a check.
     *
     * @param passed     whether every element was finite and within tolerance
     * @param maxError   the largest per-element error
     * @param tolerance  the tolerance used
     * @param worst      where the largest error (or the first non-finite value) was, in words
     */
    public record Result(boolean passed, double maxError, double tolerance, String worst) {
        @Override
        public String toString() {
            return (passed ? "gradient check passed" : "gradient check FAILED") + ": max error " + maxError
                    + " (tolerance " + tolerance + ")" + (worst.isEmpty() ? "" : ", worst at " + worst);
        }
    }

    /** Checks with the default step and tolerance. */
    public static Result check(Function<Variable[], Variable> fn, Tensor... inputs) {
        return check(fn, DEFAULT_STEP, DEFAULT_TOLERANCE, inputs);
    }

    /** Checks with the given step {@code h} and tolerance. */
    public static Result check(Function<Variable[], Variable> fn, double step, double tolerance, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        Variable[] params = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i].to(DType.FLOAT64).copy();
            params[i] = Variable.parameter(xs[i]);
        }
        Variable y;
        try (GradMode.Scope s = GradMode.enableGrad()) {
            y = fn.apply(params);
        }
        Tensor w = Tensor.rand(new Rng(12345), DType.FLOAT64, 0.5, 1.5, y.shape());
        if (!y.requiresGrad()) {
            return new Result(false, Double.POSITIVE_INFINITY, tolerance, "the output does not depend on any input");
        }
        y.backward(w);
        double maxErr = 0;
        String worst = "";
        for (int i = 0; i < xs.length; i++) {
            Tensor analytic = params[i].grad();
            for (int j = 0; j < xs[i].numel(); j++) {
                double a = analytic == null ? 0.0 : analytic.get(j);
                double x0 = xs[i].get(j);
                xs[i].set(j, x0 + step);
                double up = weightedSum(fn, xs, w);
                xs[i].set(j, x0 - step);
                double down = weightedSum(fn, xs, w);
                xs[i].set(j, x0);
                double numeric = (up - down) / (2 * step);
                String where = "input " + i + " " + Shape.str(xs[i].shape()) + " element " + j
                        + " (analytic " + a + ", numeric " + numeric + ")";
                if (!Double.isFinite(a) || !Double.isFinite(numeric)) {
                    return new Result(false, Double.NaN, tolerance, "non-finite gradient at " + where);
                }
                double err = Math.abs(a - numeric) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(numeric)));
                if (err > maxErr) {
                    maxErr = err;
                    worst = where;
                }
            }
        }
        return new Result(maxErr <= tolerance, maxErr, tolerance, worst);
    }

    private static double weightedSum(Function<Variable[], Variable> fn, Tensor[] xs, Tensor w) {
        Variable[] consts = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            consts[i] = Variable.constant(xs[i]);
        }
        Tensor y;
        try (GradMode.Scope s = GradMode.noGrad()) {
            y = fn.apply(consts).value();
        }
        double sum = 0;
        for (int k = 0; k < y.numel(); k++) {
            sum += w.get(k) * y.get(k);
        }
        return sum;
    }
}
