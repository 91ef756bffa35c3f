package org.flows4j.autodiff;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Triangular solves, one right-hand side per row: for a triangular {@code A [D, D]} and
 * {@code B [N, D]}, {@link #solve} returns {@code X [N, D]} with {@code A x_n = b_n} for every row,
 * i.e. {@code X = B A^-T}. Lower {@code A} is solved by forward substitution,
 * {@code x_i = (b_i - sum_{j<i} A_ij x_j) / A_ii}; upper {@code A} by back substitution,
 * {@code x_i = (b_i - sum_{j>i} A_ij x_j) / A_ii}. Only the named triangle of {@code A} is read: the
 * other triangle is ignored, and so is the diagonal when it is declared unit ({@code A_ii = 1}).
 *
 * <p>Backward, from {@code x_n = A^-1 b_n} and {@code dA^-1 = -A^-1 dA A^-1}:
 * {@code gb_n = A^-T gx_n} (a solve with the transposed triangle) and
 * {@code gA = -sum_n gb_n x_n^T}, kept on the entries that were read (zero elsewhere).
 *
 * <p>Arithmetic is in double whatever the dtype; the result has the dtype of the inputs. Cost
 * {@code O(N D^2)} forward and backward, rows split across {@link Parallel}.
 */
public final class TriangularOps {
    private TriangularOps() {
    }

    /**
     * Solves {@code A x_n = b_n} for every row {@code b_n} of {@code b}.
     *
     * @param a             a {@code [D, D]} matrix, read only on the triangle named by {@code lower}
     * @param b             right-hand sides {@code [N, D]}, one per row
     * @param lower         whether {@code A} is lower ({@code true}) or upper ({@code false}) triangular
     * @param unitDiagonal  whether to take {@code A_ii = 1} without reading the diagonal
     * @throws ShapeMismatchException naming the shapes when they do not fit
     * @throws IllegalArgumentException when the dtypes differ or a read diagonal entry is 0
     */
    public static Variable solve(Variable a, Variable b, boolean lower, boolean unitDiagonal) {
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || av.size(0) != av.size(1)) {
            throw new ShapeMismatchException("triangularSolve: expected a square matrix A [D, D], got shape "
                    + Shape.str(av.shape()));
        }
        int d = av.size(0);
        if (bv.rank() != 2 || bv.size(1) != d) {
            throw new ShapeMismatchException("triangularSolve: expected right-hand sides B [N, " + d + "], got shape "
                    + Shape.str(bv.shape()));
        }
        if (av.dtype() != bv.dtype()) {
            throw new IllegalArgumentException("triangularSolve: A and B must share a dtype, got " + av.dtype()
                    + " and " + bv.dtype());
        }
        double[] am = av.toDoubleArray();
        if (!unitDiagonal) {
            for (int i = 0; i < d; i++) {
                if (am[i * d + i] == 0.0) {
                    throw new IllegalArgumentException("triangularSolve: A is singular, expected a nonzero diagonal"
                            + " but A[" + i + ", " + i + "] = 0");
                }
            }
        }
        int n = bv.size(0);
        double[] x = bv.toDoubleArray();
        solveRows(am, d, x, n, lower, unitDiagonal, false);
        Tensor out = result(x, av.dtype(), n, d);
        return Variable.fromOp("triangularSolve", out, g -> {
            double[] gb = g.toDoubleArray();
            solveRows(am, d, gb, n, lower, unitDiagonal, true);
            Tensor ga = a.requiresGrad()
                    ? result(gradientOfA(gb, x, n, d, lower, unitDiagonal), av.dtype(), d, d) : null;
            return new Tensor[] {ga, result(gb, av.dtype(), n, d)};
        }, a, b);
    }

    private static Tensor result(double[] values, DType dtype, int rows, int cols) {
        Tensor t = Tensor.wrap(values, rows, cols);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    /**
     * Overwrites each row {@code r} of {@code rhs} ({@code n} rows of {@code d}) with {@code A^-1 r}, or
     * with {@code A^-T r} when {@code transposed}.
     */
    private static void solveRows(double[] a, int d, double[] rhs, int n, boolean lower, boolean unit,
            boolean transposed) {
        Parallel.forRange(n, (long) n * d * d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * d;
                if (transposed) {
                    solveTransposed(a, d, rhs, off, lower, unit);
                } else {
                    solveDirect(a, d, rhs, off, lower, unit);
                }
            }
        });
    }

    /** Row-oriented substitution with {@code A}: each unknown is a dot product with a row of {@code A}. */
    private static void solveDirect(double[] a, int d, double[] x, int off, boolean lower, boolean unit) {
        for (int k = 0; k < d; k++) {
            int i = lower ? k : d - 1 - k;
            int from = lower ? 0 : i + 1;
            int to = lower ? i : d;
            double s = x[off + i];
            int row = i * d;
            for (int j = from; j < to; j++) {
                s -= a[row + j] * x[off + j];
            }
            x[off + i] = unit ? s : s / a[row + i];
        }
    }

    /**
     * Column-oriented substitution with {@code A^T}: {@code A^T} is upper when {@code A} is lower, so the
     * unknowns are fixed from the last to the first, and fixing {@code x_i} subtracts {@code x_i} times
     * row {@code i} of {@code A} (a column of {@code A^T}) from the remaining right-hand side.
     */
    private static void solveTransposed(double[] a, int d, double[] x, int off, boolean lower, boolean unit) {
        for (int k = 0; k < d; k++) {
            int i = lower ? d - 1 - k : k;
            int row = i * d;
            double xi = unit ? x[off + i] : x[off + i] / a[row + i];
            x[off + i] = xi;
            int from = lower ? 0 : i + 1;
            int to = lower ? i : d;
            for (int j = from; j < to; j++) {
                x[off + j] -= a[row + j] * xi;
            }
        }
    }

    /** {@code gA_ij = -sum_n gb_n[i] x_n[j]} on the entries the solve read, 0 elsewhere. */
    private static double[] gradientOfA(double[] gb, double[] x, int n, int d, boolean lower, boolean unit) {
        double[] ga = new double[d * d];
        Parallel.forRange(d, (long) n * d * d, (from, to) -> {
            for (int i = from; i < to; i++) {
                int lo = lower ? 0 : (unit ? i + 1 : i);
                int hi = lower ? (unit ? i : i + 1) : d;
                int row = i * d;
                for (int r = 0; r < n; r++) {
                    double gi = gb[r * d + i];
                    if (gi == 0.0) {
                        continue;
                    }
                    int off = r * d;
                    for (int j = lo; j < hi; j++) {
                        ga[row + j] -= gi * x[off + j];
                    }
                }
            }
        });
        return ga;
    }
}
