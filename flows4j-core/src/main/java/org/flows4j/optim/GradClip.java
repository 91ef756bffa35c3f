package org.flows4j.optim;

import java.util.Collection;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;

/**
 * Gradient clipping by global norm. With {@code norm = sqrt(sum over parameters and elements of
 * grad^2)} (parameters without a gradient, or frozen, count as zero), every gradient is scaled in
 * place by {@code maxNorm / norm} when {@code norm > maxNorm}, so the clipped global norm is
 * exactly {@code maxNorm}; otherwise nothing changes. Cost: two passes over the gradients.
 */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Clips the gradients of {@code params} to global norm {@code maxNorm} and returns the norm
     * before clipping. A non-finite norm (a NaN or infinite gradient) is returned as is and the
     * gradients are left unchanged, so the caller can detect it and skip the step.
     */
    public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGlobalNorm: maxNorm must be finite and > 0, got " + maxNorm);
        }
        double sumSq = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null || p.isFrozen()) {
                continue;
            }
            for (int i = 0; i < g.numel(); i++) {
                double x = g.get(i);
                sumSq += x * x;
            }
        }
        double norm = Math.sqrt(sumSq);
        if (Double.isFinite(norm) && norm > maxNorm) {
            double scale = maxNorm / norm;
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g != null && !p.isFrozen()) {
                    g.scaleInPlace(scale);
                }
            }
        }
        return norm;
    }
}
