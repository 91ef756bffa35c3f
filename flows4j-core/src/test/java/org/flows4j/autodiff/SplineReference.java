package org.flows4j.autodiff;

import org.flows4j.tensor.Tensor;

/**
 * A plain, unoptimized rational-quadratic spline for one element, written straight from the paper's
 * equations (knot arrays, a linear bin search, the forward formula and its derivative), with the
 * inverse found by bisection on the forward map. Independent of the fused kernel's control flow.
 */
final class SplineReference {
    final double[] xKnots;
    final double[] yKnots;
    final double[] derivs;
    final double bound;

    /** The spline of element {@code (n, d)} of the given tensors. */
    SplineReference(Tensor uW, Tensor uH, Tensor uD, int n, int d, double bound, double minW, double minH,
            double minD) {
        int k = uW.size(2);
        this.bound = bound;
        this.xKnots = knots(row(uW, n, d), bound, minW);
        this.yKnots = knots(row(uH, n, d), bound, minH);
        double[] raw = row(uD, n, d);
        derivs = new double[k + 1];
        double shift = Math.log(Math.exp(1 - minD) - 1);
        boolean interior = raw.length == k - 1;
        for (int j = 0; j <= k; j++) {
            int idx = interior ? j - 1 : j;
            boolean fixed = interior && (j == 0 || j == k);
            derivs[j] = fixed ? 1.0 : minD + Math.log(1 + Math.exp(raw[idx] + shift));
        }
    }

    static double[] row(Tensor t, int n, int d) {
        int k = t.size(2);
        double[] r = new double[k];
        for (int j = 0; j < k; j++) {
            r[j] = t.at(n, d, j);
        }
        return r;
    }

    private static double[] knots(double[] u, double bound, double min) {
        int k = u.length;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : u) {
            max = Math.max(max, v);
        }
        double total = 0;
        for (double v : u) {
            total += Math.exp(v - max);
        }
        double[] knots = new double[k + 1];
        knots[0] = -bound;
        for (int j = 0; j < k; j++) {
            double p = Math.exp(u[j] - max) / total;
            knots[j + 1] = knots[j] + 2 * bound * (min + (1 - min * k) * p);
        }
        knots[k] = bound;
        return knots;
    }

    private int binOf(double[] knots, double v) {
        int bin = 0;
        for (int j = 1; j < knots.length - 1; j++) {
            if (v >= knots[j]) {
                bin = j;
            }
        }
        return bin;
    }

    /** {@code {y, dy/dx}} at {@code x}. */
    double[] forward(double x) {
        if (x < -bound || x > bound) {
            return new double[] {x, 1.0};
        }
        int k = binOf(xKnots, x);
        double w = xKnots[k + 1] - xKnots[k];
        double h = yKnots[k + 1] - yKnots[k];
        double s = h / w;
        double xi = (x - xKnots[k]) / w;
        double dk = derivs[k];
        double dk1 = derivs[k + 1];
        double denominator = s + (dk1 + dk - 2 * s) * xi * (1 - xi);
        double y = yKnots[k] + h * (s * xi * xi + dk * xi * (1 - xi)) / denominator;
        double slope = s * s * (dk1 * xi * xi + 2 * s * xi * (1 - xi) + dk * (1 - xi) * (1 - xi))
                / (denominator * denominator);
        return new double[] {y, slope};
    }

    /** {@code x} with {@code forward(x) = y}, by bisection. */
    double inverse(double y) {
        if (y < -bound || y > bound) {
            return y;
        }
        double lo = -bound;
        double hi = bound;
        for (int it = 0; it < 200 && hi - lo > 0; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            if (forward(mid)[0] < y) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
