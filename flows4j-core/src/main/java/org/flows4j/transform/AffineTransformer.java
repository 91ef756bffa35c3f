package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;

/**
 * Elementwise affine map with a bounded-below scale, {@code P = 2} parameters per feature, shift
 * {@code t = theta_0} and raw scale {@code u = theta_1}:
 * <pre>
 *   s(u) = softplus(u + c) + eps,   c = log(e^(1 - eps) - 1)   (so s(0) = 1)
 *   forward:  y = x * s + t,        log |dy/dx| = log s
 *   inverse:  x = (y - t) / s,      log |dx/dy| = -log s
 * </pre>
 * The per-row log-det is {@code sum_k log s_k}. Compared with {@code s = exp(u)}, the softplus scale
 * never drops below {@code eps} (so the inverse amplifies by at most {@code 1 / eps}) and grows only
 * linearly for large {@code u} (no overflow), the choice of nflows and zuko; {@code u = 0, t = 0} is the
 * identity, so a conditioner whose last layer starts at zero makes the layer start as the identity.
 * Cost: a handful of elementwise ops on {@code [N, K]}.
 */
public final class AffineTransformer implements ElementwiseTransformer {
    /** The default lower bound {@code eps} of the scale. */
    public static final double DEFAULT_MIN_SCALE = 1e-3;

    private final double minScale;
    private final double offset;

    /** An affine transformer with scale bounded below by {@link #DEFAULT_MIN_SCALE}. */
    public AffineTransformer() {
        this(DEFAULT_MIN_SCALE);
    }

    /** An affine transformer with scale bounded below by {@code minScale}, in {@code (0, 1)}. */
    public AffineTransformer(double minScale) {
        if (!(minScale > 0 && minScale < 1)) {
            throw new IllegalArgumentException("AffineTransformer: minScale must be in (0, 1), got " + minScale);
        }
        this.minScale = minScale;
        this.offset = Math.log(Math.expm1(1.0 - minScale));
    }

    /** The lower bound {@code eps} of the scale. */
    public double minScale() {
        return minScale;
    }

    @Override
    public int paramsPerFeature() {
        return 2;
    }

    /** {@code s = softplus(u + c) + eps} for the raw scales {@code u [N, K]}. */
    public Variable scale(Variable rawScale) {
        return ArithmeticOps.addScalar(ActivationOps.softplus(ArithmeticOps.addScalar(rawScale, offset)), minScale);
    }

    @Override
    public Transformed forward(Variable x, Variable params) {
        TransformerParams.check("AffineTransformer.forward", x, params, 2);
        Variable s = scale(TransformerParams.column(params, 1));
        Variable y = ArithmeticOps.add(ArithmeticOps.mul(x, s), TransformerParams.column(params, 0));
        return new Transformed(y, ReduceOps.sum(ActivationOps.log(s), 1, false));
    }

    @Override
    public Transformed inverse(Variable y, Variable params) {
        TransformerParams.check("AffineTransformer.inverse", y, params, 2);
        Variable s = scale(TransformerParams.column(params, 1));
        Variable x = ArithmeticOps.div(ArithmeticOps.sub(y, TransformerParams.column(params, 0)), s);
        return new Transformed(x, ArithmeticOps.neg(ReduceOps.sum(ActivationOps.log(s), 1, false)));
    }
}
