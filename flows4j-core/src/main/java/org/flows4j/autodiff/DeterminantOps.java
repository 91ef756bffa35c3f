package org.flows4j.autodiff;

import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Log-absolute-determinants of square matrices through an LU decomposition with partial pivoting,
 * {@code P A = L U} with unit lower {@code L}, computed in double whatever the input dtype:
 * {@code log|det A| = sum_i log|U_ii|} and {@code sign(det A) = (-1)^swaps * prod_i sign(U_ii)}.
 * Summing logarithms avoids the overflow and underflow of the product itself.
 *
 * <p>A singular matrix (a zero pivot) has {@code log|det A| = -Infinity}; its gradient is then
 * undefined and comes out infinite or NaN. Costs {@code O(D^3)} per matrix, forward and backward.
 */
public final class DeterminantOps {
    private DeterminantOps() {
    }

    /**
     * The sign and the log-absolute-value of a determinant.
     *
     * @param sign      {@code +1}, {@code -1}, or {@code 0} for a singular matrix
     * @param logAbsDet {@code log|det A|}, {@code -Infinity} for a singular matrix
     */
    public record SignedLogDet(double sign, double logAbsDet) {
    }

    /**
     * {@code log|det A|} of a {@code [D, D]} matrix (a rank-0 result) or of each matrix of a
     * {@code [B, D, D]} batch (a {@code [B]} result), in the input's dtype. Backward (Jacobi's
     * formula): {@code d log|det A| / dA = A^{-T}}, so {@code ga[b] = g[b] * A[b]^{-T}}, solved with
     * the forward pass's LU factors.
     */
    public static Variable logAbsDet(Variable a) {
        Tensor av = a.value();
        int[] shape = av.shape();
        if (shape.length != 2 && shape.length != 3 || shape[shape.length - 1] != shape[shape.length - 2]) {
            throw new ShapeMismatchException("logAbsDet: expected a square matrix [D, D] or a batch [B, D, D], got shape "
                    + Shape.str(shape));
        }
        int d = shape[shape.length - 1];
        int batch = shape.length == 3 ? shape[0] : 1;
        Tensor out = shape.length == 3 ? av.zerosLike(batch) : av.zerosLike(new int[0]);
        Lu[] factors = new Lu[batch];
        int size = d * d;
        for (int b = 0; b < batch; b++) {
            double[] m = new double[size];
            for (int i = 0; i < size; i++) {
                m[i] = av.get(b * size + i);
            }
            factors[b] = Lu.factor(m, d);
            out.set(b, factors[b].logAbsDet());
        }
        return Variable.fromOp("logAbsDet", out, g -> {
            Tensor ga = g.zerosLike(shape);
            for (int b = 0; b < batch; b++) {
                double gb = g.get(b);
                double[] invT = factors[b].inverseTranspose();
                for (int i = 0; i < size; i++) {
                    ga.set(b * size + i, gb * invT[i]);
                }
            }
            return new Tensor[] {ga};
        }, a);
    }

    /**
     * {@code log|det m|} of a square matrix given as rows, {@code -Infinity} if it is singular.
     * {@code m} is not modified. A 0 x 0 matrix has determinant 1.
     */
    public static double logAbsDet(double[][] m) {
        return slogdet(m).logAbsDet();
    }

    /**
     * The sign and {@code log|det m|} of a square matrix given as rows ({@code sign = 0} and
     * {@code -Infinity} if it is singular). {@code m} is not modified.
     */
    public static SignedLogDet slogdet(double[][] m) {
        int n = m.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (m[i].length != n) {
                throw new ShapeMismatchException("logAbsDet: expected a square matrix, got " + n + " rows but row " + i
                        + " has " + m[i].length + " columns");
            }
            System.arraycopy(m[i], 0, flat, i * n, n);
        }
        Lu lu = Lu.factor(flat, n);
        return new SignedLogDet(lu.sign(), lu.logAbsDet());
    }

    /** {@code P A = L U} stored in one array: {@code U} on and above the diagonal, {@code L} below it. */
    private static final class Lu {
        private final double[] lu;
        private final int[] perm;
        private final int n;
        private final int swaps;

        private Lu(double[] lu, int[] perm, int n, int swaps) {
            this.lu = lu;
            this.perm = perm;
            this.n = n;
            this.swaps = swaps;
        }

        /**
         * Factors the row-major {@code n x n} matrix {@code a} in place; row {@code i} of
         * {@code P A} is row {@code perm[i]} of {@code A}.
         */
        static Lu factor(double[] a, int n) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            int swaps = 0;
            for (int k = 0; k < n; k++) {
                int p = k;
                double best = Math.abs(a[k * n + k]);
                for (int i = k + 1; i < n; i++) {
                    double v = Math.abs(a[i * n + k]);
                    if (v > best) {
                        best = v;
                        p = i;
                    }
                }
                if (best == 0.0) {
                    continue;
                }
                if (p != k) {
                    swapRows(a, n, p, k);
                    int t = perm[p];
                    perm[p] = perm[k];
                    perm[k] = t;
                    swaps++;
                }
                double pivot = a[k * n + k];
                for (int i = k + 1; i < n; i++) {
                    double l = a[i * n + k] / pivot;
                    a[i * n + k] = l;
                    if (l != 0.0) {
                        for (int j = k + 1; j < n; j++) {
                            a[i * n + j] -= l * a[k * n + j];
                        }
                    }
                }
            }
            return new Lu(a, perm, n, swaps);
        }

        private static void swapRows(double[] a, int n, int r1, int r2) {
            for (int j = 0; j < n; j++) {
                double t = a[r1 * n + j];
                a[r1 * n + j] = a[r2 * n + j];
                a[r2 * n + j] = t;
            }
        }

        double logAbsDet() {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.log(Math.abs(lu[i * n + i]));
            }
            return s;
        }

        double sign() {
            double s = swaps % 2 == 0 ? 1.0 : -1.0;
            for (int i = 0; i < n; i++) {
                s *= Math.signum(lu[i * n + i]);
            }
            return s;
        }

        /**
         * {@code A^{-T}} row-major: row {@code j} of {@code A^{-T}} is column {@code j} of {@code A^{-1}},
         * the solution of {@code A x = e_j}, i.e. {@code L y = P e_j} then {@code U x = y}.
         */
        double[] inverseTranspose() {
            double[] out = new double[n * n];
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    double s = perm[i] == j ? 1.0 : 0.0;
                    for (int c = 0; c < i; c++) {
                        s -= lu[i * n + c] * x[c];
                    }
                    x[i] = s;
                }
                for (int i = n - 1; i >= 0; i--) {
                    double s = x[i];
                    for (int c = i + 1; c < n; c++) {
                        s -= lu[i * n + c] * x[c];
                    }
                    x[i] = s / lu[i * n + i];
                }
                System.arraycopy(x, 0, out, j * n, n);
            }
            return out;
        }
    }
}
