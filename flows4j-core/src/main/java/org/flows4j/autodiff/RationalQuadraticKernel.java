package org.flows4j.autodiff;

import org.flows4j.tensor.BulkMath;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * The element kernels behind {@link SplineOps#rationalQuadratic}: one forward pass that normalizes
 * the bin parameters, finds the bin, evaluates the spline (or its inverse) and its log-derivative,
 * and saves what the backward pass needs; and the backward pass that turns the two upstream
 * gradients into gradients of the input and of the three unnormalized parameter tensors. All
 * arithmetic is in double whatever the tensor dtype; tensors are read and written in their own dtype.
 *
 * <p>Notation for one element in bin {@code k}: knots {@code (x_k, y_k)}, bin width {@code w},
 * height {@code h}, slope {@code s = h / w}, knot derivatives {@code d0 = d_k}, {@code d1 = d_{k+1}},
 * {@code xi = (x - x_k) / w}, {@code t = xi (1 - xi)}, {@code A = s xi^2 + d0 t},
 * {@code den = s + (d0 + d1 - 2 s) t}, {@code N = d1 xi^2 + 2 s t + d0 (1 - xi)^2}. Forward:
 * {@code y = F = y_k + h A / den}, {@code L = log dy/dx = log(s^2 N / den^2)}.
 *
 * <p>The forward pass runs over blocks of {@value #BLOCK} elements in phases, so that the
 * transcendental functions of a whole block go through {@link BulkMath} in one sweep: (1) shift each
 * parameter row by its maximum, exponentiate; (2) knots, bin, softplus arguments, exponentiate and
 * {@code log1p}; (3) evaluate, then one {@code log} for the log-derivatives.
 *
 * <p>An instance belongs to one op call; it is written only during that call's forward pass and read
 * by its backward pass, so concurrent calls never share state.
 */
final class RationalQuadraticKernel {
    /**
     * Saved per-element scalars: xi, w, h, d0, d1, the softplus slopes sig0, sig1, and the softmax
     * normalizers 1 / sum exp for widths and heights.
     */
    private static final int LOCAL = 9;
    /** Elements per block of the phased forward loop. */
    static final int BLOCK = 64;

    private final int rows;
    private final int dim;
    private final int bins;
    private final int derivCount;
    private final boolean interiorOnly;
    private final boolean inverse;
    private final double bound;
    private final double twoB;
    private final double minW;
    private final double minH;
    private final double minD;
    private final double scaleW;
    private final double scaleH;
    private final double derivShift;

    private double[] expW;
    private double[] expH;
    private double[] local;
    private int[] bin;

    RationalQuadraticKernel(int rows, int dim, int bins, int derivCount, boolean inverse, double bound,
            double minW, double minH, double minD) {
        this.rows = rows;
        this.dim = dim;
        this.bins = bins;
        this.derivCount = derivCount;
        this.interiorOnly = derivCount == bins - 1;
        this.inverse = inverse;
        this.bound = bound;
        this.twoB = 2.0 * bound;
        this.minW = minW;
        this.minH = minH;
        this.minD = minD;
        this.scaleW = 1.0 - minW * bins;
        this.scaleH = 1.0 - minH * bins;
        this.derivShift = Math.log(Math.expm1(1.0 - minD));
    }

    private static double get(float[] f, double[] d, int i) {
        return f != null ? f[i] : d[i];
    }

    private static void put(float[] f, double[] d, int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    /** Per-thread buffers for one block; allocated once per chunk of rows. */
    private final class Workspace {
        final double[] ew;
        final double[] eh;
        final double[] knots = new double[2 * (bins + 1)];
        final int[] k = new int[BLOCK];
        final double[] in = new double[BLOCK];
        final double[] geo = new double[4 * BLOCK];
        final double[] z = new double[2 * BLOCK];
        final double[] ez = new double[2 * BLOCK];
        final double[] lp = new double[2 * BLOCK];
        final double[] ratio = new double[BLOCK];

        Workspace(boolean save) {
            ew = save ? expW : new double[BLOCK * bins];
            eh = save ? expH : new double[BLOCK * bins];
        }
    }

    /**
     * Evaluates every element; writes outputs to {@code packed[0, E)} and log-derivatives to
     * {@code packed[E, 2E)} ({@code E = rows * dim}). With {@code save}, keeps the softmax
     * exponentials, bins and local scalars for {@link #backward}.
     */
    void forward(Tensor x, Tensor uW, Tensor uH, Tensor uD, Tensor packed, boolean save) {
        int e = rows * dim;
        if (save) {
            expW = new double[e * bins];
            expH = new double[e * bins];
            local = new double[e * LOCAL];
            bin = new int[e];
        }
        long work = (long) e * bins * 24;
        Parallel.forRange(rows, work, (from, to) -> {
            Workspace ws = new Workspace(save);
            for (int start = from * dim; start < to * dim; start += BLOCK) {
                int end = Math.min(start + BLOCK, to * dim);
                int base = save ? start * bins : 0;
                exponentiate(start, end, base, x, uW, uH, ws);
                locate(start, end, base, uW, uH, uD, ws);
                evaluate(start, end, packed, ws);
            }
        });
    }

    /**
     * Phase 1: {@code ws.in}, {@code ws.k = -1} for tails, and {@code exp(u)} of both parameter rows
     * of the block in one sweep each (unshifted; {@link #normalizer} repairs rows where that over- or
     * underflows).
     */
    private void exponentiate(int start, int end, int base, Tensor xT, Tensor uW, Tensor uH, Workspace ws) {
        float[] xf = xT.floatData();
        double[] xd = xT.doubleData();
        for (int i = start; i < end; i++) {
            double in = get(xf, xd, i);
            ws.in[i - start] = in;
            ws.k[i - start] = in < -bound || in > bound ? -1 : 0;
        }
        int n = (end - start) * bins;
        copy(uW, start * bins, ws.ew, base, n);
        copy(uH, start * bins, ws.eh, base, n);
        BulkMath.exp(ws.ew, base, base + n);
        BulkMath.exp(ws.eh, base, base + n);
    }

    private static void copy(Tensor src, int from, double[] dst, int dstOff, int n) {
        float[] f = src.floatData();
        if (f != null) {
            for (int j = 0; j < n; j++) {
                dst[dstOff + j] = f[from + j];
            }
        } else {
            System.arraycopy(src.doubleData(), from, dst, dstOff, n);
        }
    }

    /**
     * {@code 1 / sum_j exps[eo + j]}. If the unshifted exponentials over- or underflowed (a sum
     * outside {@code [2^-900, 2^900]}), first replaces them by {@code exp(u_j - max u)} from the raw
     * parameters {@code u[off, off + K)}, the usual stable softmax.
     */
    private double normalizer(double[] exps, int eo, Tensor u, int off) {
        double sum = 0.0;
        for (int j = eo; j < eo + bins; j++) {
            sum += exps[j];
        }
        if (sum >= 0x1p-900 && sum <= 0x1p900) {
            return 1.0 / sum;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < bins; j++) {
            max = Math.max(max, u.get(off + j));
        }
        sum = 0.0;
        for (int j = 0; j < bins; j++) {
            exps[eo + j] = Math.exp(u.get(off + j) - max);
            sum += exps[eo + j];
        }
        return 1.0 / sum;
    }

    /**
     * Knots {@code -B, -B + (a + b e_0), ..., B} into {@code knots[ko, ko + K]}; returns how many
     * interior knots are {@code <= in}, the bin of {@code in}.
     */
    private int knots(double[] exps, int eo, double a, double b, double[] knots, int ko, double in) {
        double cum = -bound;
        int k = 0;
        knots[ko] = cum;
        for (int j = 0; j < bins - 1; j++) {
            cum += a + b * exps[eo + j];
            knots[ko + j + 1] = cum;
            k += in >= cum ? 1 : 0;
        }
        knots[ko + bins] = bound;
        return k;
    }

    /**
     * Phase 2: bin, its corners ({@code geo = x_k, w, y_k, h}), the softmax normalizers, and the
     * softplus arguments {@code z} of the two knot derivatives with {@code exp(-|z|)} and
     * {@code log1p(exp(-|z|))}.
     */
    private void locate(int start, int end, int base, Tensor uW, Tensor uH, Tensor uD, Workspace ws) {
        float[] df = uD.floatData();
        double[] dd = uD.doubleData();
        int out = bins + 1;
        double[] kn = ws.knots;
        for (int i = start; i < end; i++) {
            int b = i - start;
            if (ws.k[b] < 0) {
                ws.ez[2 * b] = 0.0;
                ws.ez[2 * b + 1] = 0.0;
                continue;
            }
            int eo = base + b * bins;
            double invW = normalizer(ws.ew, eo, uW, i * bins);
            double invH = normalizer(ws.eh, eo, uH, i * bins);
            double aW = twoB * minW;
            double bW = twoB * scaleW * invW;
            double aH = twoB * minH;
            double bH = twoB * scaleH * invH;
            double in = ws.in[b];
            int k = inverse ? knots(ws.eh, eo, aH, bH, kn, 0, in) : knots(ws.ew, eo, aW, bW, kn, 0, in);
            if (inverse) {
                knots(ws.ew, eo, aW, bW, kn, out, in);
            } else {
                knots(ws.eh, eo, aH, bH, kn, out, in);
            }
            double left = kn[k];
            double width = kn[k + 1] - left;
            double outLeft = kn[out + k];
            double outWidth = kn[out + k + 1] - outLeft;
            if (!(width > 0.0 && outWidth > 0.0)) {
                width = inverse ? aH + bH * ws.eh[eo + k] : aW + bW * ws.ew[eo + k];
                outWidth = inverse ? aW + bW * ws.ew[eo + k] : aH + bH * ws.eh[eo + k];
            }
            ws.k[b] = k;
            ws.geo[4 * b] = inverse ? outLeft : left;
            ws.geo[4 * b + 1] = inverse ? outWidth : width;
            ws.geo[4 * b + 2] = inverse ? left : outLeft;
            ws.geo[4 * b + 3] = inverse ? width : outWidth;
            if (local != null) {
                local[i * LOCAL + 7] = invW;
                local[i * LOCAL + 8] = invH;
            }
            int j0 = interiorOnly ? k - 1 : k;
            int dOff = i * derivCount;
            double z0 = j0 >= 0 ? get(df, dd, dOff + j0) + derivShift : 0.0;
            double z1 = j0 + 1 < derivCount ? get(df, dd, dOff + j0 + 1) + derivShift : 0.0;
            ws.z[2 * b] = z0;
            ws.z[2 * b + 1] = z1;
            ws.ez[2 * b] = -Math.abs(z0);
            ws.ez[2 * b + 1] = -Math.abs(z1);
        }
        int n = 2 * (end - start);
        BulkMath.exp(ws.ez, 0, n);
        System.arraycopy(ws.ez, 0, ws.lp, 0, n);
        BulkMath.log1p(ws.lp, 0, n);
    }

    /** Phase 3: outputs, {@code log dy/dx} through one bulk {@code log}, and the saved scalars. */
    private void evaluate(int start, int end, Tensor packed, Workspace ws) {
        float[] pf = packed.floatData();
        double[] pd = packed.doubleData();
        int e = rows * dim;
        for (int i = start; i < end; i++) {
            int b = i - start;
            int k = ws.k[b];
            double in = ws.in[b];
            if (k < 0) {
                put(pf, pd, i, in);
                ws.ratio[b] = 1.0;
                if (bin != null) {
                    bin[i] = -1;
                }
                continue;
            }
            int j0 = interiorOnly ? k - 1 : k;
            boolean has0 = j0 >= 0;
            boolean has1 = j0 + 1 < derivCount;
            double z0 = ws.z[2 * b];
            double z1 = ws.z[2 * b + 1];
            double d0 = has0 ? minD + (z0 > 0.0 ? z0 : 0.0) + ws.lp[2 * b] : 1.0;
            double d1 = has1 ? minD + (z1 > 0.0 ? z1 : 0.0) + ws.lp[2 * b + 1] : 1.0;
            double xk = ws.geo[4 * b];
            double w = ws.geo[4 * b + 1];
            double yk = ws.geo[4 * b + 2];
            double h = ws.geo[4 * b + 3];
            double s = h / w;
            double sum = d0 + d1 - 2.0 * s;
            double xi;
            if (inverse) {
                double delta = in - yk;
                double qa = h * (s - d0) + delta * sum;
                double qb = h * d0 - delta * sum;
                double qc = -s * delta;
                double disc = qb * qb - 4.0 * qa * qc;
                double root = Math.sqrt(disc > 0.0 ? disc : 0.0);
                xi = qb >= 0.0 ? 2.0 * qc / (-qb - root) : (-qb + root) / (2.0 * qa);
                xi = delta >= h ? 1.0 : xi;
            } else {
                xi = (in - xk) / w;
            }
            xi = xi < 0.0 ? 0.0 : (xi > 1.0 ? 1.0 : xi);
            double omx = 1.0 - xi;
            double t = xi * omx;
            double den = s + sum * t;
            double numer = d1 * xi * xi + 2.0 * s * t + d0 * omx * omx;
            ws.ratio[b] = (s / den) * (s * numer / den);
            put(pf, pd, i, inverse ? xk + w * xi : yk + h * (s * xi * xi + d0 * t) / den);
            if (bin != null) {
                bin[i] = k;
                int l = i * LOCAL;
                double ez0 = ws.ez[2 * b];
                double ez1 = ws.ez[2 * b + 1];
                local[l] = xi;
                local[l + 1] = w;
                local[l + 2] = h;
                local[l + 3] = d0;
                local[l + 4] = d1;
                local[l + 5] = has0 ? (z0 >= 0.0 ? 1.0 : ez0) / (1.0 + ez0) : 0.0;
                local[l + 6] = has1 ? (z1 >= 0.0 ? 1.0 : ez1) / (1.0 + ez1) : 0.0;
            }
        }
        BulkMath.log(ws.ratio, 0, end - start);
        double sign = inverse ? -1.0 : 1.0;
        for (int i = start; i < end; i++) {
            put(pf, pd, e + i, ws.k[i - start] < 0 ? 0.0 : sign * ws.ratio[i - start]);
        }
    }

    /**
     * Gradients from the packed upstream gradient {@code g = [dL/dout; dL/dlogdet]}. Each output
     * tensor may be null (that input needs no gradient); non-null ones must be zero-filled.
     */
    void backward(Tensor g, Tensor gIn, Tensor gW, Tensor gH, Tensor gD) {
        long work = (long) rows * dim * bins * 8;
        Parallel.forRange(rows, work, (from, to) -> {
            for (int i = from * dim; i < to * dim; i++) {
                backwardElement(i, g, gIn, gW, gH, gD);
            }
        });
    }

    private void backwardElement(int i, Tensor g, Tensor gIn, Tensor gW, Tensor gH, Tensor gD) {
        float[] gf = g.floatData();
        double[] gd = g.doubleData();
        double gOut = get(gf, gd, i);
        double gLd = get(gf, gd, rows * dim + i);
        int k = bin[i];
        if (k < 0) {
            if (gIn != null) {
                put(gIn.floatData(), gIn.doubleData(), i, gOut);
            }
            return;
        }
        int l = i * LOCAL;
        double xi = local[l];
        double w = local[l + 1];
        double h = local[l + 2];
        double d0 = local[l + 3];
        double d1 = local[l + 4];
        double rw = 1.0 / w;
        double s = h * rw;
        double omx = 1.0 - xi;
        double t = xi * omx;
        double sum = d0 + d1 - 2.0 * s;
        double den = s + sum * t;
        double rDen = 1.0 / den;
        double rDen2 = rDen * rDen;
        double a = s * xi * xi + d0 * t;
        double numer = d1 * xi * xi + 2.0 * s * t + d0 * omx * omx;
        double rNumer = 1.0 / numer;
        double oneMinus2t = 1.0 - 2.0 * t;
        double twoTOverDen = 2.0 * t * rDen;

        double fXi = h * s * numer * rDen2;
        double fS = h * (xi * xi * den - a * oneMinus2t) * rDen2;
        double fH = a * rDen;
        double fD0 = h * t * (den - a) * rDen2;
        double fD1 = -h * a * t * rDen2;
        double lXi = 2.0 * (d1 * xi + s * (1.0 - 2.0 * xi) - d0 * omx) * rNumer - 2.0 * sum * (1.0 - 2.0 * xi) * rDen;
        double lS = 2.0 * w / h + 2.0 * t * rNumer - 2.0 * oneMinus2t * rDen;
        double lD0 = omx * omx * rNumer - twoTOverDen;
        double lD1 = xi * xi * rNumer - twoTOverDen;

        double gInV;
        double gXk;
        double gWb;
        double gYk;
        double gHb;
        double gS;
        double gD0;
        double gD1;
        if (inverse) {
            double q = (gOut * w - gLd * lXi) / fXi;
            gInV = q;
            gXk = gOut;
            gWb = gOut * xi;
            gYk = -q;
            gHb = -q * fH;
            gS = -gLd * lS - q * fS;
            gD0 = -gLd * lD0 - q * fD0;
            gD1 = -gLd * lD1 - q * fD1;
        } else {
            double gXi = gOut * fXi + gLd * lXi;
            gInV = gXi * rw;
            gXk = -gInV;
            gWb = -gInV * xi;
            gYk = gOut;
            gHb = gOut * fH;
            gS = gOut * fS + gLd * lS;
            gD0 = gOut * fD0 + gLd * lD0;
            gD1 = gOut * fD1 + gLd * lD1;
        }
        gHb += gS * rw;
        gWb -= gS * s * rw;

        if (gIn != null) {
            put(gIn.floatData(), gIn.doubleData(), i, gInV);
        }
        int off = i * bins;
        if (gW != null) {
            softmaxBackward(expW, local[l + 7], off, k, twoB * scaleW * gXk, twoB * scaleW * gWb, gW.floatData(),
                    gW.doubleData());
        }
        if (gH != null) {
            softmaxBackward(expH, local[l + 8], off, k, twoB * scaleH * gYk, twoB * scaleH * gHb, gH.floatData(),
                    gH.doubleData());
        }
        if (gD != null) {
            int j0 = interiorOnly ? k - 1 : k;
            int dOff = i * derivCount;
            if (j0 >= 0) {
                put(gD.floatData(), gD.doubleData(), dOff + j0, gD0 * local[l + 5]);
            }
            if (j0 + 1 < derivCount) {
                put(gD.floatData(), gD.doubleData(), dOff + j0 + 1, gD1 * local[l + 6]);
            }
        }
    }

    /**
     * Softmax backward for one element whose probabilities {@code p_j = exps_j * inv} feed the knot
     * below bin {@code k} as a prefix sum (gradient {@code gPrefix} per member) and the bin size
     * (gradient {@code gSize} on {@code p_k}): {@code gu_i = p_i (gp_i - sum_j p_j gp_j)}.
     */
    private void softmaxBackward(double[] exps, double inv, int off, int k, double gPrefix, double gSize, float[] f,
            double[] d) {
        double prefix = 0.0;
        for (int j = off; j < off + k; j++) {
            prefix += exps[j];
        }
        double ip = gPrefix * inv;
        double is = gSize * inv;
        double id = (ip * prefix + is * exps[off + k]) * inv;
        double below = ip - id;
        for (int j = off; j < off + k; j++) {
            put(f, d, j, exps[j] * below);
        }
        put(f, d, off + k, exps[off + k] * (is - id));
        for (int j = off + k + 1; j < off + bins; j++) {
            put(f, d, j, -exps[j] * id);
        }
    }
}
