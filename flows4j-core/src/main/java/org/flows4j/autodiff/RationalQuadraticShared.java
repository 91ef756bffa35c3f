package org.flows4j.autodiff;

import static org.flows4j.autodiff.RationalQuadraticKernel.BLOCK;
import static org.flows4j.autodiff.RationalQuadraticKernel.get;
import static org.flows4j.autodiff.RationalQuadraticKernel.put;

import org.flows4j.tensor.kernel.BulkMath;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * Forward and backward kernel of {@link SplineOps#rationalQuadraticShared}: every row's spline of feature
 * {@code d} has the same parameters {@code params[d, :]}, so the per-feature part of
 * {@link RationalQuadraticKernel}'s work is done once per call and only the per-element part per row.
 *
 * <p><b>Once per feature</b> ({@code D (2K + 2)} exponentials and {@code D (K + 1)} logarithms in all):
 * the softmax exponentials and normalizers of widths and heights, the knots
 * {@code x_j = -B + 2B minW j + 2B (1 - minW K) cum_j / sum} (and {@code y_j} likewise, {@code x_K = y_K = B}),
 * each bin's width {@code w_k = x_{k+1} - x_k} and height {@code h_k}, and each knot's derivative
 * {@code d_j = minD + softplus(uD + c)} (1 at a fixed boundary knot) with its slope
 * {@code softplus' = sigmoid}. These are the same expressions, in the same order, as the per-element kernel
 * evaluates, so the outputs and log-dets are bit-identical to {@link SplineOps#rationalQuadraticPacked} on
 * the parameters broadcast to {@code [N, D, P]}.
 *
 * <p><b>Per element</b>: the bin search on the feature's knots and
 * {@link RationalQuadraticKernel#evaluateBin} on the bin's row of a per-feature table (corners, width,
 * height, derivatives, slope {@code h / w}: the divisions the kernel does per element are done once per
 * bin); the log-derivatives go through one bulk {@code log} per block of whole rows (about
 * {@value RationalQuadraticKernel#BLOCK} elements) and are summed per row in feature order. A recording
 * pass keeps only {@code xi} and the bin of each element (the rest is in the tables), and the backward
 * pass reads {@link RationalQuadraticBackward#geometry}'s per-bin values ({@code 1 / w}, {@code 2w / h},
 * ...) from a table too.
 *
 * <p><b>Backward.</b> {@link RationalQuadraticBackward#localGradients} gives each element's gradients in
 * its bin's corner {@code x_k}, width, corner {@code y_k}, height and knot derivatives. Since the softmax
 * and softplus Jacobians are the same for every row, these are summed over the rows per feature and bin
 * first, as {@code G^x_k = sum dL/dx_k} and {@code G^w_k = sum dL/dw_k} (likewise for heights, and
 * {@code G^d_j} per knot), and pushed through the Jacobians once: the knot {@code x_k} is
 * {@code -B + 2B minW k + c sum_{j<k} p_j} and {@code w_k = 2B minW + c p_k} ({@code c = 2B (1 - minW K)}),
 * so {@code dL/dp_j = c (G^w_j + sum_{k>j} G^x_k)}, then {@code dL/du_i = p_i (dL/dp_i - sum_j p_j dL/dp_j)};
 * {@code dL/duD = sigmoid(uD + c) G^d}. The sums over rows are kept per block of {@value #ROW_BLOCK} rows
 * and the blocks added in order, so the gradient does not depend on the thread count; no
 * {@code [N, D, P]} gradient is formed.
 */
final class RationalQuadraticShared {
    /** Rows per partial gradient sum of the backward pass (fixed, so the summation order is too). */
    static final int ROW_BLOCK = 64;

    private final RationalQuadraticKernel kn;
    private final int params;
    private final double[] expW;
    private final double[] expH;
    private final double[] invW;
    private final double[] invH;
    /** Knots {@code x_j}, {@code y_j} of each feature, {@code K + 1} per feature. */
    private final double[] knotX;
    private final double[] knotY;
    /** Each bin of each feature in {@link RationalQuadraticKernel#binGeometry}'s layout (forward). */
    private final double[] fwd;
    /** Each bin of each feature in {@link RationalQuadraticBackward#geometry}'s layout (backward). */
    private final double[] bwd;
    /** The {@code softplus'} of each knot's derivative (0 for a fixed knot), {@code K + 1} per feature. */
    private final double[] slope;
    /** Saved by a recording forward pass: {@code xi} and the bin (-1 in the tails) of each element. */
    private double[] xi;
    private int[] bin;

    /**
     * The tables of the splines whose settings {@code kn} holds ({@code kn.rows} rows, {@code kn.dim} features)
     * for the parameters {@code p} read as {@code [D, P]} (widths, heights, derivatives per feature).
     */
    RationalQuadraticShared(RationalQuadraticKernel kn, int paramsPerFeature, Tensor p) {
        this.kn = kn;
        this.params = paramsPerFeature;
        int dim = kn.dim;
        int bins = kn.bins;
        int k1 = bins + 1;
        expW = new double[dim * bins];
        expH = new double[dim * bins];
        invW = new double[dim];
        invH = new double[dim];
        knotX = new double[dim * k1];
        knotY = new double[dim * k1];
        fwd = new double[dim * bins * RationalQuadraticKernel.BIN];
        bwd = new double[dim * bins * RationalQuadraticBackward.GEO];
        double[] binW = new double[dim * bins];
        double[] binH = new double[dim * bins];
        double[] deriv = new double[dim * k1];
        slope = new double[dim * k1];
        kn.gather(p, 0, dim, params, 0, expW, 0);
        kn.gather(p, 0, dim, params, bins, expH, 0);
        BulkMath.exp(expW, 0, dim * bins);
        BulkMath.exp(expH, 0, dim * bins);
        double[] cum = new double[2 * k1];
        double[] z = new double[dim * k1];
        double[] ez = new double[dim * k1];
        float[] pf = p.floatData();
        double[] pd = p.doubleData();
        for (int f = 0; f < dim; f++) {
            invW[f] = kn.prefixSums(expW, f * bins, p, f * params, cum, 0);
            invH[f] = kn.prefixSums(expH, f * bins, p, f * params + bins, cum, k1);
            double aW = kn.twoB * kn.minW;
            double bW = kn.twoB * kn.scaleW * invW[f];
            double aH = kn.twoB * kn.minH;
            double bH = kn.twoB * kn.scaleH * invH[f];
            for (int j = 0; j <= bins; j++) {
                knotX[f * k1 + j] = kn.knot(cum, 0, j, aW, bW);
                knotY[f * k1 + j] = kn.knot(cum, k1, j, aH, bH);
            }
            for (int k = 0; k < bins; k++) {
                double w = knotX[f * k1 + k + 1] - knotX[f * k1 + k];
                double h = knotY[f * k1 + k + 1] - knotY[f * k1 + k];
                if (!(w > 0.0 && h > 0.0)) {
                    w = aW + bW * expW[f * bins + k];
                    h = aH + bH * expH[f * bins + k];
                }
                binW[f * bins + k] = w;
                binH[f * bins + k] = h;
            }
            for (int j = 0; j <= bins; j++) {
                int u = derivIndex(j);
                double zj = u >= 0 ? get(pf, pd, f * params + 2 * bins + u) + kn.derivShift : 0.0;
                z[f * k1 + j] = zj;
                ez[f * k1 + j] = -Math.abs(zj);
            }
        }
        double[] lp = new double[dim * k1];
        RationalQuadraticKernel.softplusTerms(ez, lp, dim * k1);
        for (int i = 0; i < dim * k1; i++) {
            boolean free = derivIndex(i % k1) >= 0;
            deriv[i] = free ? RationalQuadraticKernel.derivative(kn.minD, z[i], lp[i]) : 1.0;
            slope[i] = free ? RationalQuadraticKernel.sigmoid(z[i], ez[i]) : 0.0;
        }
        for (int f = 0; f < dim; f++) {
            for (int k = 0; k < bins; k++) {
                int b = f * bins + k;
                int o = f * k1 + k;
                RationalQuadraticKernel.binGeometry(knotX[o], binW[b], knotY[o], binH[b], deriv[o], deriv[o + 1], fwd,
                        b * RationalQuadraticKernel.BIN);
                RationalQuadraticBackward.geometry(binW[b], binH[b], deriv[o], deriv[o + 1], bwd,
                        b * RationalQuadraticBackward.GEO);
            }
        }
    }

    /** The unnormalized-derivative index of knot {@code j}, or -1 for a boundary knot fixed at 1. */
    private int derivIndex(int j) {
        int u = kn.interiorOnly ? j - 1 : j;
        return u >= 0 && u < kn.derivCount ? u : -1;
    }

    /**
     * Evaluates every element of {@code x [N, D]}: outputs to {@code packed[0, E)}, the row sums of the
     * log-derivatives to {@code packed[E, E + N)}. With {@code save}, keeps {@code xi} and the bins for
     * {@link #backward}.
     */
    void forward(Tensor x, Tensor packed, boolean save) {
        int rows = kn.rows;
        int dim = kn.dim;
        int e = rows * dim;
        if (save) {
            xi = new double[e];
            bin = new int[e];
        }
        float[] xf = x.floatData();
        double[] xd = x.doubleData();
        float[] pf = packed.floatData();
        double[] pd = packed.doubleData();
        int bins = kn.bins;
        int k1 = bins + 1;
        double bound = kn.bound;
        boolean inverse = kn.inverse;
        double[] search = inverse ? knotY : knotX;
        double sign = inverse ? -1.0 : 1.0;
        int rowsPerBlock = Math.max(1, BLOCK / dim);
        Parallel.forRange(rows, (long) e * 48, (from, to) -> {
            double[] ratio = new double[rowsPerBlock * dim];
            int[] kb = new int[rowsPerBlock * dim];
            double[] one = new double[2];
            for (int r0 = from; r0 < to; r0 += rowsPerBlock) {
                int r1 = Math.min(to, r0 + rowsPerBlock);
                int first = r0 * dim;
                for (int i = first; i < r1 * dim; i += dim) {
                    for (int f = 0; f < dim; f++) {
                        double in = get(xf, xd, i + f);
                        int k = -1;
                        double out = in;
                        ratio[i + f - first] = 1.0;
                        if (!(in < -bound || in > bound)) {
                            int o = f * k1;
                            k = 0;
                            for (int j = 1; j < bins; j++) {
                                k += in >= search[o + j] ? 1 : 0;
                            }
                            int c = (f * bins + k) * RationalQuadraticKernel.BIN;
                            out = RationalQuadraticKernel.evaluateBin(inverse, in, fwd[c], fwd[c + 1], fwd[c + 2],
                                    fwd[c + 3], fwd[c + 4], fwd[c + 5], fwd[c + 6], fwd[c + 7], one);
                            ratio[i + f - first] = one[1];
                            if (save) {
                                xi[i + f] = one[0];
                            }
                        }
                        kb[i + f - first] = k;
                        if (save) {
                            bin[i + f] = k;
                        }
                        put(pf, pd, i + f, out);
                    }
                }
                BulkMath.log(ratio, 0, (r1 - r0) * dim);
                for (int r = r0; r < r1; r++) {
                    double sum = 0.0;
                    for (int j = (r - r0) * dim; j < (r - r0 + 1) * dim; j++) {
                        sum += kb[j] < 0 ? 0.0 : sign * ratio[j];
                    }
                    put(pf, pd, e + r, sum);
                }
            }
        });
    }

    /**
     * Gradients from the packed upstream gradient {@code g = [dL/dout; dL/dlogdet]} into {@code gIn [N, D]}
     * and {@code gParams} ({@code D P} elements in {@code [D, P]} order); either may be null (no gradient
     * needed), non-null ones must be zero-filled.
     */
    void backward(Tensor g, Tensor gIn, Tensor gParams) {
        int rows = kn.rows;
        int dim = kn.dim;
        int bins = kn.bins;
        int k1 = bins + 1;
        int e = rows * dim;
        int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        // per block and feature: G^x_k, G^w_k, G^y_k, G^h_k (K each), then G^d_j (K + 1)
        int per = 4 * bins + k1;
        int width = dim * per;
        double[] partial = gParams != null ? new double[blocks * width] : null;
        float[] gf = g.floatData();
        double[] gd = g.doubleData();
        float[] inF = gIn != null ? gIn.floatData() : null;
        double[] inD = gIn != null ? gIn.doubleData() : null;
        boolean inverse = kn.inverse;
        Parallel.forRange(blocks, (long) e * bins * 4, (bf, bt) -> {
            double[] r = new double[RationalQuadraticBackward.GRADIENTS];
            for (int blk = bf; blk < bt; blk++) {
                int base = blk * width;
                int last = Math.min(rows, (blk + 1) * ROW_BLOCK);
                for (int row = blk * ROW_BLOCK; row < last; row++) {
                    double gLd = get(gf, gd, e + row);
                    for (int f = 0; f < dim; f++) {
                        int i = row * dim + f;
                        double gOut = get(gf, gd, i);
                        int k = bin[i];
                        if (k < 0) {
                            if (gIn != null) {
                                put(inF, inD, i, gOut);
                            }
                            continue;
                        }
                        int c = (f * bins + k) * RationalQuadraticBackward.GEO;
                        RationalQuadraticBackward.localGradients(inverse, xi[i], bwd[c], bwd[c + 1], bwd[c + 2],
                                bwd[c + 3], bwd[c + 4], bwd[c + 5], bwd[c + 6], bwd[c + 7], gOut, gLd, r);
                        if (gIn != null) {
                            put(inF, inD, i, r[0]);
                        }
                        if (partial != null) {
                            int a = base + f * per + k;
                            partial[a] += r[1];
                            partial[a + bins] += r[2];
                            partial[a + 2 * bins] += r[3];
                            partial[a + 3 * bins] += r[4];
                            partial[base + f * per + 4 * bins + k] += r[5];
                            partial[base + f * per + 4 * bins + k + 1] += r[6];
                        }
                    }
                }
            }
        });
        if (partial == null) {
            return;
        }
        for (int b = 1; b < blocks; b++) {
            for (int j = 0; j < width; j++) {
                partial[j] += partial[b * width + j];
            }
        }
        float[] of = gParams.floatData();
        double[] od = gParams.doubleData();
        double[] dp = new double[bins];
        for (int f = 0; f < dim; f++) {
            int a = f * per;
            int out = f * params;
            softmaxBackward(partial, a, a + bins, kn.twoB * kn.scaleW, expW, f * bins, invW[f], dp, of, od, out);
            softmaxBackward(partial, a + 2 * bins, a + 3 * bins, kn.twoB * kn.scaleH, expH, f * bins, invH[f], dp, of,
                    od, out + bins);
            for (int j = 0; j <= bins; j++) {
                int u = derivIndex(j);
                if (u >= 0) {
                    put(of, od, out + 2 * bins + u, slope[f * k1 + j] * partial[a + 4 * bins + j]);
                }
            }
        }
    }

    /**
     * One feature's softmax backward from the row sums {@code G^x} (at {@code sums[corner + k]}) and
     * {@code G^w} (at {@code sums[size + k]}): {@code dL/dp_j = c (G^w_j + sum_{k>j} G^x_k)}, then
     * {@code dL/du_i = p_i (dL/dp_i - sum_j p_j dL/dp_j)} with {@code p_i = exps_i inv}, written to
     * {@code out + i}.
     */
    private void softmaxBackward(double[] sums, int corner, int size, double c, double[] exps, int eo, double inv,
            double[] dp, float[] of, double[] od, int out) {
        int bins = kn.bins;
        double above = 0.0;
        double dot = 0.0;
        for (int j = bins - 1; j >= 0; j--) {
            dp[j] = c * (sums[size + j] + above);
            above += sums[corner + j];
            dot += exps[eo + j] * dp[j];
        }
        dot *= inv;
        for (int j = 0; j < bins; j++) {
            put(of, od, out + j, exps[eo + j] * inv * (dp[j] - dot));
        }
    }
}
