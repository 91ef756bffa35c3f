package org.flows4j.transform.autoregressive;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * Inverse autoregressive flow layer (IAF, Kingma et al. 2016): the inverse {@code g = f^-1} of an
 * {@link AutoregressiveTransform} {@code f}, so {@code g.forward = f.inverse} and {@code g.inverse = f.forward}
 * with the same log-dets swapped. In the generative direction it computes
 * {@code x_i = tau(z_i; theta_i(z_<i))}: each data feature from the latent features before it, which is
 * the IAF of the paper; with the affine transformer, {@code log |det dx/dz| = sum_i log s_i(z_<i)}.
 *
 * <p><b>Fast direction: inverse</b> (latent to data): sampling, and the density of the samples it draws
 * (via {@code Flow.sampleAndLogProb}), cost one MADE pass. The forward direction, density evaluation of
 * external points ({@code logProb(x)}), is slow: {@code D} sequential steps ({@code D} MADE passes when
 * gradients are recorded, one pass split by degree without them). Parameters: {@code base.*}.
 */
public final class InverseAutoregressive extends Transform implements Part {
    private final AutoregressiveTransform base;

    /** The inverse of {@code base}, which becomes this module's only child. */
    public InverseAutoregressive(AutoregressiveTransform base) {
        super(base.features(), base.contextFeatures());
        this.base = registerModule("base", base);
    }

    /**
     * An affine IAF layer: the inverse of a {@link MaskedAffineAutoregressive} with the given sizes, degrees
     * and context (0 for none), starting as the identity.
     */
    public static InverseAutoregressive affine(int features, int contextFeatures, int[] hidden, Activation activation,
            int[] inputDegrees, DType dtype, Rng rng) {
        return new InverseAutoregressive(new MaskedAffineAutoregressive(features, contextFeatures, hidden, activation,
                inputDegrees, dtype, rng));
    }

    /** The autoregressive transform this one inverts. */
    public AutoregressiveTransform base() {
        return base;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return base.applyInverse(x, context);
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return base.applyForward(y, context);
    }

    /** Type {@code inverse-autoregressive}: {@code base}, the autoregressive transform it inverts. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("inverse-autoregressive").with("base", Parts.describe(base));
    }
}
