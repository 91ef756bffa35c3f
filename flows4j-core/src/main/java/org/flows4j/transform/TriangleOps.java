package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Builds a triangular matrix from its packed strict triangle and its diagonal, as one differentiable op.
 * For {@code D} diagonal values, the packed vector holds the {@code D (D - 1) / 2} strictly lower
 * (or strictly upper) entries in row-major order: {@code (1,0), (2,0), (2,1), ...} for lower,
 * {@code (0,1), (0,2), ..., (1,2), ...} for upper. Every other entry is 0. Backward: each input gets
 * the output gradient at the positions it was copied to.
 */
final class TriangleOps {
    private TriangleOps() {
    }

    /** {@code L}: unit lower triangular with strict entries {@code lower} (a parameter, or null for {@code D = 1}). */
    static Variable unitLower(Parameter lower, Parameter logDiag) {
        Variable ones = Variable.constant(Tensor.ones(logDiag.value().dtype(), logDiag.value().numel()));
        return assemble(lower == null ? null : lower.variable(), ones, true);
    }

    /** {@code U}: upper triangular with strict entries {@code upper} (or null for {@code D = 1}) and diagonal {@code exp(logDiag)}. */
    static Variable expDiagonalUpper(Parameter upper, Parameter logDiag) {
        return assemble(upper == null ? null : upper.variable(), ActivationOps.exp(logDiag.variable()), false);
    }

    /**
     * The {@code [D, D]} triangular matrix with strict entries {@code packed} (null when {@code D = 1})
     * and diagonal {@code diagonal [D]}.
     */
    static Variable assemble(Variable packed, Variable diagonal, boolean lower) {
        Tensor dv = diagonal.value();
        int d = dv.numel();
        int strict = d * (d - 1) / 2;
        Tensor pv = packed == null ? null : packed.value();
        if (dv.rank() != 1 || (pv == null ? strict != 0 : pv.rank() != 1 || pv.numel() != strict)) {
            throw new ShapeMismatchException("TriangleOps.assemble: expected a diagonal [D] and " + strict
                    + " packed entries, got shapes " + Shape.str(dv.shape()) + " and "
                    + (pv == null ? "none" : Shape.str(pv.shape())));
        }
        Tensor out = dv.zerosLike(d, d);
        for (int i = 0; i < d; i++) {
            out.set(i * d + i, dv.get(i));
        }
        int k = 0;
        for (int i = 0; i < d && pv != null; i++) {
            for (int j = lower ? 0 : i + 1; j < (lower ? i : d); j++) {
                out.set(i * d + j, pv.get(k++));
            }
        }
        Variable[] inputs = packed == null ? new Variable[] {diagonal} : new Variable[] {diagonal, packed};
        return Variable.fromOp("assembleTriangle", out, g -> {
            Tensor gd = dv.zerosLike(d);
            for (int i = 0; i < d; i++) {
                gd.set(i, g.get(i * d + i));
            }
            if (packed == null) {
                return new Tensor[] {gd};
            }
            Tensor gp = dv.zerosLike(strict);
            int m = 0;
            for (int i = 0; i < d; i++) {
                for (int j = lower ? 0 : i + 1; j < (lower ? i : d); j++) {
                    gp.set(m++, g.get(i * d + j));
                }
            }
            return new Tensor[] {gd, gp};
        }, inputs);
    }
}
