package org.flows4j.autodiff;

import static org.flows4j.autodiff.RationalQuadraticKernel.LOCAL;
import static org.flows4j.autodiff.RationalQuadraticKernel.get;
import static org.flows4j.autodiff.RationalQuadraticKernel.put;

import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;

/**
 * Backward pass of {@link SplineOps#rationalQuadratic} from the state a recording
 * {@link RationalQuadraticKernel#forward} saved. Notation as in {@link RationalQuadraticKernel}; for one
 * element with upstream gradients {@code gy} (output) and {@code gl} (log-det):
 *
 * <p><b>Forward direction.</b> With partials of {@code F} and {@code L} in {@code xi, s, h, d0, d1}
 * ({@code F_xi = h s N / den^2}, {@code F_s = h (xi^2 den - A (1 - 2t)) / den^2}, {@code F_h = A / den},
 * {@code F_d0 = h t (den - A) / den^2}, {@code F_d1 = -h A t / den^2},
 * {@code L_xi = N_xi / N - 2 den_xi / den}, {@code L_s = 2/s + 2t/N - 2(1 - 2t)/den},
 * {@code L_d0 = (1 - xi)^2 / N - 2t/den}, {@code L_d1 = xi^2 / N - 2t/den}), the gradient in
 * {@code xi} is {@code G = gy F_xi + gl L_xi}, giving {@code dx = G / w}, {@code dx_k = -G / w},
 * {@code dw = -G xi / w}, {@code dy_k = gy}, {@code dh = gy F_h}, then {@code s = h / w} adds
 * {@code dh += G_s / w}, {@code dw -= G_s s / w}.
 *
 * <p><b>Inverse direction.</b> {@code x = x_k + w xi} with {@code F(xi) = y}, so by implicit
 * differentiation {@code q = (gx w - gl L_xi) / F_xi} is the gradient of {@code y}, and each
 * parameter {@code theta} of {@code F} gets {@code -q F_theta}; the log-det {@code -L} adds
 * {@code -gl L_theta}; {@code x = x_k + w xi} adds {@code dx_k = gx}, {@code dw = gx xi}.
 *
 * <p>Knot gradients reach the softmax probabilities as {@code dp_j = 2B (1 - min K)} times
 * ({@code dx_k} for {@code j < k}, plus {@code dw} for {@code j = k}), then
 * {@code du_i = p_i (dp_i - sum_j p_j dp_j)}; knot derivatives reach {@code uD} through
 * {@code softplus' = sigmoid}.
 */
final class RationalQuadraticBackward {
    /** Number of values {@link #localGradients} stores. */
    static final int GRADIENTS = 7;
    /** Values per bin in {@link #geometry}'s layout. */
    static final int GEO = 8;

    private RationalQuadraticBackward() {
    }

    /**
     * Gradients from the packed upstream gradient {@code g = [dL/dout; dL/dlogdet]}. Each output
     * tensor may be null (that input needs no gradient); non-null ones must be zero-filled.
     */
    static void backward(RationalQuadraticKernel kn, Tensor g, Tensor gIn, Tensor gW, Tensor gH, Tensor gD) {
        long work = (long) kn.rows * kn.dim * kn.bins * 8;
        Parallel.forRange(kn.rows, work, (from, to) -> {
            double[] scratch = new double[GRADIENTS];
            for (int i = from * kn.dim; i < to * kn.dim; i++) {
                element(kn, i, g, gIn, gW, gH, gD, scratch);
            }
        });
    }

    private static void element(RationalQuadraticKernel kn, int i, Tensor g, Tensor gIn, Tensor gW, Tensor gH,
            Tensor gD, double[] scratch) {
        double[] local = kn.local;
        int bins = kn.bins;
        float[] gf = g.floatData();
        double[] gd = g.doubleData();
        double gOut = get(gf, gd, i);
        double gLd = get(gf, gd, kn.rows * kn.dim + (kn.rowLogDet ? i / kn.dim : i));
        int k = kn.bin[i];
        if (k < 0) {
            if (gIn != null) {
                put(gIn.floatData(), gIn.doubleData(), i, gOut);
            }
            return;
        }
        int l = i * LOCAL;
        double[] r = scratch;
        double w = local[l + 1];
        double h = local[l + 2];
        double d0 = local[l + 3];
        double d1 = local[l + 4];
        double rw = 1.0 / w;
        double s = h * rw;
        localGradients(kn.inverse, local[l], w, h, d0, d1, rw, s, d0 + d1 - 2.0 * s, 2.0 * w / h, gOut, gLd, r);
        if (gIn != null) {
            put(gIn.floatData(), gIn.doubleData(), i, r[0]);
        }
        int off = i * bins;
        RationalQuadraticKernel.Layout lay = kn.layout;
        if (gW != null) {
            double c = kn.twoB * kn.scaleW;
            softmaxBackward(bins, kn.expW, local[l + 7], off, k, c * r[1], c * r[2], gW.floatData(), gW.doubleData(),
                    i * lay.strideW() + lay.offW());
        }
        if (gH != null) {
            double c = kn.twoB * kn.scaleH;
            softmaxBackward(bins, kn.expH, local[l + 8], off, k, c * r[3], c * r[4], gH.floatData(), gH.doubleData(),
                    i * lay.strideH() + lay.offH());
        }
        if (gD != null) {
            int j0 = kn.interiorOnly ? k - 1 : k;
            int dOff = i * lay.strideD() + lay.offD();
            if (j0 >= 0) {
                put(gD.floatData(), gD.doubleData(), dOff + j0, r[5] * local[l + 5]);
            }
            if (j0 + 1 < kn.derivCount) {
                put(gD.floatData(), gD.doubleData(), dOff + j0 + 1, r[6] * local[l + 6]);
            }
        }
    }

    /**
     * Lays out one bin at {@code g[o, o + 8)} in the order of {@link #localGradients}' arguments from
     * {@code w} on: width {@code w}, height {@code h}, knot derivatives {@code d0, d1}, {@code 1 / w}, slope
     * {@code s = h (1 / w)}, {@code d0 + d1 - 2 s} and {@code 2 w / h} (the kernel computes them per element
     * the same way).
     */
    static void geometry(double w, double h, double d0, double d1, double[] g, int o) {
        double rw = 1.0 / w;
        double s = h * rw;
        g[o] = w;
        g[o + 1] = h;
        g[o + 2] = d0;
        g[o + 3] = d1;
        g[o + 4] = rw;
        g[o + 5] = s;
        g[o + 6] = d0 + d1 - 2.0 * s;
        g[o + 7] = 2.0 * w / h;
    }

    /**
     * The chain rule of one element at {@code xi} in the bin of width {@code w}, height {@code h} and knot
     * derivatives {@code d0, d1}, with {@code rw = 1 / w}, {@code s = h rw}, {@code sum = d0 + d1 - 2 s} and
     * {@code twoWOverH = 2 w / h} (see {@link #geometry}), for upstream gradients {@code gOut} (output) and
     * {@code gLd} (log-det): stores in {@code r[0, 7)} the gradients of the input ({@code r[0]}), of the
     * bin's corner {@code x_k} ({@code r[1]}), width {@code w} ({@code r[2]}), corner {@code y_k}
     * ({@code r[3]}), height {@code h} ({@code r[4]}, both with the slope {@code s = h / w}'s share included)
     * and of the knot derivatives {@code d0} ({@code r[5]}) and {@code d1} ({@code r[6]}).
     */
    static void localGradients(boolean inverse, double xi, double w, double h, double d0, double d1, double rw,
            double s, double sum, double twoWOverH, double gOut, double gLd, double[] r) {
        double omx = 1.0 - xi;
        double t = xi * omx;
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
        double lS = twoWOverH + 2.0 * t * rNumer - 2.0 * oneMinus2t * rDen;
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

        r[0] = gInV;
        r[1] = gXk;
        r[2] = gWb;
        r[3] = gYk;
        r[4] = gHb;
        r[5] = gD0;
        r[6] = gD1;
    }

    /**
     * Softmax backward for one element whose probabilities {@code p_j = exps_j * inv} feed the knot
     * below bin {@code k} as a prefix sum (gradient {@code gPrefix} per member) and the bin size
     * (gradient {@code gSize} on {@code p_k}): {@code gu_i = p_i (gp_i - sum_j p_j gp_j)}, written to
     * {@code out + i}.
     */
    private static void softmaxBackward(int bins, double[] exps, double inv, int off, int k, double gPrefix,
            double gSize, float[] f, double[] d, int out) {
        double prefix = 0.0;
        for (int j = off; j < off + k; j++) {
            prefix += exps[j];
        }
        double ip = gPrefix * inv;
        double is = gSize * inv;
        double id = (ip * prefix + is * exps[off + k]) * inv;
        double below = ip - id;
        int shift = out - off;
        for (int j = off; j < off + k; j++) {
            put(f, d, j + shift, exps[j] * below);
        }
        put(f, d, off + k + shift, exps[off + k] * (is - id));
        for (int j = off + k + 1; j < off + bins; j++) {
            put(f, d, j + shift, -exps[j] * id);
        }
    }
}
