package org.flows4j.nn;

import org.flows4j.autodiff.Variable;

/**
 * A module that maps a batch {@code x [N, in]} and an optional context {@code c [N, C]} to
 * {@code y [N, out]}: the common shape of {@link MLP}, {@link ResidualNet} and {@link MADE}, so a flow
 * layer can take any of them as its conditioner (the network that computes a transform's parameters).
 * Implementations hold no mutable state during {@link #forward(Variable, Variable)}.
 */
public abstract class Network extends Module {
    /** An empty network; subclasses register their layers in their constructor. */
    protected Network() {
    }

    /** The output {@code [N, out]} for {@code x [N, in]}; only for a network without context. */
    public Variable forward(Variable x) {
        return forward(x, null);
    }

    /** The output {@code [N, out]} for {@code x [N, in]} and {@code context [N, contextFeatures]} (null if none). */
    public abstract Variable forward(Variable x, Variable context);

    /** Number of input features (without the context). */
    public abstract int inFeatures();

    /** Number of context features (0 for none). */
    public abstract int contextFeatures();

    /** Number of output features. */
    public abstract int outFeatures();
}
