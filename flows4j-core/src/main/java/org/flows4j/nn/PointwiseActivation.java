package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Elementwise;
import org.flows4j.tensor.Tensor;

/**
 * An {@link Activation} applied on its own (not fused into a linear layer): {@code y = act(x)}
 * element by element, backward {@code dx = g * act'(x)} with the derivative taken from the
 * output ({@link Activation#derivativeFromOutput}). The residual blocks need it for the
 * activation that opens each block.
 */
final class PointwiseActivation {
    private PointwiseActivation() {
    }

    /** {@code act(x)}; the identity returns {@code x} itself. */
    static Variable apply(Variable x, Activation act) {
        if (act == Activation.IDENTITY) {
            return x;
        }
        Tensor y = Elementwise.map(x.value(), act::apply);
        return Variable.fromOp("activation:" + act, y, g -> new Tensor[] {
            Elementwise.zip(g, y, (u, v) -> u * act.derivativeFromOutput(v), "activation:" + act)}, x);
    }
}
