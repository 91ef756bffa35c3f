package org.flows4j.autodiff;

import org.flows4j.tensor.Tensor;

/**
 * Shape changes that keep the elements in row-major order: {@code reshape} (a view of the same
 * storage), whose backward is the reshape of the gradient back to the input's shape.
 */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** The same elements with a new shape (one axis may be -1 and is inferred). */
    public static Variable reshape(Variable a, int... shape) {
        int[] in = a.shape();
        Tensor out = a.value().reshape(shape);
        return Variable.fromOp("reshape", out, g -> new Tensor[] {g.reshape(in)}, a);
    }
}
