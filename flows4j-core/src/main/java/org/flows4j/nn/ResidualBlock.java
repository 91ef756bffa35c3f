package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;

/**
 * One block of {@link ResidualNet}: {@code h + L1(drop(act(L0(act(h)))))} with two
 * {@code features -> features} linear layers, the second fused activation inside {@code L0}.
 * {@code L1} starts near zero (weight and bias uniform on {@code ±1e-3}), so the block starts near
 * the identity. {@code drop} is the net's {@link Dropout} in a training pass, else the identity.
 * Parameters: {@code linear_layers.0.*} and {@code linear_layers.1.*}.
 */
final class ResidualBlock extends Module {
    /** Half-width of the uniform initialization of each block's last layer. */
    static final double LAST_LAYER_BOUND = 1e-3;

    private final ModuleList<Linear> linearLayers;

    ResidualBlock(int features, Activation activation, DType dtype, Rng rng) {
        linearLayers = registerModule("linear_layers", new ModuleList<>());
        linearLayers.add(new Linear(features, features, true, dtype, rng, Init.forActivation(activation)));
        linearLayers.add(new Linear(features, features, true, dtype, rng, Init.uniform(LAST_LAYER_BOUND)));
    }

    /** The block's output without dropout. */
    Variable forward(Variable h, Activation activation) {
        return forward(h, activation, null, 0, 0);
    }

    /** The block's output; with a {@code dropout} (null for none), its mask {@code layer} of the call {@code key}. */
    Variable forward(Variable h, Activation activation, Dropout dropout, long key, int layer) {
        Variable t = ActivationOps.activation(h, activation);
        t = linearLayers.get(0).forward(t, activation);
        if (dropout != null) {
            t = dropout.apply(t, key, layer);
        }
        t = linearLayers.get(1).forward(t);
        return ArithmeticOps.add(h, t);
    }
}
