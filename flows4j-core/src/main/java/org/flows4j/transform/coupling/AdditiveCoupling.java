package org.flows4j.transform.coupling;

import org.flows4j.autodiff.Activation;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.AdditiveTransformer;

/**
 * Additive coupling layer (NICE, Dinh et al. 2014): with {@code t = conditioner(x_A, context)},
 * <pre>
 *   y_A = x_A,   y_B = x_B + t,   inverse x_B = y_B - t,   log |det J| = 0
 * </pre>
 * The Jacobian is unit lower-triangular in the order {@code (A, B)}, so the map preserves volume and the
 * log-det is exactly 0. NICE ends its stack with a diagonal scaling layer to change volume. Both
 * directions cost one conditioner pass.
 */
public final class AdditiveCoupling extends CouplingTransform {
    /** An additive coupling with a conditioner from {@code factory}. */
    public AdditiveCoupling(CouplingMask mask, int contextFeatures, ConditionerFactory factory) {
        super(mask, contextFeatures, new AdditiveTransformer(), factory);
    }

    /** An additive coupling whose conditioner is a zero-initialized MLP ({@link ConditionerFactory#mlp}). */
    public AdditiveCoupling(CouplingMask mask, int contextFeatures, int[] hidden, Activation activation, DType dtype,
            Rng rng) {
        this(mask, contextFeatures, ConditionerFactory.mlp(hidden, activation, dtype, rng));
    }

    /**
     * Type {@code additive-coupling}: {@code transformed} (the mask, true for the transformed set),
     * {@code context_features} and {@code conditioner} (a network's part config).
     */
    @Override
    public PartConfig describe() {
        return describeAs("additive-coupling", false);
    }
}
