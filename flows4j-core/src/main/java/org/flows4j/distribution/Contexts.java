package org.flows4j.distribution;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/** Helpers for context batches: repeating one context row for many samples. */
final class Contexts {
    private Contexts() {
    }

    /**
     * {@code [1, C] -> [n, C]} by broadcasting against zeros; the gradient of the copy sums back to
     * the single row.
     */
    static Variable repeatRows(Variable row, int n) {
        Tensor zeros = Tensor.zeros(row.dtype(), n, row.size(1));
        return ArithmeticOps.add(Variable.constant(zeros), row);
    }
}
