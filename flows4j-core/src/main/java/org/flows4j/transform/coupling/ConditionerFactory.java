package org.flows4j.transform.coupling;

import org.flows4j.autodiff.Activation;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Network;
import org.flows4j.nn.ResidualNet;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;

/**
 * Builds a coupling layer's conditioner, the network {@code (x_A [N, in], context [N, C]) -> theta [N, out]}
 * that computes the transformer's parameters, once the layer knows the sizes. The network's
 * {@code inFeatures}, {@code contextFeatures} and {@code outFeatures} must equal the requested sizes.
 */
@FunctionalInterface
public interface ConditionerFactory {
    /** A network with {@code in} inputs, {@code contextFeatures} context columns and {@code out} outputs. */
    Network create(int in, int contextFeatures, int out);

    /**
     * An {@link MLP} with the given hidden widths and activation whose last layer starts at zero, so the
     * conditioner first outputs {@code theta = 0} (the identity for the affine and additive transformers).
     * Each call draws its initial weights from {@code rng}.
     */
    static ConditionerFactory mlp(int[] hidden, Activation activation, DType dtype, Rng rng) {
        return mlp(hidden, activation, Dropout.NONE, dtype, rng);
    }

    /**
     * As {@link #mlp(int[], Activation, DType, Rng)}, with dropout on the hidden activations in training:
     * the {@code k}-th network made gets {@code dropout.child(k)}, so every conditioner has masks of its own.
     */
    static ConditionerFactory mlp(int[] hidden, Activation activation, Dropout dropout, DType dtype, Rng rng) {
        int[] widths = hidden.clone();
        long[] made = {0};
        return (in, contextFeatures, out) -> new MLP(in, contextFeatures, widths, out, activation, true,
                dropout.child(made[0]++), dtype, rng);
    }

    /**
     * A {@link ResidualNet} of {@code blocks} residual blocks of {@code width} units (nflows' conditioner of
     * choice), whose final layer starts at zero so the conditioner first outputs {@code theta = 0}; the
     * {@code k}-th network made gets {@code dropout.child(k)} inside its blocks. Each call draws its initial
     * weights from {@code rng}.
     */
    static ConditionerFactory resnet(int width, int blocks, Activation activation, Dropout dropout, DType dtype,
            Rng rng) {
        long[] made = {0};
        return (in, contextFeatures, out) -> new ResidualNet(in, contextFeatures, out, width, blocks, activation, true,
                dropout.child(made[0]++), dtype, rng);
    }
}
