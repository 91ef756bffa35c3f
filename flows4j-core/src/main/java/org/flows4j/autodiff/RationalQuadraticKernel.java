package org.flows4j.autodiff;

import org.flows4j.tensor.kernel.BulkMath;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * The forward kernel behind {@link SplineOps#rationalQuadratic}: one pass that normalizes the bin
 * parameters, finds the bin, evaluates the spline (or its inverse) and its log-derivative, and saves
 * what {@link RationalQuadraticBackward} needs. All arithmetic is in double whatever the tensor
 * dtype; tensors are read and written in their own dtype.
 *
 * <p>Notation for one element in bin {@code k}: knots {@code (x_k, y_k)}, bin width {@code w},
 * height {@code h}, slope {@code s = h / w}, knot derivatives {@code d0 = d_k}, {@code d1 = d_{k+1}},
 * {@code xi = (x - x_k) / w}, {@code t = xi (1 - xi)}, {@code A = s xi^2 + d0 t},
 * {@code den = s + (d0 + d1 - 2 s) t}, {@code N = d1 xi^2 + 2 s t + d0 (1 - xi)^2}. Forward:
 * {@code y = F = y_k + h A / den}, {@code L = log dy/dx = log(s^2 N / den^2)}.
 *
 * <p>The forward pass runs over blocks of {@value #BLOCK} elements in phases, so that the
 * transcendental functions of a whole block go through {@link BulkMath} in one sweep: (1)
 * exponentiate both parameter rows; (2) prefix sums, knots, bin, softplus arguments, then
 * {@code exp} and {@code log1p} (through {@code log}) of those; (3) evaluate, then one {@code log} for
 * the log-derivatives.
 *
 * <p>Parameters are read through a {@link Layout}: element {@code i}'s widths start at
 * {@code i * strideW + offW} of their tensor, and so on, so the three parameter groups may be
 * separate tensors or interleaved blocks of one {@code [N, D, P]} tensor. The log-derivatives go out
 * per element, or summed over each row (in order of the feature index, in double) when
 * {@code rowLogDet}.
 *
 * <p>An instance belongs to one op call; it is written only during that call's forward pass and read
 * by its backward pass, so concurrent calls never share state.
 */
final class RationalQuadraticKernel {
    /**
     * Saved per-element scalars: xi, w, h, d0, d1, the softplus slopes sig0, sig1, and the softmax
     * normalizers 1 / sum exp for widths and heights.
     */
    static final int LOCAL = 9;
    /** Elements per block of the phased forward loop. */
    static final int BLOCK = 64;

    /**
     * Where element {@code i}'s parameters start: widths at {@code i * strideW + offW}, heights at
     * {@code i * strideH + offH}, derivatives at {@code i * strideD + offD}; gradients use the same
     * layout.
     */
    record Layout(int strideW, int offW, int strideH, int offH, int strideD, int offD) {
    }

    final int rows;
    final int dim;
    final int bins;
    final int derivCount;
    final boolean interiorOnly;
    final boolean inverse;
    final Layout layout;
    final boolean rowLogDet;
    final double bound;
    final double twoB;
    final double minW;
    final double minH;
    final double minD;
    final double scaleW;
    final double scaleH;
    final double derivShift;

    /** Saved by a recording forward pass: {@code exp(u)} of the width and height rows. */
    double[] expW;
    double[] expH;
    /** Saved per-element scalars, {@value #LOCAL} per element (see {@link #LOCAL}). */
    double[] local;
    /** Saved bin of each element, -1 in the tails. */
    int[] bin;

    RationalQuadraticKernel(int rows, int dim, int bins, int derivCount, boolean inverse, double bound,
            double minW, double minH, double minD, Layout layout, boolean rowLogDet) {
        this.layout = layout;
        this.rowLogDet = rowLogDet;
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

    static double get(float[] f, double[] d, int i) {
        return f != null ? f[i] : d[i];
    }

    static void put(float[] f, double[] d, int i, double v) {
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
        final double[] cum = new double[2 * (bins + 1)];
        final int[] k = new int[BLOCK];
        final double[] in = new double[BLOCK];
        final double[] geo = new double[4 * BLOCK];
        final double[] z = new double[2 * BLOCK];
        final double[] ez = new double[2 * BLOCK];
        final double[] lp = new double[2 * BLOCK];
        final double[] ratio = new double[BLOCK];
        /** {@link #evaluateBin}'s {@code xi} and {@code dy/dx}. */
        final double[] one = new double[2];
        /** Row sums of the log-derivatives of the chunk's rows when {@link #rowLogDet}. */
        final double[] rowSum;
        final int firstRow;

        Workspace(boolean save, int from, int to) {
            ew = save ? expW : new double[BLOCK * bins];
            eh = save ? expH : new double[BLOCK * bins];
            rowSum = rowLogDet ? new double[to - from] : null;
            firstRow = from;
        }
    }

    /**
     * Evaluates every element; writes outputs to {@code packed[0, E)} ({@code E = rows * dim}) and
     * log-derivatives to {@code packed[E, 2E)}, or their row sums to {@code packed[E, E + rows)} when
     * {@link #rowLogDet}. With {@code save}, keeps the softmax
     * exponentials, bins and local scalars for {@link RationalQuadraticBackward}.
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
            Workspace ws = new Workspace(save, from, to);
            for (int start = from * dim; start < to * dim; start += BLOCK) {
                int end = Math.min(start + BLOCK, to * dim);
                int base = save ? start * bins : 0;
                exponentiate(start, end, base, x, uW, uH, ws);
                locate(start, end, base, uW, uH, uD, ws);
                evaluate(start, end, packed, ws);
            }
            if (rowLogDet) {
                for (int r = from; r < to; r++) {
                    put(packed.floatData(), packed.doubleData(), e + r, ws.rowSum[r - from]);
                }
            }
        });
    }

    /**
     * Phase 1: {@code ws.in}, {@code ws.k = -1} for tails, and {@code exp(u)} of both parameter rows
     * of the block in one sweep each (unshifted; {@link #prefixSums} repairs rows where that over- or
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
        gather(uW, start, end, layout.strideW(), layout.offW(), ws.ew, base);
        gather(uH, start, end, layout.strideH(), layout.offH(), ws.eh, base);
        BulkMath.exp(ws.ew, base, base + n);
        BulkMath.exp(ws.eh, base, base + n);
    }

    /** Copies the {@code K} parameters of elements {@code [start, end)} to consecutive places of {@code dst}. */
    void gather(Tensor src, int start, int end, int stride, int off, double[] dst, int dstOff) {
        float[] f = src.floatData();
        double[] d = src.doubleData();
        int o = dstOff;
        for (int i = start; i < end; i++) {
            int from = i * stride + off;
            if (f != null) {
                for (int j = 0; j < bins; j++) {
                    dst[o + j] = f[from + j];
                }
            } else {
                System.arraycopy(d, from, dst, o, bins);
            }
            o += bins;
        }
    }

    /**
     * Prefix sums {@code cum[co + j] = sum_{i<j} exps[eo + i]} for {@code j = 0..K}; returns
     * {@code 1 / cum[co + K]}. If the unshifted exponentials over- or underflowed (a sum outside
     * {@code [2^-900, 2^900]}), first replaces them by {@code exp(u_j - max u)} from the raw
     * parameters {@code u[off, off + K)}, the usual stable softmax.
     */
    double prefixSums(double[] exps, int eo, Tensor u, int off, double[] cum, int co) {
        double c = 0.0;
        for (int j = 0; j < bins; j++) {
            cum[co + j] = c;
            c += exps[eo + j];
        }
        cum[co + bins] = c;
        if (c >= 0x1p-900 && c <= 0x1p900) {
            return 1.0 / c;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < bins; j++) {
            max = Math.max(max, u.get(off + j));
        }
        c = 0.0;
        for (int j = 0; j < bins; j++) {
            exps[eo + j] = Math.exp(u.get(off + j) - max);
            cum[co + j] = c;
            c += exps[eo + j];
        }
        cum[co + bins] = c;
        return 1.0 / c;
    }

    /**
     * Knot {@code j} of one side: {@code -B + a j + b cum_j} with {@code a = 2B min},
     * {@code b = 2B (1 - min K) / sum exp}, and exactly {@code B} for {@code j = K}.
     */
    double knot(double[] cum, int co, int j, double a, double b) {
        return j == bins ? bound : -bound + a * j + b * cum[co + j];
    }

    /** The bin of {@code in}: how many interior knots are {@code <= in}. */
    private int binOf(double in, double[] cum, int co, double a, double b) {
        int k = 0;
        for (int j = 1; j < bins; j++) {
            k += in >= -bound + a * j + b * cum[co + j] ? 1 : 0;
        }
        return k;
    }

    /**
     * Phase 2: bin, its corners ({@code geo = x_k, w, y_k, h}), the softmax normalizers, and the
     * softplus arguments {@code z} of the two knot derivatives with {@code u = exp(-|z|)} and
     * {@code log1p(u)}, the latter as {@code log(v) u / (v - 1)} with {@code v = fl(1 + u)} (Goldberg, as
     * {@link org.flows4j.tensor.kernel.PortableLog#log1p}) so that the logarithms go through one bulk {@code log}.
     */
    private void locate(int start, int end, int base, Tensor uW, Tensor uH, Tensor uD, Workspace ws) {
        float[] df = uD.floatData();
        double[] dd = uD.doubleData();
        int out = bins + 1;
        double[] cum = ws.cum;
        for (int i = start; i < end; i++) {
            int b = i - start;
            if (ws.k[b] < 0) {
                ws.ez[2 * b] = 0.0;
                ws.ez[2 * b + 1] = 0.0;
                continue;
            }
            int eo = base + b * bins;
            double invW = prefixSums(ws.ew, eo, uW, i * layout.strideW() + layout.offW(), cum, 0);
            double invH = prefixSums(ws.eh, eo, uH, i * layout.strideH() + layout.offH(), cum, out);
            double aW = twoB * minW;
            double bW = twoB * scaleW * invW;
            double aH = twoB * minH;
            double bH = twoB * scaleH * invH;
            double in = ws.in[b];
            int k = inverse ? binOf(in, cum, out, aH, bH) : binOf(in, cum, 0, aW, bW);
            double xk = knot(cum, 0, k, aW, bW);
            double w = knot(cum, 0, k + 1, aW, bW) - xk;
            double yk = knot(cum, out, k, aH, bH);
            double h = knot(cum, out, k + 1, aH, bH) - yk;
            if (!(w > 0.0 && h > 0.0)) {
                w = aW + bW * ws.ew[eo + k];
                h = aH + bH * ws.eh[eo + k];
            }
            ws.k[b] = k;
            ws.geo[4 * b] = xk;
            ws.geo[4 * b + 1] = w;
            ws.geo[4 * b + 2] = yk;
            ws.geo[4 * b + 3] = h;
            if (local != null) {
                local[i * LOCAL + 7] = invW;
                local[i * LOCAL + 8] = invH;
            }
            int j0 = interiorOnly ? k - 1 : k;
            int dOff = i * layout.strideD() + layout.offD();
            double z0 = j0 >= 0 ? get(df, dd, dOff + j0) + derivShift : 0.0;
            double z1 = j0 + 1 < derivCount ? get(df, dd, dOff + j0 + 1) + derivShift : 0.0;
            ws.z[2 * b] = z0;
            ws.z[2 * b + 1] = z1;
            ws.ez[2 * b] = -Math.abs(z0);
            ws.ez[2 * b + 1] = -Math.abs(z1);
        }
        softplusTerms(ws.ez, ws.lp, 2 * (end - start));
    }

    /**
     * For {@code ez[j] = -|z_j|}, {@code j < n}: sets {@code ez[j] = u = exp(-|z_j|)} and
     * {@code lp[j] = log1p(u)}, the latter as {@code log(v) u / (v - 1)} with {@code v = fl(1 + u)}
     * (Goldberg), so that the logarithms go through one bulk {@code log}. Then
     * {@code softplus(z) = max(z, 0) + lp} and {@code softplus'(z) = sigmoid(z) = (z >= 0 ? 1 : u) / (1 + u)}.
     */
    static void softplusTerms(double[] ez, double[] lp, int n) {
        BulkMath.exp(ez, 0, n);
        for (int j = 0; j < n; j++) {
            lp[j] = 1.0 + ez[j];
        }
        BulkMath.log(lp, 0, n);
        for (int j = 0; j < n; j++) {
            double u = ez[j];
            double m = (1.0 + u) - 1.0;
            lp[j] = m == 0.0 ? u : lp[j] * (u / m);
        }
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
            double d0 = has0 ? derivative(minD, z0, ws.lp[2 * b]) : 1.0;
            double d1 = has1 ? derivative(minD, z1, ws.lp[2 * b + 1]) : 1.0;
            double w = ws.geo[4 * b + 1];
            double h = ws.geo[4 * b + 3];
            double s = h / w;
            put(pf, pd, i, evaluateBin(inverse, in, ws.geo[4 * b], w, ws.geo[4 * b + 2], h, d0, d1, s,
                    d0 + d1 - 2.0 * s, ws.one));
            double xi = ws.one[0];
            ws.ratio[b] = ws.one[1];
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
                local[l + 5] = has0 ? sigmoid(z0, ez0) : 0.0;
                local[l + 6] = has1 ? sigmoid(z1, ez1) : 0.0;
            }
        }
        BulkMath.log(ws.ratio, 0, end - start);
        double sign = inverse ? -1.0 : 1.0;
        for (int i = start; i < end; i++) {
            double l = ws.k[i - start] < 0 ? 0.0 : sign * ws.ratio[i - start];
            if (rowLogDet) {
                ws.rowSum[i / dim - ws.firstRow] += l;
            } else {
                put(pf, pd, e + i, l);
            }
        }
    }

    /**
     * A knot derivative {@code minD + softplus(z) = minD + max(z, 0) + log1p(exp(-|z|))}, given
     * {@code lp = log1p(exp(-|z|))} from {@link #softplusTerms}.
     */
    static double derivative(double minD, double z, double lp) {
        return minD + (z > 0.0 ? z : 0.0) + lp;
    }

    /** {@code softplus'(z) = sigmoid(z) = (z >= 0 ? 1 : u) / (1 + u)} with {@code u = exp(-|z|)}. */
    static double sigmoid(double z, double u) {
        return (z >= 0.0 ? 1.0 : u) / (1.0 + u);
    }

    /** Values per bin in {@link #binGeometry}'s layout. */
    static final int BIN = 8;

    /**
     * Lays out one bin at {@code g[o, o + 8)} in the order of {@link #evaluateBin}'s arguments: corner
     * {@code x_k}, width {@code w}, corner {@code y_k}, height {@code h}, knot derivatives {@code d0, d1}, slope
     * {@code s = h / w} and {@code d0 + d1 - 2 s} (the kernel computes the last two per element the same way).
     */
    static void binGeometry(double xk, double w, double yk, double h, double d0, double d1, double[] g, int o) {
        double s = h / w;
        g[o] = xk;
        g[o + 1] = w;
        g[o + 2] = yk;
        g[o + 3] = h;
        g[o + 4] = d0;
        g[o + 5] = d1;
        g[o + 6] = s;
        g[o + 7] = d0 + d1 - 2.0 * s;
    }

    /**
     * The spline on the bin with corner {@code (x_k, y_k)}, width {@code w}, height {@code h}, knot
     * derivatives {@code d0, d1}, slope {@code s = h / w} and {@code sum = d0 + d1 - 2 s} (as
     * {@link #binGeometry} computes them), at input {@code in} (an {@code x},
     * or a {@code y} when {@code inverse}): {@code xi = (x - x_k) / w} forward, the root of
     * {@code a xi^2 + b xi + c = 0} inverse (see {@link SplineOps}), clamped to {@code [0, 1]}. Returns the
     * output ({@code y = y_k + h A / den}, or {@code x = x_k + w xi}) and stores {@code xi} in {@code res[0]}
     * and {@code dy/dx = s^2 N / den^2} in {@code res[1]}.
     */
    static double evaluateBin(boolean inverse, double in, double xk, double w, double yk, double h, double d0,
            double d1, double s, double sum, double[] res) {
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
        double rDen = 1.0 / (s + sum * t);
        double numer = d1 * xi * xi + 2.0 * s * t + d0 * omx * omx;
        res[0] = xi;
        res[1] = (s * rDen) * (s * rDen) * numer;
        return inverse ? xk + w * xi : yk + h * (s * xi * xi + d0 * t) * rDen;
    }
}
