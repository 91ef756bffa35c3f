package org.flows4j.optim;

import java.util.Map;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;

/**
 * The shared update of {@link Adam} and {@link AdamW}; they differ only in how weight decay enters.
 * For a parameter updated for the {@code t}-th time with gradient {@code g}:
 * <pre>
 *   decoupled:  p = p * (1 - lr * weightDecay)        (AdamW)
 *   otherwise:  g = g + weightDecay * p                (Adam, L2)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * State slots: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v) and the counter {@code "step"} (t),
 * one per parameter, so a parameter skipped for lack of a gradient keeps its own bias correction.
 */
abstract class AdamBase extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    private final long[] stepCounts;

    AdamBase(String kind, Map<String, Parameter> params, double lr, double beta1, double beta2, double eps,
            double weightDecay, boolean decoupled) {
        super(kind, params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(kind + ": beta1 and beta2 must be in [0, 1), got " + beta1 + ", "
                    + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps) || (float) eps == 0f) {
            throw new IllegalArgumentException(kind + ": eps must be finite and > 0 (at least 1.4e-45, the smallest "
                    + "float32), got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(kind + ": weightDecay must be finite and >= 0, got " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.expAvg = addTensorSlot("exp_avg");
        this.expAvgSq = addTensorSlot("exp_avg_sq");
        this.stepCounts = addCounterSlot("step");
    }

    @Override
    protected final void update(int index, Tensor param, Tensor grad, double lr) {
        long t = ++stepCounts[index];
        double correction1 = 1.0 - Math.pow(beta1, t);
        double correction2 = 1.0 - Math.pow(beta2, t);
        double shrink = decoupled ? 1.0 - lr * weightDecay : 1.0;
        double l2 = decoupled ? 0.0 : weightDecay;
        double step = lr / correction1;
        double rootCorrection2 = Math.sqrt(correction2);
        Tensor m = expAvg[index];
        Tensor v = expAvgSq[index];
        float[] pf = param.floatData();
        if (pf != null && grad.floatData() != null) {
            updateFloat(pf, grad.floatData(), m.floatData(), v.floatData(), shrink, l2, step, rootCorrection2);
        } else if (pf == null && grad.doubleData() != null) {
            updateDouble(param.doubleData(), grad.doubleData(), m.doubleData(), v.doubleData(), shrink, l2, step,
                    rootCorrection2);
        } else {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + index + " is " + param.dtype()
                    + " but its gradient is " + grad.dtype());
        }
    }

    /**
     * The update of the class comment on float32 arrays in float32 arithmetic, as the reference
     * libraries do: {@code step = lr / (1 - beta1^t)} and {@code rootC2 = sqrt(1 - beta2^t)} (so
     * {@code sqrt(v / (1 - beta2^t)) = sqrt(v) / rootC2}), every coefficient rounded to float once.
     * As in any float32 optimizer, a decoupled decay {@code lr * weightDecay} below about 3e-8 (half the
     * float spacing below 1) rounds {@code 1 - lr * weightDecay} to 1 and has no effect.
     * Each element is the same chain of separately rounded float operations, which the JIT runs 16
     * lanes at a time; in float64 arithmetic the divisions and square roots made this loop a sixth
     * of a training step.
     */
    private void updateFloat(float[] p, float[] g, float[] m, float[] v, double shrink, double l2, double step,
            double rootC2) {
        float b1 = (float) beta1;
        float c1 = (float) (1.0 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1.0 - beta2);
        float e = (float) eps;
        float sh = (float) shrink;
        float l2f = (float) l2;
        float st = (float) step;
        float rc = (float) rootC2;
        for (int i = 0; i < p.length; i++) {
            float pi = p[i];
            float gi = g[i] + l2f * pi;
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi * sh - st * mi / ((float) Math.sqrt(vi) / rc + e);
        }
    }

    /** {@link #updateFloat} on float64 arrays. */
    private void updateDouble(double[] p, double[] g, double[] m, double[] v, double shrink, double l2, double step,
            double rootC2) {
        double b1 = beta1;
        double b2 = beta2;
        double e = eps;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i];
            double gi = g[i] + l2 * pi;
            double mi = b1 * m[i] + (1.0 - b1) * gi;
            double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi * shrink - step * mi / (Math.sqrt(vi) / rootC2 + e);
        }
    }

    /** Decay rate of the first-moment average. */
    public final double beta1() {
        return beta1;
    }

    /** Decay rate of the second-moment average. */
    public final double beta2() {
        return beta2;
    }

    /** The constant added to the denominator. */
    public final double eps() {
        return eps;
    }

    /** The weight-decay coefficient (L2 for Adam, decoupled for AdamW). */
    public final double weightDecay() {
        return weightDecay;
    }
}
