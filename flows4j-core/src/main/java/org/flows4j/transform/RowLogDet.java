package org.flows4j.transform;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * Building blocks for the per-row log-det of elementwise transforms: for {@code y_j = f_j(x_j)} the
 * Jacobian is diagonal, so {@code log |det J| = sum_j log |f_j'(x_j)|}.
 */
final class RowLogDet {
    private RowLogDet() {
    }

    /** {@code sum_j logDeriv[i, j]} for each row: {@code [N, D] -> [N]}. */
    static Variable sumOverFeatures(Variable logDeriv) {
        return ReduceOps.sum(logDeriv, 1, false);
    }

    /** The same scalar {@code value} (rank 0) for each of {@code n} rows, differentiable in {@code value}. */
    static Variable repeat(Variable value, int n, DType dtype) {
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(dtype, n)), value);
    }

    /** A constant log-det of 0 for each of {@code n} rows. */
    static Variable zeros(int n, DType dtype) {
        return Variable.constant(Tensor.zeros(dtype, n));
    }
}
