package org.flows4j.autodiff;

import org.flows4j.tensor.Tensor;

/**
 * Reductions. {@code sum(a) = sum_i a_i} (a rank-0 result) with backward {@code g * 1};
 * {@code mean(a) = sum(a) / n} with backward {@code g / n}.
 */
public final class ReduceOps {
    private ReduceOps() {
    }

    /** Sum of all elements, as a rank-0 variable. */
    public static Variable sum(Variable a) {
        Tensor av = a.value();
        double s = 0;
        for (int i = 0; i < av.numel(); i++) {
            s += av.get(i);
        }
        return Variable.fromOp("sum", Tensor.scalar(av.dtype(), s),
                g -> new Tensor[] {Tensor.full(av.dtype(), g.item(), av.shape())}, a);
    }

    /** Mean of all elements, as a rank-0 variable. */
    public static Variable mean(Variable a) {
        int n = a.value().numel();
        if (n == 0) {
            throw new IllegalArgumentException("mean: the input is empty");
        }
        return ArithmeticOps.mulScalar(sum(a), 1.0 / n);
    }
}
