package org.flows4j.transform.autoregressive;

import org.flows4j.autodiff.Activation;
import org.flows4j.nn.MADE;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.AffineTransformer;

/**
 * Masked autoregressive flow layer (MAF, Papamakarios et al. 2017) with the bounded affine transformer:
 * with {@code (t_i, u_i)} the MADE outputs of feature {@code i}, which depend only on {@code x_<i},
 * <pre>
 *   z_i = x_i * s_i + t_i,   s_i = exp(B tanh(u_i / B))         (see {@link AffineTransformer})
 *   log |det dz/dx| = sum_i log s_i = sum_i B tanh(u_i / B)     (triangular Jacobian, diagonal s_i)
 * </pre>
 * This is the paper's {@code z_i = (x_i - mu_i) exp(-alpha_i)} with {@code s_i = exp(-alpha_i)},
 * {@code t_i = -mu_i s_i}, and the log-scale {@code -alpha_i} soft-clamped to {@code (-B, B)}. The
 * MADE's output layer starts at zero, so the layer starts as the identity.
 *
 * <p><b>Fast direction: forward</b> (data to latent, so {@code logProb} and training cost one MADE pass).
 * The inverse (sampling) takes {@code D} sequential steps: {@code D} MADE passes when gradients are
 * recorded, about one pass split by degree without gradients; see {@link AutoregressiveTransform}.
 */
public final class MaskedAffineAutoregressive extends AutoregressiveTransform {
    /** A MAF layer in the natural order, without context. */
    public MaskedAffineAutoregressive(int features, int[] hidden, Activation activation, DType dtype, Rng rng) {
        this(features, 0, hidden, activation, MADE.naturalOrder(features), dtype, rng);
    }

    /**
     * A MAF layer whose MADE has the given hidden widths, activation, input degrees (a permutation of
     * {@code 1..D}: {@link MADE#naturalOrder}, {@link MADE#randomOrder}, or reversed between stacked layers)
     * and {@code contextFeatures} context columns (0 for none).
     */
    public MaskedAffineAutoregressive(int features, int contextFeatures, int[] hidden, Activation activation,
            int[] inputDegrees, DType dtype, Rng rng) {
        this(new MADE(features, contextFeatures, hidden, 2, activation, inputDegrees, true, dtype, rng),
                new AffineTransformer());
    }

    /** A MAF layer on a given MADE (2 outputs per feature: shift, raw scale) and affine transformer. */
    public MaskedAffineAutoregressive(MADE made, AffineTransformer transformer) {
        super(made, transformer);
    }

    /**
     * Type {@code masked-affine-autoregressive}: {@code made} (the MADE's part config, 2 outputs per feature) and
     * {@code transformer} (an {@code affine-transformer} config). The MADE reads the input as it is.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("masked-affine-autoregressive").with("made", Parts.describe(made()))
                .with("transformer", Parts.describe(transformer()));
    }
}
