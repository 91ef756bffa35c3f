package org.flows4j.autodiff;

import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Monotonic rational-quadratic splines (Durkan et al. 2019, "Neural Spline Flows") as one fused op
 * with an analytic backward pass.
 *
 * <p><b>Parameterization.</b> Each element {@code (n, d)} has its own spline with {@code K} bins on
 * {@code [-B, B]}. Bin widths {@code w_k = 2B (minW + (1 - minW K) softmax(uW)_k)} and heights
 * {@code h_k = 2B (minH + (1 - minH K) softmax(uH)_k)}; knots {@code x_0 = y_0 = -B},
 * {@code x_{k+1} = x_k + w_k}, {@code y_{k+1} = y_k + h_k}, except that the last knots are set to
 * exactly {@code B} (the last bin's size is {@code B - x_{K-1}}, equal in exact arithmetic), so
 * the outer knots sit at exactly {@code ±B} and the spline meets the identity tails there. Knot
 * derivatives {@code d = minD + softplus(uD + c)} with {@code c = log(exp(1 - minD) - 1)}, so an unnormalized
 * {@code 0} gives derivative exactly 1. With {@code uD} of size {@code K - 1} only the interior knots
 * are learned and {@code d_0 = d_K = 1}, matching the identity tails (continuous derivative at
 * {@code ±B}, as nflows' {@code tails='linear'}); with size {@code K + 1} all knots are learned and
 * the derivative may jump at {@code ±B}. Unlike nflows, whose interior derivatives are
 * {@code minD + softplus(uD)}, the shift {@code c} makes all-zero parameters the identity map; a
 * network can learn either form (they differ by a constant offset of {@code uD}).
 *
 * <p><b>Forward</b> for {@code x} in bin {@code k} (with {@code x_k <= x < x_{k+1}}, and {@code x = B}
 * in the last bin): {@code s = h_k / w_k}, {@code xi = (x - x_k) / w_k},
 * <pre>
 *   y = y_k + h_k (s xi^2 + d_k xi (1 - xi)) / (s + (d_k + d_{k+1} - 2 s) xi (1 - xi))
 *   dy/dx = s^2 (d_{k+1} xi^2 + 2 s xi (1 - xi) + d_k (1 - xi)^2) / (s + (d_k + d_{k+1} - 2 s) xi (1 - xi))^2
 * </pre>
 * and the log-det is {@code log dy/dx} (positive since all of {@code s, d} are). Outside
 * {@code [-B, B]} the map is the identity with log-det 0.
 *
 * <p><b>Inverse</b>: given {@code y} in bin {@code k} (searched on the {@code y} knots),
 * {@code xi} solves {@code a xi^2 + b xi + c = 0} with {@code delta = y - y_k},
 * {@code a = h (s - d_k) + delta (d_k + d_{k+1} - 2 s)}, {@code b = h d_k - delta (d_k + d_{k+1} - 2 s)},
 * {@code c = -s delta}; the root in {@code [0, 1]} is taken as {@code 2c / (-b - sqrt(b^2 - 4ac))}
 * when {@code b >= 0} and as the algebraically equal {@code (-b + sqrt(b^2 - 4ac)) / 2a} when
 * {@code b < 0} (then {@code a > 0}), so neither form subtracts nearly equal numbers. Output
 * {@code x = x_k + w_k xi}, log-det {@code -log dy/dx} at that point.
 *
 * <p><b>Backward</b> takes the gradients of both outputs. In the forward direction it applies the
 * chain rule through {@code xi, s, d_k, d_{k+1}, x_k, y_k, w_k, h_k}; in the inverse direction it
 * uses implicit differentiation of {@code F(xi, theta) = y}: {@code dxi/dy = 1 / F_xi},
 * {@code dxi/dtheta = -F_theta / F_xi}, never the quadratic formula, so it has no square root to
 * blow up. Knot gradients reach {@code uW, uH} through the softmax Jacobian
 * {@code p_i (g_i - sum_j p_j g_j)} and {@code uD} through {@code softplus' = sigmoid}.
 *
 * <p>Cost: one pass over {@code N D K} parameters forward ({@code 2K + 2} exponentials and 3
 * logarithms per element, gathered per block of elements into {@link org.flows4j.tensor.kernel.BulkMath}
 * sweeps, which use the Vector API when it is available and give the same bits either way) and
 * one backward pass without
 * transcendental functions; both split over rows with {@link org.flows4j.tensor.Parallel#forRange}
 * (bit-identical for any thread count). Arithmetic is in double; tensors keep their dtype. With
 * recording on, the forward pass keeps {@code 2K + 9} doubles and one int per element for the
 * backward pass. The softmax exponentiates the raw parameters and falls back to the max-shifted
 * form only for rows whose sum over- or underflows.
 *
 * <p>The two outputs are two views of one recorded node, so one backward kernel receives both
 * gradients (a missing one counts as zero).
 *
 * <p>When every row has the same parameters (a coupling layer's pass-through half),
 * {@link #rationalQuadraticShared} computes the knots once per call: per element it does only the bin
 * search, the evaluation above and one logarithm, and its backward pass sums the rows' gradients in the
 * knots before the softmax and softplus Jacobians, for the same output bits as the per-row op.
 */
public final class SplineOps {
    private SplineOps() {
    }

    /**
     * The rational-quadratic spline of {@code x} (or its inverse) and its element-wise log-det.
     *
     * @param x             inputs {@code [N, D]}
     * @param unnormWidths  {@code [N, D, K]}
     * @param unnormHeights {@code [N, D, K]}
     * @param unnormDerivs  {@code [N, D, K - 1]} (interior knots; boundary derivatives 1) or
     *                      {@code [N, D, K + 1]} (all knots)
     * @param inverse       evaluate the inverse spline instead
     * @param tailBound     {@code B > 0}, finite
     * @param minBinWidth   {@code 0 < minW <= 1 / K}
     * @param minBinHeight  {@code 0 < minH <= 1 / K}
     * @param minDerivative {@code 0 < minD < 1}
     * @return {@code {output [N, D], logAbsDet [N, D]}}, both differentiable
     */
    public static Variable[] rationalQuadratic(Variable x, Variable unnormWidths, Variable unnormHeights,
            Variable unnormDerivs, boolean inverse, double tailBound, double minBinWidth, double minBinHeight,
            double minDerivative) {
        int[] xs = x.shape();
        if (xs.length != 2) {
            throw new ShapeMismatchException("rationalQuadratic: expected x of shape [N, D], got " + Shape.str(xs));
        }
        int n = xs[0];
        int d = xs[1];
        int k = requireParamShape("unnormWidths", unnormWidths, n, d, -1);
        requireParamShape("unnormHeights", unnormHeights, n, d, k);
        int kd = requireParamShape("unnormDerivs", unnormDerivs, n, d, -1);
        if (kd != k - 1 && kd != k + 1) {
            throw new ShapeMismatchException("rationalQuadratic: unnormDerivs must have K - 1 = " + (k - 1)
                    + " or K + 1 = " + (k + 1) + " entries on its last axis, got " + kd);
        }
        if (k < 1) {
            throw new ShapeMismatchException("rationalQuadratic: need at least one bin, got K = " + k);
        }
        x.value().requireSameDType(unnormWidths.value(), "rationalQuadratic");
        x.value().requireSameDType(unnormHeights.value(), "rationalQuadratic");
        x.value().requireSameDType(unnormDerivs.value(), "rationalQuadratic");
        requireSettings(k, tailBound, minBinWidth, minBinHeight, minDerivative);

        RationalQuadraticKernel kernel = new RationalQuadraticKernel(n, d, k, kd, inverse, tailBound,
                minBinWidth, minBinHeight, minDerivative, new RationalQuadraticKernel.Layout(k, 0, k, 0, kd, 0),
                false);
        boolean record = GradMode.isEnabled() && (x.requiresGrad() || unnormWidths.requiresGrad()
                || unnormHeights.requiresGrad() || unnormDerivs.requiresGrad());
        Tensor packedValue = x.value().zerosLike(2, n, d);
        kernel.forward(x.value(), unnormWidths.value(), unnormHeights.value(), unnormDerivs.value(), packedValue,
                record);
        Variable packed = Variable.fromOp("rationalQuadratic", packedValue, g -> {
            Tensor gx = x.requiresGrad() ? g.zerosLike(n, d) : null;
            Tensor gw = unnormWidths.requiresGrad() ? g.zerosLike(n, d, k) : null;
            Tensor gh = unnormHeights.requiresGrad() ? g.zerosLike(n, d, k) : null;
            Tensor gd = unnormDerivs.requiresGrad() ? g.zerosLike(n, d, kd) : null;
            RationalQuadraticBackward.backward(kernel, g, gx, gw, gh, gd);
            return new Tensor[] {gx, gw, gh, gd};
        }, x, unnormWidths, unnormHeights, unnormDerivs);
        int e = n * d;
        return new Variable[] {part(packed, 0, e, n, d), part(packed, e, e, n, d)};
    }

    /**
     * {@link #rationalQuadratic} with the parameters in one tensor and the log-det summed over each
     * row, as a spline transformer needs them: {@code params[n, d, :]} holds {@code K} unnormalized
     * widths, then {@code K} unnormalized heights, then {@code K - 1} or {@code K + 1} unnormalized
     * derivatives. Equal to {@code rationalQuadratic(x, split(params, 2, K, K, P - 2K)...)} followed by
     * {@code sum(logAbsDet, 1)}, but without copying the three parameter blocks out and their gradients
     * back in; the row sums are accumulated in double in feature order.
     *
     * @param x      inputs {@code [N, D]}
     * @param params {@code [N, D, P]} with {@code P = 3K - 1} or {@code 3K + 1}
     * @param bins   {@code K >= 1}
     * @return {@code {output [N, D], logAbsDet [N]}}, both differentiable
     */
    public static Variable[] rationalQuadraticPacked(Variable x, Variable params, int bins, boolean inverse,
            double tailBound, double minBinWidth, double minBinHeight, double minDerivative) {
        RationalQuadraticKernel kernel = packedKernel("rationalQuadraticPacked", x, params, bins, false, inverse,
                tailBound, minBinWidth, minBinHeight, minDerivative);
        int n = kernel.rows;
        int d = kernel.dim;
        int p = params.size(2);
        boolean record = GradMode.isEnabled() && (x.requiresGrad() || params.requiresGrad());
        Tensor packedValue = x.value().zerosLike(n * d + n);
        kernel.forward(x.value(), params.value(), params.value(), params.value(), packedValue, record);
        Variable packed = Variable.fromOp("rationalQuadraticPacked", packedValue, g -> {
            Tensor gx = x.requiresGrad() ? g.zerosLike(n, d) : null;
            Tensor gp = params.requiresGrad() ? g.zerosLike(n, d, p) : null;
            RationalQuadraticBackward.backward(kernel, g, gx, gp, gp, gp);
            return new Tensor[] {gx, gp};
        }, x, params);
        return new Variable[] {part(packed, 0, n * d, n, d), part(packed, n * d, n, n)};
    }

    /**
     * {@link #rationalQuadraticPacked} with the same parameters for every row: element {@code (n, d)} is
     * the spline of {@code params[d, :]} (or {@code params[0, d, :]}), so the result equals
     * {@code rationalQuadraticPacked(x, broadcast(params, [N, D, P]), ...)}, outputs and log-dets bit for bit
     * and gradients to rounding, while the knots
     * <pre>
     *   x_j = -B + 2B minW j + 2B (1 - minW K) sum_{i<j} softmax(uW)_i,   x_K = B   (y_j from uH likewise)
     *   d_j = minD + softplus(uD_j + c)                                  (1 at a fixed boundary knot)
     * </pre>
     * are computed once per call instead of once per row, and the backward pass sums the rows'
     * gradients in the knots before the softmax and softplus Jacobians, giving the parameter gradient
     * {@code dL/dparams[d, :] = sum_n dL/dparams[n, d, :]} directly in {@code params}' shape without an
     * {@code [N, D, P]} intermediate. Per row it costs the bin search and the rational-quadratic evaluation
     * ({@code y = y_k + h (s xi^2 + d_k xi (1 - xi)) / (s + (d_k + d_{k+1} - 2s) xi (1 - xi))}, or the
     * inverse's root) and one logarithm per element. This is what the pass-through half of a coupling layer
     * with free parameters needs.
     *
     * @param x      inputs {@code [N, D]}
     * @param params {@code [D, P]} or {@code [1, D, P]} with {@code P = 3K - 1} or {@code 3K + 1}, laid out as in
     *               {@link #rationalQuadraticPacked}
     * @param bins   {@code K >= 1}
     * @return {@code {output [N, D], logAbsDet [N]}}, both differentiable
     */
    public static Variable[] rationalQuadraticShared(Variable x, Variable params, int bins, boolean inverse,
            double tailBound, double minBinWidth, double minBinHeight, double minDerivative) {
        RationalQuadraticKernel kernel = packedKernel("rationalQuadraticShared", x, params, bins, true, inverse,
                tailBound, minBinWidth, minBinHeight, minDerivative);
        int n = kernel.rows;
        int d = kernel.dim;
        int[] ps = params.shape();
        int pLast = ps[ps.length - 1];
        RationalQuadraticShared shared = new RationalQuadraticShared(kernel, pLast, params.value());
        boolean record = GradMode.isEnabled() && (x.requiresGrad() || params.requiresGrad());
        Tensor packedValue = x.value().zerosLike(n * d + n);
        shared.forward(x.value(), packedValue, record);
        Variable packed = Variable.fromOp("rationalQuadraticShared", packedValue, g -> {
            Tensor gx = x.requiresGrad() ? g.zerosLike(n, d) : null;
            Tensor gp = params.requiresGrad() ? g.zerosLike(ps) : null;
            shared.backward(g, gx, gp);
            return new Tensor[] {gx, gp};
        }, x, params);
        return new Variable[] {part(packed, 0, n * d, n, d), part(packed, n * d, n, n)};
    }

    /**
     * Checks the shapes, dtypes and settings of a packed-parameter op and returns its kernel: {@code x [N, D]}
     * and {@code params [N, D, P]}, or with {@code shared} {@code [D, P]} or {@code [1, D, P]}, where
     * {@code P = 3K - 1} or {@code 3K + 1} is laid out as widths, heights, derivatives; the log-det is summed
     * per row.
     */
    private static RationalQuadraticKernel packedKernel(String op, Variable x, Variable params, int bins,
            boolean shared, boolean inverse, double tailBound, double minBinWidth, double minBinHeight,
            double minDerivative) {
        int[] xs = x.shape();
        int[] ps = params.shape();
        if (bins < 1) {
            throw new ShapeMismatchException(op + ": need at least one bin, got K = " + bins);
        }
        int p1 = 3 * bins - 1;
        int p2 = 3 * bins + 1;
        boolean lead = shared ? ps.length == 2 || (ps.length == 3 && ps[0] == 1)
                : ps.length == 3 && xs.length == 2 && ps[0] == xs[0];
        int p = ps.length == 0 ? -1 : ps[ps.length - 1];
        if (xs.length != 2 || !lead || ps[ps.length - 2] != xs[1] || (p != p1 && p != p2)) {
            String want = shared ? "[D, " + p1 + " or " + p2 + "] or [1, D, " + p1 + " or " + p2 + "]"
                    : "[N, D, " + p1 + " or " + p2 + "]";
            throw new ShapeMismatchException(op + ": expected x [N, D] and params " + want + " for K = " + bins
                    + ", got x " + Shape.str(xs) + " and params " + Shape.str(ps));
        }
        x.value().requireSameDType(params.value(), op);
        requireSettings(bins, tailBound, minBinWidth, minBinHeight, minDerivative);
        return new RationalQuadraticKernel(xs[0], xs[1], bins, p - 2 * bins, inverse, tailBound, minBinWidth,
                minBinHeight, minDerivative, new RationalQuadraticKernel.Layout(p, 0, p, bins, p, 2 * bins), true);
    }

    private static void requireSettings(int k, double tailBound, double minBinWidth, double minBinHeight,
            double minDerivative) {
        requireRange("tailBound", tailBound, tailBound > 0 && Double.isFinite(tailBound), "a finite value > 0");
        requireRange("minBinWidth", minBinWidth, minBinWidth > 0 && minBinWidth * k <= 1,
                "in (0, 1/K = " + 1.0 / k + "]");
        requireRange("minBinHeight", minBinHeight, minBinHeight > 0 && minBinHeight * k <= 1,
                "in (0, 1/K = " + 1.0 / k + "]");
        requireRange("minDerivative", minDerivative, minDerivative > 0 && minDerivative < 1, "in (0, 1)");
    }

    private static int requireParamShape(String name, Variable v, int n, int d, int k) {
        int[] s = v.shape();
        if (s.length != 3 || s[0] != n || s[1] != d || (k >= 0 && s[2] != k)) {
            throw new ShapeMismatchException("rationalQuadratic: expected " + name + " of shape [" + n + ", " + d
                    + ", " + (k >= 0 ? String.valueOf(k) : "K") + "], got " + Shape.str(s));
        }
        return s[2];
    }

    private static void requireRange(String name, double value, boolean ok, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("rationalQuadratic: " + name + " must be " + expected + ", got "
                    + value);
        }
    }

    /**
     * The {@code len} elements of a flat-packed variable from {@code from} on, with shape {@code shape};
     * backward scatters into those places of a zero gradient.
     */
    private static Variable part(Variable packed, int from, int len, int... shape) {
        Tensor pv = packed.value();
        Tensor out = pv.zerosLike(shape);
        copy(pv, from, out, 0, len);
        return Variable.fromOp("rationalQuadratic.part", out, g -> {
            Tensor gp = g.zerosLike(pv.shape());
            copy(g, 0, gp, from, len);
            return new Tensor[] {gp};
        }, packed);
    }

    private static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int len) {
        if (src.floatData() != null) {
            System.arraycopy(src.floatData(), srcPos, dst.floatData(), dstPos, len);
        } else {
            System.arraycopy(src.doubleData(), srcPos, dst.doubleData(), dstPos, len);
        }
    }
}
