package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * The two scalar ops {@link Radial} needs beyond the elementwise ones.
 * <ul>
 *   <li>{@link #rowNorm}: {@code |x_i|} per row, backward {@code g_i x_i / |x_i|}, and 0 for a zero row
 *       (a subgradient; {@code sqrt} of a sum of squares would give {@code inf * 0 = NaN} there).</li>
 *   <li>{@link #radiusOfPreimage}: the non-negative root {@code r} of
 *       {@code Q(r) = r^2 + (gamma - r_y) r - alpha r_y = 0}, i.e. the radius whose image under
 *       {@code r (gamma + r) / (alpha + r)} is {@code r_y}; with {@code p = gamma - r_y} and
 *       {@code q = sqrt(p^2 + 4 alpha r_y) = dQ/dr}, {@code r = (q - p)/2} for {@code p < 0} and
 *       {@code 2 alpha r_y / (p + q)} otherwise. Backward by implicit differentiation of {@code Q = 0}:
 *       {@code dr/dr_y = (r + alpha)/q}, {@code dr/dalpha = r_y/q}, {@code dr/dgamma = -r/q}.</li>
 * </ul>
 */
final class RadialOps {
    private RadialOps() {
    }

    /** Euclidean norm of each row of {@code x [N, D]}, as a column {@code [N, 1]}; overflow-safe. */
    static Variable rowNorm(Variable x) {
        Tensor xv = x.value();
        xv.requireRank(2, "RadialOps.rowNorm");
        int n = xv.size(0);
        int d = xv.size(1);
        Tensor out = Tensor.zeros(xv.dtype(), n, 1);
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double scale = 0;
            for (int j = 0; j < d; j++) {
                scale = Math.max(scale, Math.abs(xv.get(i * d + j)));
            }
            double sum = 0;
            if (scale > 0) {
                for (int j = 0; j < d; j++) {
                    double v = xv.get(i * d + j) / scale;
                    sum += v * v;
                }
            }
            norms[i] = scale * Math.sqrt(sum);
            out.set(i, norms[i]);
        }
        return Variable.fromOp("rowNorm", out, g -> {
            Tensor gx = xv.zerosLike();
            for (int i = 0; i < n; i++) {
                if (norms[i] > 0) {
                    double q = g.get(i) / norms[i];
                    for (int j = 0; j < d; j++) {
                        gx.set(i * d + j, q * xv.get(i * d + j));
                    }
                }
            }
            return new Tensor[] {gx};
        }, x);
    }

    /**
     * The non-negative root {@code r} of {@code r^2 + (gamma - r_y) r - alpha r_y = 0} for each
     * {@code r_y >= 0} (any shape) and one-element {@code alpha > 0}, {@code gamma > 0}.
     */
    static Variable radiusOfPreimage(Variable ry, Variable alpha, Variable gamma) {
        Tensor rv = ry.value();
        double a = single(alpha.value(), "alpha");
        double c = single(gamma.value(), "gamma");
        if (!(a > 0) || !(c > 0) || Double.isInfinite(a) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("RadialOps.radiusOfPreimage: expected finite alpha > 0 and gamma > 0,"
                    + " got alpha = " + a + ", gamma = " + c);
        }
        int n = rv.numel();
        double[] roots = new double[n];
        double[] slopes = new double[n];
        Tensor out = rv.zerosLike();
        for (int i = 0; i < n; i++) {
            double y = rv.get(i);
            if (!(y >= 0) || Double.isInfinite(y)) {
                throw new IllegalArgumentException("RadialOps.radiusOfPreimage: expected a finite radius r_y >= 0, got "
                        + y + " at element " + i);
            }
            double p = c - y;
            double q = Math.hypot(p, 2.0 * Math.sqrt(a * y));
            roots[i] = p < 0 ? 0.5 * (q - p) : 2.0 * a * y / (p + q);
            slopes[i] = q;
            out.set(i, roots[i]);
        }
        return Variable.fromOp("radiusOfPreimage", out, g -> {
            Tensor gy = rv.zerosLike();
            double ga = 0;
            double gc = 0;
            for (int i = 0; i < n; i++) {
                double w = g.get(i) / slopes[i];
                gy.set(i, w * (roots[i] + a));
                ga += w * rv.get(i);
                gc -= w * roots[i];
            }
            return new Tensor[] {gy, Tensor.full(rv.dtype(), ga, alpha.shape()),
                Tensor.full(rv.dtype(), gc, gamma.shape())};
        }, ry, alpha, gamma);
    }

    private static double single(Tensor t, String name) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException("RadialOps: " + name + " must hold one value, got " + t.numel());
        }
        return t.get(0);
    }
}
