package org.flows4j.transform.coupling;

import org.flows4j.autodiff.Activation;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.AffineTransformer;

/**
 * Affine coupling layer (RealNVP, Dinh et al. 2016): with {@code (t, u) = conditioner(x_A, context)},
 * <pre>
 *   y_A = x_A,   y_B = x_B * s + t,   s = exp(B tanh(u / B))   (see {@link AffineTransformer})
 *   log |det J| = sum_{k in B} log s_k = sum_{k in B} B tanh(u_k / B)
 * </pre>
 * The soft-clamped scale is RealNVP's {@code exp(u)} near {@code u = 0} and stays in {@code (e^-B, e^B)},
 * so neither direction overflows. With the default MLP conditioner (last layer zero) the layer starts
 * as the identity with log-det 0. Both directions cost one conditioner pass.
 */
public final class AffineCoupling extends CouplingTransform {
    /** An affine coupling with the default scale bound and a conditioner from {@code factory}. */
    public AffineCoupling(CouplingMask mask, int contextFeatures, ConditionerFactory factory) {
        this(mask, contextFeatures, new AffineTransformer(), factory);
    }

    /** An affine coupling with the given transformer (for another log-scale bound) and conditioner. */
    public AffineCoupling(CouplingMask mask, int contextFeatures, AffineTransformer transformer,
            ConditionerFactory factory) {
        super(mask, contextFeatures, transformer, factory);
    }

    /** An affine coupling whose conditioner is a zero-initialized MLP ({@link ConditionerFactory#mlp}). */
    public AffineCoupling(CouplingMask mask, int contextFeatures, int[] hidden, Activation activation, DType dtype,
            Rng rng) {
        this(mask, contextFeatures, ConditionerFactory.mlp(hidden, activation, dtype, rng));
    }

    /**
     * Type {@code affine-coupling}: {@code transformed} (the mask, true for the transformed set),
     * {@code context_features}, {@code transformer} (an {@code affine-transformer} config) and {@code conditioner}
     * (a network's part config).
     */
    @Override
    public PartConfig describe() {
        return describeAs("affine-coupling", true);
    }
}
