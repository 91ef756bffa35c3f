package org.flows4j.autodiff;

import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * The element kernels behind {@link SplineOps#rationalQuadratic}: one pass that normalizes the
 * bin parameters, finds the bin, evaluates the spline (or its inverse) and its log-derivative, and
 * saves what the backward pass needs; and the backward pass that turns the two upstream gradients
 * into gradients of the input and of the three unnormalized parameter tensors. All arithmetic is in
 * double whatever the tensor dtype; tensors are read and written in their own dtype.
 *
 * <p>Notation for one element in bin {@code k}: knots {@code (x_k, y_k)}, bin width {@code w},
 * height {@code h}, slope {@code s = h / w}, knot derivatives {@code d0 = d_k}, {@code d1 = d_{k+1}},
 * {@code xi = (x - x_k) / w}, {@code t = xi (1 - xi)}, {@code A = s xi^2 + d0 t},
 * {@code den = s + (d0 + d1 - 2 s) t}, {@code N = d1 xi^2 + 2 s t + d0 (1 - xi)^2}. Forward:
 * {@code y = F = y_k + h A / den}, {@code L = log dy/dx = log(s^2 N / den^2)}.
 *
 * <p>An instance belongs to one op call; it is written only during that call's forward pass and read
 * by its backward pass, so concurrent calls never share state.
 */
final class RationalQuadraticKernel {
    /** Saved per-element scalars: xi, w, h, d0, d1, and the softplus slopes sig0, sig1. */
    private static final int LOCAL = 7;

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

    private double[] probW;
    private double[] probH;
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

    /**
     * Evaluates every element; writes outputs to {@code packed[0, E)} and log-derivatives to
     * {@code packed[E, 2E)} ({@code E = rows * dim}). With {@code save}, keeps the softmax
     * probabilities, bins and local scalars for {@link #backward}.
     */
    void forward(Tensor x, Tensor uW, Tensor uH, Tensor uD, Tensor packed, boolean save) {
        int e = rows * dim;
        if (save) {
            probW = new double[e * bins];
            probH = new double[e * bins];
            local = new double[e * LOCAL];
            bin = new int[e];
        }
        long work = (long) e * bins * 24;
        Parallel.forRange(rows, work, (from, to) -> {
            double[] scratch = save ? null : new double[2 * bins];
            for (int i = from * dim; i < to * dim; i++) {
                forwardElement(i, x, uW, uH, uD, packed, scratch);
            }
        });
    }

    /**
     * {@code log(1 + u)} for {@code u >= 0} to a few ulps, as {@code log(v) u / (v - 1)} with
     * {@code v = fl(1 + u)} (the rounding of {@code v} cancels in the ratio); about twice as fast as
     * {@link Math#log1p}, which is not intrinsified.
     */
    static double log1p(double u) {
        double v = 1.0 + u;
        double m = v - 1.0;
        return m == 0.0 ? u : Math.log(v) * (u / m);
    }

    private static void softmax(float[] f, double[] d, int off, int k, double[] dst, int dstOff) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, get(f, d, off + j));
        }
        double sum = 0.0;
        for (int j = 0; j < k; j++) {
            double v = Math.exp(get(f, d, off + j) - max);
            dst[dstOff + j] = v;
            sum += v;
        }
        double inv = 1.0 / sum;
        for (int j = 0; j < k; j++) {
            dst[dstOff + j] *= inv;
        }
    }

    private void forwardElement(int i, Tensor xT, Tensor uW, Tensor uH, Tensor uD, Tensor packed, double[] scratch) {
        float[] pf = packed.floatData();
        double[] pd = packed.doubleData();
        int e = rows * dim;
        double in = get(xT.floatData(), xT.doubleData(), i);
        if (in < -bound || in > bound) {
            put(pf, pd, i, in);
            put(pf, pd, e + i, 0.0);
            if (bin != null) {
                bin[i] = -1;
            }
            return;
        }
        int off = i * bins;
        double[] pw = scratch == null ? probW : scratch;
        double[] ph = scratch == null ? probH : scratch;
        int pwOff = scratch == null ? off : 0;
        int phOff = scratch == null ? off : bins;
        softmax(uW.floatData(), uW.doubleData(), off, bins, pw, pwOff);
        softmax(uH.floatData(), uH.doubleData(), off, bins, ph, phOff);

        double[] pIn = inverse ? ph : pw;
        int inOff = inverse ? phOff : pwOff;
        double minIn = inverse ? minH : minW;
        double scaleIn = inverse ? scaleH : scaleW;
        double left = -bound;
        double width = twoB * (minIn + scaleIn * pIn[inOff]);
        int k = 0;
        while (k < bins - 1 && in >= left + width) {
            left += width;
            k++;
            width = twoB * (minIn + scaleIn * pIn[inOff + k]);
        }
        if (k == bins - 1 && bound - left > 0.0) {
            width = bound - left;
        }
        double[] pOut = inverse ? pw : ph;
        int outOff = inverse ? pwOff : phOff;
        double minOut = inverse ? minW : minH;
        double scaleOut = inverse ? scaleW : scaleH;
        double outLeft = -bound;
        for (int j = 0; j < k; j++) {
            outLeft += twoB * (minOut + scaleOut * pOut[outOff + j]);
        }
        double outWidth = k == bins - 1 && bound - outLeft > 0.0 ? bound - outLeft
                : twoB * (minOut + scaleOut * pOut[outOff + k]);

        float[] df = uD.floatData();
        double[] dd = uD.doubleData();
        int dOff = i * derivCount;
        int j0 = interiorOnly ? k - 1 : k;
        int j1 = j0 + 1;
        boolean has0 = j0 >= 0;
        boolean has1 = j1 < derivCount;
        double z0 = has0 ? get(df, dd, dOff + j0) + derivShift : 0.0;
        double z1 = has1 ? get(df, dd, dOff + j1) + derivShift : 0.0;
        double ez0 = Math.exp(-Math.abs(z0));
        double ez1 = Math.exp(-Math.abs(z1));
        double d0 = has0 ? minD + Math.max(z0, 0.0) + log1p(ez0) : 1.0;
        double d1 = has1 ? minD + Math.max(z1, 0.0) + log1p(ez1) : 1.0;

        double xk = inverse ? outLeft : left;
        double w = inverse ? outWidth : width;
        double yk = inverse ? left : outLeft;
        double h = inverse ? width : outWidth;
        double s = h / w;
        double sum = d0 + d1 - 2.0 * s;
        double xi;
        if (inverse) {
            double delta = in - yk;
            double a = h * (s - d0) + delta * sum;
            double b = h * d0 - delta * sum;
            double c = -s * delta;
            double root = Math.sqrt(Math.max(0.0, b * b - 4.0 * a * c));
            xi = b >= 0.0 ? 2.0 * c / (-b - root) : (-b + root) / (2.0 * a);
        } else {
            xi = (in - xk) / w;
        }
        xi = Math.min(1.0, Math.max(0.0, xi));
        double omx = 1.0 - xi;
        double t = xi * omx;
        double den = s + sum * t;
        double numer = d1 * xi * xi + 2.0 * s * t + d0 * omx * omx;
        double logDeriv = Math.log((s / den) * (s * numer / den));
        if (inverse) {
            put(pf, pd, i, xk + w * xi);
            put(pf, pd, e + i, -logDeriv);
        } else {
            put(pf, pd, i, yk + h * (s * xi * xi + d0 * t) / den);
            put(pf, pd, e + i, logDeriv);
        }
        if (bin != null) {
            bin[i] = k;
            int l = i * LOCAL;
            local[l] = xi;
            local[l + 1] = w;
            local[l + 2] = h;
            local[l + 3] = d0;
            local[l + 4] = d1;
            local[l + 5] = has0 ? (z0 >= 0.0 ? 1.0 / (1.0 + ez0) : ez0 / (1.0 + ez0)) : 0.0;
            local[l + 6] = has1 ? (z1 >= 0.0 ? 1.0 / (1.0 + ez1) : ez1 / (1.0 + ez1)) : 0.0;
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
        double s = h / w;
        double omx = 1.0 - xi;
        double t = xi * omx;
        double sum = d0 + d1 - 2.0 * s;
        double den = s + sum * t;
        double den2 = den * den;
        double a = s * xi * xi + d0 * t;
        double numer = d1 * xi * xi + 2.0 * s * t + d0 * omx * omx;
        double oneMinus2t = 1.0 - 2.0 * t;

        double fXi = h * s * numer / den2;
        double fS = h * (xi * xi * den - a * oneMinus2t) / den2;
        double fH = a / den;
        double fD0 = h * t * (den - a) / den2;
        double fD1 = -h * a * t / den2;
        double lXi = 2.0 * (d1 * xi + s * (1.0 - 2.0 * xi) - d0 * omx) / numer - 2.0 * sum * (1.0 - 2.0 * xi) / den;
        double lS = 2.0 / s + 2.0 * t / numer - 2.0 * oneMinus2t / den;
        double lD0 = omx * omx / numer - 2.0 * t / den;
        double lD1 = xi * xi / numer - 2.0 * t / den;

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
            gInV = gXi / w;
            gXk = -gInV;
            gWb = -gInV * xi;
            gYk = gOut;
            gHb = gOut * fH;
            gS = gOut * fS + gLd * lS;
            gD0 = gOut * fD0 + gLd * lD0;
            gD1 = gOut * fD1 + gLd * lD1;
        }
        gHb += gS / w;
        gWb -= gS * s / w;

        if (gIn != null) {
            put(gIn.floatData(), gIn.doubleData(), i, gInV);
        }
        int off = i * bins;
        if (gW != null) {
            softmaxBackward(probW, off, k, twoB * scaleW * gXk, twoB * scaleW * gWb, gW.floatData(), gW.doubleData());
        }
        if (gH != null) {
            softmaxBackward(probH, off, k, twoB * scaleH * gYk, twoB * scaleH * gHb, gH.floatData(), gH.doubleData());
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
     * Softmax backward for one element whose probabilities {@code p} feed the knot below bin
     * {@code k} as a prefix sum (gradient {@code gPrefix} per member) and the bin size (gradient
     * {@code gSize} on {@code p_k}): {@code gu_i = p_i (gp_i - sum_j p_j gp_j)}.
     */
    private void softmaxBackward(double[] p, int off, int k, double gPrefix, double gSize, float[] f, double[] d) {
        double prefix = 0.0;
        for (int j = 0; j < k; j++) {
            prefix += p[off + j];
        }
        double dot = gPrefix * prefix + gSize * p[off + k];
        for (int j = 0; j < bins; j++) {
            double gp = j < k ? gPrefix : (j == k ? gSize : 0.0);
            put(f, d, off + j, p[off + j] * (gp - dot));
        }
    }
}
