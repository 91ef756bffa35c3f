package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * The one-dimensional root find behind {@link Planar#forward}: for each element {@code s} it returns
 * the unique {@code a} with
 * <pre>  F(a) = a + (k - 1) tanh(a + b) - s = 0,   k >= 0.</pre>
 * {@code F'(a) = 1 + (k - 1) sech^2(a + b) = tanh^2(a + b) + k sech^2(a + b) >= min(1, k)}, so
 * {@code F} is strictly increasing (for {@code k = 0} it still is, with a flat point at {@code a = -b}),
 * and since {@code |tanh| <= 1} the root lies in {@code [s - |k - 1|, s + |k - 1|]}. The solver keeps
 * that bracket, takes Newton steps while they stay inside it and at least halve the previous step,
 * and bisects otherwise, all in float64, until the step or the bracket is within two ulps of
 * {@code a}; the bisection guarantees termination (capped at 2000 iterations for pathological
 * scales; typical rows need under ten).
 *
 * <p>Gradients by implicit differentiation of {@code F(a; s, k, b) = 0}:
 * {@code da = (ds - tanh(a + b) dk - (k - 1) sech^2(a + b) db) / F'(a)}, since
 * {@code dF/ds = -1}, {@code dF/dk = tanh(a + b)} and {@code dF/db = (k - 1) sech^2(a + b)}.
 */
final class PlanarSolver {
    private static final int MAX_ITERATIONS = 2000;

    private PlanarSolver() {
    }

    /**
     * The roots {@code a} (shape of {@code s}) for one-element {@code k} and {@code b}, as a
     * differentiable op in {@code s}, {@code k} and {@code b}.
     */
    static Variable solve(Variable s, Variable k, Variable b) {
        double kv = single(k.value(), "k");
        double bv = single(b.value(), "b");
        if (!(kv >= 0) || Double.isInfinite(kv)) {
            throw new IllegalArgumentException("PlanarSolver: k = 1 + w.u_hat must be finite and >= 0, got " + kv);
        }
        if (!Double.isFinite(bv)) {
            throw new IllegalArgumentException("PlanarSolver: the bias b must be finite, got " + bv);
        }
        Tensor sv = s.value();
        int n = sv.numel();
        double[] roots = new double[n];
        Tensor out = sv.zerosLike();
        for (int i = 0; i < n; i++) {
            roots[i] = root(sv.get(i), kv, bv);
            out.set(i, roots[i]);
        }
        return Variable.fromOp("planarRoot", out, g -> {
            Tensor gs = sv.zerosLike();
            double gk = 0;
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double x = roots[i] + bv;
                double t = Math.tanh(x);
                double sech2 = sech2(x);
                double q = g.get(i) / (t * t + kv * sech2);
                gs.set(i, q);
                gk -= q * t;
                gb -= q * (kv - 1.0) * sech2;
            }
            return new Tensor[] {gs, Tensor.full(sv.dtype(), gk, k.shape()), Tensor.full(sv.dtype(), gb, b.shape())};
        }, s, k, b);
    }

    /** The root of {@code a + (k - 1) tanh(a + b) = s}, to machine precision. */
    static double root(double s, double k, double b) {
        double c = k - 1.0;
        if (c == 0.0) {
            return s;
        }
        double lo = s - Math.abs(c);
        double hi = s + Math.abs(c);
        double a = s - c * Math.tanh(s + b);
        double lastStep = hi - lo;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double x = a + b;
            double t = Math.tanh(x);
            double f = a + c * t - s;
            if (f == 0.0) {
                return a;
            }
            if (f > 0) {
                hi = a;
            } else {
                lo = a;
            }
            double next = a - f / (t * t + k * sech2(x));
            if (!(next > lo && next < hi) || Math.abs(next - a) > 0.5 * lastStep) {
                next = lo + 0.5 * (hi - lo);
            }
            double step = Math.abs(next - a);
            a = next;
            double tol = 2 * Math.ulp(Math.max(Math.abs(a), Double.MIN_NORMAL));
            if (step <= tol || hi - lo <= tol) {
                return a;
            }
            lastStep = step;
        }
        return a;
    }

    /** {@code sech^2 x = 1 / cosh^2 x}, accurate where {@code 1 - tanh^2 x} would cancel (0 once cosh overflows). */
    static double sech2(double x) {
        double ch = Math.cosh(x);
        return 1.0 / (ch * ch);
    }

    private static double single(Tensor t, String name) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException("PlanarSolver: " + name + " must hold one value, got " + t.numel());
        }
        return t.get(0);
    }
}
