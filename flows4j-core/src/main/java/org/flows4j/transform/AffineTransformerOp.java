package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * {@link AffineTransformer}'s map and log-det as two fused ops over one sweep of {@code [N, K]}:
 * with shift {@code t} and raw scale {@code u} read from {@code params [N, K, 2]},
 * {@code l = B tanh(u / B)}, and {@code tanh(z) = 1 - 2 / (e^{2z} + 1)} (one {@code exp}; its absolute
 * error is below 1e-15, far under float32 rounding of the outputs):
 * <pre>
 *   forward:  y = x e^l + t,      logDet = sum_k l_k
 *             dy/dx = e^l,  dy/dt = 1,  dy/du = y' = x e^l (1 - tanh^2),   dlogDet/du = 1 - tanh^2
 *   inverse:  x = (y - t) e^-l,   logDet = -sum_k l_k
 *             dx/dy = e^-l, dx/dt = -e^-l, dx/du = -x (1 - tanh^2),        dlogDet/du = -(1 - tanh^2)
 * </pre>
 * The output and the log-det are separate variables sharing the sweep's {@code e^{+-l}} and
 * {@code 1 - tanh^2}, so each backward rule needs no recomputation. The composition of generic ops it
 * replaces made nine {@code [N, K]} intermediates per call; results agree with it to rounding (tested).
 * In the soft-clamp form {@code l = u / q}, {@code q = 1 + |u| / B}, and {@code 1 - tanh^2} above becomes
 * {@code dl/du = 1 / q^2}. {@link #applyShared} is the same map with one parameter pair per feature for
 * all rows.
 */
final class AffineTransformerOp {
    private AffineTransformerOp() {
    }

    /** {@code y = x e^l + t} (or {@code x = (y - t) e^-l} when {@code inverse}) and its per-row log-det. */
    /** The offset of the contractive form {@code log s = log sigmoid(u + 2)}: {@code s(0) = 0.881}, Glow's. */
    static final double CONTRACT_OFFSET = 2.0;

    static Transformed apply(Variable in, Variable params, double bound, boolean soft, boolean contract,
                            boolean inverse) {
        Tensor xv = in.value();
        Tensor pv = params.value();
        int rows = xv.size(0);
        int k = xv.size(1);
        int len = rows * k;
        double sign = inverse ? -1.0 : 1.0;
        double[] scale = new double[len];
        double[] slope = new double[len];
        double[] logDet = new double[rows];
        Tensor out = xv.zerosLike();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = r * k; j < r * k + k; j++) {
                double t = pv.get(2 * j);
                double l = logScale(pv.get(2 * j + 1), bound, soft, contract, slope, j);
                double s = Math.exp(sign * l);
                scale[j] = s;
                sum += l;
                double x = xv.get(j);
                out.set(j, inverse ? (x - t) * s : x * s + t);
            }
            logDet[r] = sign * sum;
        }
        Tensor ld = xv.zerosLike(rows);
        for (int r = 0; r < rows; r++) {
            ld.set(r, logDet[r]);
        }
        Variable y = Variable.fromOp(inverse ? "affineTransformerInverse" : "affineTransformer", out, g -> {
            Tensor gIn = in.requiresGrad() ? xv.zerosLike() : null;
            Tensor gParams = params.requiresGrad() ? pv.zerosLike() : null;
            for (int j = 0; j < len; j++) {
                double gj = g.get(j);
                if (gIn != null) {
                    gIn.set(j, gj * scale[j]);
                }
                if (gParams != null) {
                    gParams.set(2 * j, inverse ? -gj * scale[j] : gj);
                    double x = inverse ? xv.get(j) - pv.get(2 * j) : xv.get(j);
                    double du = (inverse ? -gj : gj) * x * scale[j];
                    gParams.set(2 * j + 1, du * slope[j]);
                }
            }
            return new Tensor[] {gIn, gParams};
        }, in, params);
        Variable logDetVar = Variable.fromOp("affineTransformerLogDet", ld, g -> {
            Tensor gParams = pv.zerosLike();
            for (int j = 0; j < len; j++) {
                gParams.set(2 * j + 1, sign * g.get(j / k) * slope[j]);
            }
            return new Tensor[] {gParams};
        }, params);
        return new Transformed(y, logDetVar);
    }

    /**
     * {@link #apply} with {@code params [K, 2]} applied to every row: {@code l_k}, {@code e^{+-l_k}} and
     * {@code dl/du} are computed once per feature (the same values the per-row form computes from a broadcast
     * copy, so outputs and log-dets are the same bits), and the parameter gradient is summed over rows,
     * {@code dL/dt_k = sum_n dL/dt_{n,k}}, {@code dL/du_k = sum_n dL/du_{n,k}}, in double.
     */
    static Transformed applyShared(Variable in, Variable params, double bound, boolean soft, boolean contract,
                                  boolean inverse) {
        Tensor xv = in.value();
        Tensor pv = params.value();
        int rows = xv.size(0);
        int k = xv.size(1);
        double sign = inverse ? -1.0 : 1.0;
        double[] scale = new double[k];
        double[] slope = new double[k];
        double[] shift = new double[k];
        double sum = 0;
        for (int f = 0; f < k; f++) {
            shift[f] = pv.get(2 * f);
            double l = logScale(pv.get(2 * f + 1), bound, soft, contract, slope, f);
            scale[f] = Math.exp(sign * l);
            sum += l;
        }
        Tensor out = xv.zerosLike();
        Tensor ld = xv.zerosLike(rows);
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < k; f++) {
                int j = r * k + f;
                double x = xv.get(j);
                out.set(j, inverse ? (x - shift[f]) * scale[f] : x * scale[f] + shift[f]);
            }
            ld.set(r, sign * sum);
        }
        Variable y = Variable.fromOp(inverse ? "affineTransformerSharedInverse" : "affineTransformerShared", out, g -> {
            Tensor gIn = in.requiresGrad() ? xv.zerosLike() : null;
            double[] acc = new double[2 * k];
            for (int r = 0; r < rows; r++) {
                for (int f = 0; f < k; f++) {
                    int j = r * k + f;
                    double gj = g.get(j);
                    if (gIn != null) {
                        gIn.set(j, gj * scale[f]);
                    }
                    acc[2 * f] += inverse ? -gj * scale[f] : gj;
                    double x = inverse ? xv.get(j) - shift[f] : xv.get(j);
                    acc[2 * f + 1] += (inverse ? -gj : gj) * x * scale[f] * slope[f];
                }
            }
            return new Tensor[] {gIn, params.requiresGrad() ? written(pv, acc) : null};
        }, in, params);
        Variable logDetVar = Variable.fromOp("affineTransformerSharedLogDet", ld, g -> {
            double total = 0;
            for (int r = 0; r < rows; r++) {
                total += g.get(r);
            }
            double[] acc = new double[2 * k];
            for (int f = 0; f < k; f++) {
                acc[2 * f + 1] = sign * total * slope[f];
            }
            return new Tensor[] {written(pv, acc)};
        }, params);
        return new Transformed(y, logDetVar);
    }

    /**
     * The log-scale {@code l} of raw scale {@code u}: {@code B tanh(u / B)} with {@code tanh(z) = 1 - 2 / (e^{2z} + 1)},
     * or {@code u / q} with {@code q = 1 + |u| / B} when {@code soft}, or {@code log sigmoid(u + 2)} when
     * {@code contract}; stores {@code dl/du} ({@code 1 - tanh^2}, {@code 1 / q^2}, or {@code sigmoid(-(u + 2))}) in
     * {@code slope[at]}.
     */
    private static double logScale(double u, double bound, boolean soft, boolean contract, double[] slope, int at) {
        if (contract) {
            double z = u + CONTRACT_OFFSET;
            double e = Math.exp(-Math.abs(z));
            slope[at] = z >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
            return (z >= 0 ? 0.0 : z) - Math.log1p(e);
        }
        if (soft) {
            double q = 1.0 + Math.abs(u) / bound;
            slope[at] = 1.0 / (q * q);
            return u / q;
        }
        double th = 1.0 - 2.0 / (Math.exp(2.0 * u / bound) + 1.0);
        slope[at] = 1.0 - th * th;
        return bound * th;
    }

    /** A tensor shaped and typed like {@code like} holding {@code values}. */
    private static Tensor written(Tensor like, double[] values) {
        Tensor t = like.zerosLike();
        for (int i = 0; i < values.length; i++) {
            t.set(i, values[i]);
        }
        return t;
    }
}
