package org.flows4j.autodiff;

import org.flows4j.tensor.Tensor;

/**
 * The backward rule of one recorded op: given dL/d(output), returns dL/d(input_i) for each input,
 * each of that input's shape (or {@code null} for an input that needs no gradient). This is the
 * vector–Jacobian product {@code g_i = J_i^T g_out}.
 */
@FunctionalInterface
public interface BackwardFn {
    /** Gradients for the inputs, in the order they were given to {@link Variable#fromOp}. */
    Tensor[] apply(Tensor gradOutput);
}
