package org.flows4j.vi;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * A target given as plain functions of one row: {@code log p~(x)} and, optionally, its gradient. {@link #logDensity}
 * calls the function once per row (in float64, whatever the batch's dtype) and records one op whose backward
 * multiplies each row's upstream gradient {@code g_i} by the gradient at that row, {@code dx_i = g_i grad(x_i)}.
 * Without a gradient function the gradient is the central difference of {@link #STEP} (see there). The gradient is
 * computed only when a backward pass reaches the op.
 */
final class FunctionTarget implements Target {
    /**
     * Relative step of the central differences, {@code h_j = STEP max(1, |x_j|)}: the cube root of the float64
     * machine epsilon, which balances the truncation error {@code h^2 |f'''| / 6} against the rounding error
     * {@code eps |f| / h}, leaving about 10 correct digits for a smooth {@code f} of moderate size.
     */
    static final double STEP = Math.cbrt(Math.ulp(1.0));

    private final int features;
    private final ToDoubleFunction<double[]> logDensity;
    private final Function<double[], double[]> gradient;

    FunctionTarget(int features, ToDoubleFunction<double[]> logDensity, Function<double[], double[]> gradient) {
        if (features < 1) {
            throw new IllegalArgumentException("Targets.fromFunction: expected at least 1 feature, got " + features);
        }
        if (logDensity == null) {
            throw new IllegalArgumentException("Targets.fromFunction: the log-density function must be given, got null");
        }
        this.features = features;
        this.logDensity = logDensity;
        this.gradient = gradient;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public Variable logDensity(Variable x) {
        TargetOps.checkRows(name(), features, x);
        Tensor xv = x.value();
        int n = xv.size(0);
        Tensor out = Tensor.zeros(xv.dtype(), n);
        for (int i = 0; i < n; i++) {
            out.set(i, logDensity.applyAsDouble(row(xv, i)));
        }
        return Variable.fromOp("target:function", out, g -> new Tensor[] {backward(xv, g)}, x);
    }

    private Tensor backward(Tensor xv, Tensor g) {
        int n = xv.size(0);
        Tensor dx = xv.zerosLike();
        for (int i = 0; i < n; i++) {
            double[] grad = gradientAt(row(xv, i));
            double gi = g.get(i);
            for (int j = 0; j < features; j++) {
                dx.set(i * features + j, gi * grad[j]);
            }
        }
        return dx;
    }

    private double[] gradientAt(double[] x) {
        if (gradient == null) {
            return centralDifference(x);
        }
        double[] grad = gradient.apply(x);
        if (grad == null || grad.length != features) {
            throw new IllegalArgumentException("Targets.fromFunction: expected a gradient of " + features
                    + " values, got " + (grad == null ? "null" : grad.length + " values"));
        }
        return grad;
    }

    /** {@code (f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)}, with {@code h_j} rounded so that {@code x_j + h_j} is exact. */
    private double[] centralDifference(double[] x) {
        double[] grad = new double[features];
        for (int j = 0; j < features; j++) {
            double x0 = x[j];
            double h = (x0 + STEP * Math.max(1.0, Math.abs(x0))) - x0;
            x[j] = x0 + h;
            double up = logDensity.applyAsDouble(x);
            x[j] = x0 - h;
            double down = logDensity.applyAsDouble(x);
            x[j] = x0;
            grad[j] = (up - down) / (2 * h);
        }
        return grad;
    }

    private double[] row(Tensor xv, int i) {
        double[] r = new double[features];
        for (int j = 0; j < features; j++) {
            r[j] = xv.get(i * features + j);
        }
        return r;
    }

    @Override
    public String name() {
        return gradient == null ? "function (central differences)" : "function";
    }
}
