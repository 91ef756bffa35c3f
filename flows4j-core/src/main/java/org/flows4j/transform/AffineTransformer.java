package org.flows4j.transform;

import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;

/**
 * Elementwise affine map whose log-scale is soft-clamped to {@code (-B, B)}, {@code P = 2} parameters per
 * feature, shift {@code t = theta_0} and raw scale {@code u = theta_1}:
 * <pre>
 *   log s(u) = B tanh(u / B),       s = exp(B tanh(u / B))  in (e^-B, e^B)
 *   forward:  y = x * s + t,        log |dy/dx| = log s = B tanh(u / B)
 *   inverse:  x = (y - t) / s,      log |dx/dy| = -B tanh(u / B)
 * </pre>
 * The per-row log-det is {@code sum_k B tanh(u_k / B)}, computed directly (no {@code log(exp(.))}).
 * {@link #softClamp()} gives the other form, {@code log s = u / (1 + |u| / B)} with {@code B = ln 1000},
 * which the ready-made flows use since issue 11.
 * {@code u = 0, t = 0} is the identity ({@code s(0) = 1}, {@code d log s / du = 1} there), so a conditioner
 * whose last layer starts at zero makes the layer start as the identity.
 *
 * <p><b>Why this form.</b> Near {@code u = 0} it is RealNVP's {@code s = exp(u)}: the log-det moves at
 * the rate of the raw output in both directions, whereas {@code softplus(u + c)} grows only linearly
 * ({@code d log s / du ~ 1/u}), which slows the strong expansions a thin structure such as the noise
 * band of {@code moons} needs. The {@code tanh} clamp keeps the scale in {@code (e^-B, e^B)}, so neither
 * direction overflows and the inverse amplifies by at most {@code e^B} per layer (the soft clamp of
 * Glow-style implementations). Measured on the 2-D toys (ToyConvergenceTest setting, RealNVP and MAF,
 * flow seeds 1-3), with the conditioners' hidden biases drawn by
 * {@link org.flows4j.nn.Init#kaimingUniform()}, the default {@code B = 3} took the gaps to the true
 * entropy from 0.016-0.044 nats (softplus scale {@code softplus(u + c) + 1e-3}) to 0.011-0.024 on moons
 * and from 0.08-0.13 to 0.086-0.109 on 8gaussians. With zero hidden biases no exp-based form helped
 * (8gaussians up to 0.18-0.26), and bounds above 3 or the unclamped {@code exp} were less stable there.
 * Cost: one fused sweep over {@code [N, K]} with two {@code exp} per element ({@link AffineTransformerOp});
 * {@link #logScale} and {@link #scale} give the same functions as compositions of generic ops.
 */
public final class AffineTransformer implements ElementwiseTransformer, Part {
    /** The default bound {@code B} of the log-scale: {@code s} in {@code (0.0498, 20.09)}. */
    public static final double DEFAULT_LOG_SCALE_BOUND = 3.0;

    /** The bound of {@link #softClamp()}: {@code ln 1000}, scales in {@code (0.001, 1000)}. */
    public static final double SOFT_CLAMP_BOUND = Math.log(1000.0);

    private final double bound;
    private final boolean soft;
    private final boolean contract;

    /** An affine transformer whose log-scale is bounded by {@link #DEFAULT_LOG_SCALE_BOUND}. */
    public AffineTransformer() {
        this(DEFAULT_LOG_SCALE_BOUND);
    }

    /** An affine transformer whose log-scale is soft-clamped to {@code (-logScaleBound, logScaleBound)}. */
    public AffineTransformer(double logScaleBound) {
        if (!(logScaleBound > 0) || Double.isInfinite(logScaleBound)) {
            throw new IllegalArgumentException("AffineTransformer: logScaleBound must be finite and > 0, got "
                    + logScaleBound);
        }
        this.bound = logScaleBound;
        this.soft = false;
        this.contract = false;
    }

    private AffineTransformer(boolean soft, boolean contract, double logScaleBound) {
        if (!(logScaleBound > 0) || Double.isInfinite(logScaleBound)) {
            throw new IllegalArgumentException("AffineTransformer: logScaleBound must be finite and > 0, got "
                    + logScaleBound);
        }
        this.bound = logScaleBound;
        this.soft = soft;
        this.contract = contract;
    }

    /**
     * The contractive form {@code s = sigmoid(u + 2)}, {@code log s = -softplus(-(u + 2))} in {@code (-inf, 0)}
     * ({@code d log s / du = sigmoid(-(u + 2))}), Glow's coupling scale: in the data-to-latent direction a step
     * can only shrink its input, so no step can blow a far or unlucky input up (the expanding forms allow up to
     * {@code e^B} per step). It starts at {@code s = 0.881}, not the identity. The bound is unused.
     */
    public static AffineTransformer contractive() {
        return new AffineTransformer(false, true, SOFT_CLAMP_BOUND);
    }

    /** Whether the scale is the contractive {@code sigmoid(u + 2)} ({@link #contractive()}). */
    public boolean isContractive() {
        return contract;
    }

    /**
     * The soft-clamp form {@code log s = u / (1 + |u| / B)} with {@code B = }{@link #SOFT_CLAMP_BOUND}
     * ({@code d log s / du = 1 / (1 + |u| / B)^2}, 1 at {@code u = 0}), the form zuko uses: it approaches its
     * bound only like {@code 1/u}, so large raw outputs still move the scale. The ready-made affine flows use
     * it (docs/FIT_QUALITY.md: RealNVP 10 nats better on fmnist49 than with {@code 3 tanh(u / 3)}).
     */
    public static AffineTransformer softClamp() {
        return new AffineTransformer(true, false, SOFT_CLAMP_BOUND);
    }

    /** Whether the log-scale is {@code u / (1 + |u| / B)} (true) or {@code B tanh(u / B)} (false). */
    public boolean isSoftClamp() {
        return soft;
    }

    /** The bound {@code B} of the log-scale. */
    public double logScaleBound() {
        return bound;
    }

    @Override
    public int paramsPerFeature() {
        return 2;
    }

    /** {@code log s = B tanh(u / B)} (or {@code u / (1 + |u| / B)}) for the raw scales {@code u [N, K]}. */
    public Variable logScale(Variable rawScale) {
        if (contract) {
            return ActivationOps.logSigmoid(ArithmeticOps.addScalar(rawScale, AffineTransformerOp.CONTRACT_OFFSET));
        }
        if (soft) {
            return ArithmeticOps.div(rawScale, ArithmeticOps.addScalar(
                    ArithmeticOps.mulScalar(ArithmeticOps.abs(rawScale), 1.0 / bound), 1.0));
        }
        return ArithmeticOps.mulScalar(ActivationOps.tanh(ArithmeticOps.mulScalar(rawScale, 1.0 / bound)), bound);
    }

    /** {@code s = exp(B tanh(u / B))} for the raw scales {@code u [N, K]}. */
    public Variable scale(Variable rawScale) {
        return ActivationOps.exp(logScale(rawScale));
    }

    @Override
    public Transformed forward(Variable x, Variable params) {
        TransformerParams.check("AffineTransformer.forward", x, params, 2);
        return AffineTransformerOp.apply(x, params, bound, soft, contract, false);
    }

    @Override
    public Transformed inverse(Variable y, Variable params) {
        TransformerParams.check("AffineTransformer.inverse", y, params, 2);
        return AffineTransformerOp.apply(y, params, bound, soft, contract, true);
    }

    /**
     * The map with the same {@code params [K, 2]} (shift, raw scale) in every row of {@code x [N, K]}: the
     * log-scale and scale are computed once per feature, the log-det {@code sum_k log s_k} is the same for
     * every row, and the parameter gradient is summed over rows without an {@code [N, K, 2]} intermediate.
     * Outputs and log-dets are bit-identical to {@link #forward} on the broadcast parameters.
     */
    @Override
    public Transformed forwardShared(Variable x, Variable params) {
        TransformerParams.checkShared("AffineTransformer.forwardShared", x, params, 2);
        return AffineTransformerOp.applyShared(x, params, bound, soft, contract, false);
    }

    /** The inverse of {@link #forwardShared}: {@code x = (y - t_k) / s_k} in every row, likewise computed once per feature. */
    @Override
    public Transformed inverseShared(Variable y, Variable params) {
        TransformerParams.checkShared("AffineTransformer.inverseShared", y, params, 2);
        return AffineTransformerOp.applyShared(y, params, bound, soft, contract, true);
    }

    /**
     * Type {@code affine-transformer}: {@code bound} of the log-scale and {@code soft} (soft clamp, else tanh), and
     * {@code contract: true} for the contractive form (absent in files written before it existed).
     */
    @Override
    public PartConfig describe() {
        PartConfig c = PartConfig.of("affine-transformer").with("bound", bound).with("soft", soft);
        return contract ? c.with("contract", true) : c;
    }

    /** The transformer a {@link #describe()} config stands for. */
    public static AffineTransformer of(double bound, boolean soft) {
        return new AffineTransformer(soft, false, bound);
    }

    /** The transformer a {@link #describe()} config stands for, the contractive form when {@code contract}. */
    public static AffineTransformer of(double bound, boolean soft, boolean contract) {
        return new AffineTransformer(soft, contract, bound);
    }
}
