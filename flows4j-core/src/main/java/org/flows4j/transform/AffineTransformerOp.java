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
 * {@code dl/du = 1 / q^2}.
 */
final class AffineTransformerOp {
    private AffineTransformerOp() {
    }

    /**
     * {@code y = x e^l + t} (or {@code x = (y - t) e^-l} when {@code inverse}) and its per-row log-det, with
     * {@code params [N, K, 2]}, or with {@code shared} {@code params [K, 2]} applied to every row: then
     * {@code l_k}, {@code e^{+-l_k}} and {@code dl/du} are computed once per feature (the same values the
     * per-row form computes from a broadcast copy, so outputs and log-dets are the same bits) and the
     * parameter gradient is summed over rows, {@code dL/dt_k = sum_n dL/dt_{n,k}} and likewise for {@code u_k}.
     */
    static Transformed apply(Variable in, Variable params, double bound, boolean soft, boolean inverse,
            boolean shared) {
        Tensor xv = in.value();
        Tensor pv = params.value();
        int rows = xv.size(0);
        int k = xv.size(1);
        int len = rows * k;
        int vectors = shared ? k : len;
        double sign = inverse ? -1.0 : 1.0;
        double[] scale = new double[vectors];
        double[] slope = new double[vectors];
        double[] logScale = new double[vectors];
        for (int q = 0; q < vectors; q++) {
            double u = pv.get(2 * q + 1);
            if (soft) {
                double d = 1.0 + Math.abs(u) / bound;
                logScale[q] = u / d;
                slope[q] = 1.0 / (d * d);
            } else {
                double th = 1.0 - 2.0 / (Math.exp(2.0 * u / bound) + 1.0);
                logScale[q] = bound * th;
                slope[q] = 1.0 - th * th;
            }
            scale[q] = Math.exp(sign * logScale[q]);
        }
        int stride = shared ? 0 : k;
        Tensor out = xv.zerosLike();
        Tensor ld = xv.zerosLike(rows);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int f = 0; f < k; f++) {
                int j = r * k + f;
                int q = r * stride + f;
                double t = pv.get(2 * q);
                double s = scale[q];
                sum += logScale[q];
                double x = xv.get(j);
                out.set(j, inverse ? (x - t) * s : x * s + t);
            }
            ld.set(r, sign * sum);
        }
        Variable y = Variable.fromOp(inverse ? "affineTransformerInverse" : "affineTransformer", out, g -> {
            Tensor gIn = in.requiresGrad() ? xv.zerosLike() : null;
            Tensor gParams = params.requiresGrad() ? pv.zerosLike() : null;
            double[] acc = gParams != null && shared ? new double[2 * k] : null;
            for (int j = 0; j < len; j++) {
                int q = j / k * stride + j % k;
                double gj = g.get(j);
                if (gIn != null) {
                    gIn.set(j, gj * scale[q]);
                }
                if (gParams != null) {
                    put(gParams, acc, 2 * q, inverse ? -gj * scale[q] : gj);
                    double x = inverse ? xv.get(j) - pv.get(2 * q) : xv.get(j);
                    double du = (inverse ? -gj : gj) * x * scale[q];
                    put(gParams, acc, 2 * q + 1, du * slope[q]);
                }
            }
            flush(gParams, acc);
            return new Tensor[] {gIn, gParams};
        }, in, params);
        Variable logDetVar = Variable.fromOp("affineTransformerLogDet", ld, g -> {
            Tensor gParams = pv.zerosLike();
            double[] acc = shared ? new double[2 * k] : null;
            for (int j = 0; j < len; j++) {
                int q = j / k * stride + j % k;
                put(gParams, acc, 2 * q + 1, sign * g.get(j / k) * slope[q]);
            }
            flush(gParams, acc);
            return new Tensor[] {gParams};
        }, params);
        return new Transformed(y, logDetVar);
    }

    /** Sets {@code grad[i] = v}, or with shared parameters ({@code acc} not null) adds {@code v} to {@code acc[i]}. */
    private static void put(Tensor grad, double[] acc, int i, double v) {
        if (acc != null) {
            acc[i] += v;
        } else {
            grad.set(i, v);
        }
    }

    /** Writes the row sums {@code acc} (if any) to {@code grad}. */
    private static void flush(Tensor grad, double[] acc) {
        if (grad != null && acc != null) {
            for (int i = 0; i < acc.length; i++) {
                grad.set(i, acc[i]);
            }
        }
    }
}
