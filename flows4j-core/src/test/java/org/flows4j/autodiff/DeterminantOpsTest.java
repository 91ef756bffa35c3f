package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DeterminantOpsTest {
    private static double[][] randomMatrix(Rng rng, int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = rng.nextGaussian();
            }
        }
        return m;
    }

    /** Determinant by Laplace expansion along the first row: independent of LU, fine for n <= 6. */
    private static double laplace(double[][] m) {
        int n = m.length;
        if (n == 0) {
            return 1.0;
        }
        double det = 0;
        for (int c = 0; c < n; c++) {
            double[][] minor = new double[n - 1][n - 1];
            for (int i = 1; i < n; i++) {
                for (int j = 0, jj = 0; j < n; j++) {
                    if (j != c) {
                        minor[i - 1][jj++] = m[i][j];
                    }
                }
            }
            det += (c % 2 == 0 ? 1 : -1) * m[0][c] * laplace(minor);
        }
        return det;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    @Test
    void diagonalMatrix() {
        double[][] m = {{2, 0, 0}, {0, -3, 0}, {0, 0, 0.5}};
        assertEquals(Math.log(3.0), DeterminantOps.logAbsDet(m), 1e-14);
        assertEquals(-1.0, DeterminantOps.slogdet(m).sign(), 0.0);
        assertEquals(Math.log(3.0), DeterminantOps.logAbsDet(Variable.constant(Tensor.of(m))).value().item(), 1e-14);
    }

    @Test
    void triangularMatricesUseTheirDiagonal() {
        double[][] upper = {{4, 7, -2, 1}, {0, -0.5, 3, 8}, {0, 0, 2, 5}, {0, 0, 0, 3}};
        double[][] lower = {{4, 0, 0, 0}, {7, -0.5, 0, 0}, {-2, 3, 2, 0}, {1, 8, 5, 3}};
        assertEquals(Math.log(12.0), DeterminantOps.logAbsDet(upper), 1e-13);
        assertEquals(Math.log(12.0), DeterminantOps.logAbsDet(lower), 1e-13);
        assertEquals(-1.0, DeterminantOps.slogdet(upper).sign(), 0.0);
    }

    @Test
    void permutationsHaveUnitDeterminantWithTheirSign() {
        double[][] swap = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
        double[][] cycle = {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
        assertEquals(0.0, DeterminantOps.logAbsDet(swap), 1e-15);
        assertEquals(-1.0, DeterminantOps.slogdet(swap).sign(), 0.0);
        assertEquals(0.0, DeterminantOps.logAbsDet(cycle), 1e-15);
        assertEquals(1.0, DeterminantOps.slogdet(cycle).sign(), 0.0);
        double[][] signedSwap = {{0, -2, 0}, {3, 0, 0}, {0, 0, 5}};
        assertEquals(Math.log(30.0), DeterminantOps.logAbsDet(signedSwap), 1e-14);
        assertEquals(1.0, DeterminantOps.slogdet(signedSwap).sign(), 0.0);
    }

    @Test
    void threeByThreeByHandExpansion() {
        double[][] m = {{2, -1, 0}, {1, 3, 2}, {0, 1, 4}};
        // 2 * (3*4 - 2*1) - (-1) * (1*4 - 2*0) + 0 = 20 + 4 = 24
        assertEquals(Math.log(24.0), DeterminantOps.logAbsDet(m), 1e-14);
        assertEquals(1.0, DeterminantOps.slogdet(m).sign(), 0.0);
    }

    @Test
    void twoByTwoAgreesWithAdMinusBc() {
        Rng rng = new Rng(21);
        for (int t = 0; t < 50; t++) {
            double[][] m = randomMatrix(rng, 2);
            double det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
            DeterminantOps.SignedLogDet s = DeterminantOps.slogdet(m);
            assertEquals(Math.log(Math.abs(det)), s.logAbsDet(), 1e-12);
            assertEquals(Math.signum(det), s.sign(), 0.0);
        }
    }

    @Test
    void randomMatricesAgreeWithLaplaceExpansion() {
        Rng rng = new Rng(22);
        for (int n = 1; n <= 6; n++) {
            for (int t = 0; t < 5; t++) {
                double[][] m = randomMatrix(rng, n);
                double det = laplace(m);
                assertEquals(Math.log(Math.abs(det)), DeterminantOps.logAbsDet(m), 1e-10);
                assertEquals(Math.signum(det), DeterminantOps.slogdet(m).sign(), 0.0);
            }
        }
    }

    @Test
    void productRule() {
        Rng rng = new Rng(23);
        for (int n = 1; n <= 8; n++) {
            double[][] a = randomMatrix(rng, n);
            double[][] b = randomMatrix(rng, n);
            double expected = DeterminantOps.logAbsDet(a) + DeterminantOps.logAbsDet(b);
            assertEquals(expected, DeterminantOps.logAbsDet(multiply(a, b)), 1e-10);
        }
    }

    @Test
    void singularMatrixGivesMinusInfinity() {
        double[][] m = {{1, 2, 3}, {2, 4, 6}, {0, 1, 1}};
        assertEquals(Double.NEGATIVE_INFINITY, DeterminantOps.logAbsDet(m));
        assertEquals(0.0, DeterminantOps.slogdet(m).sign(), 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, DeterminantOps.logAbsDet(new double[][] {{0, 0}, {0, 0}}));
        assertEquals(0.0, DeterminantOps.logAbsDet(new double[0][0]), 0.0);
    }

    @Test
    void inputIsNotModified() {
        double[][] m = {{0, 1}, {2, 3}};
        DeterminantOps.logAbsDet(m);
        assertArrayEquals(new double[] {0, 1}, m[0]);
        assertArrayEquals(new double[] {2, 3}, m[1]);
    }

    @Test
    void batchedValuesMatchPerMatrixValuesInBothDtypes() {
        Rng rng = new Rng(24);
        int b = 4;
        int d = 3;
        Tensor t = Tensor.randn(rng, DType.FLOAT64, b, d, d);
        Tensor out = DeterminantOps.logAbsDet(Variable.constant(t)).value();
        Tensor out32 = DeterminantOps.logAbsDet(Variable.constant(t.to(DType.FLOAT32))).value();
        assertArrayEquals(new int[] {b}, out.shape());
        assertEquals(DType.FLOAT32, out32.dtype());
        for (int i = 0; i < b; i++) {
            double[][] m = new double[d][d];
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    m[r][c] = t.at(i, r, c);
                }
            }
            double expected = Math.log(Math.abs(laplace(m)));
            assertEquals(expected, out.get(i), 1e-12);
            assertEquals(expected, out32.get(i), 1e-4);
        }
    }

    @Test
    void gradientOfTwoByTwoIsInverseTranspose() {
        Variable a = Variable.parameter(Tensor.of(new double[][] {{3, 1}, {4, 2}}));
        DeterminantOps.logAbsDet(a).backward(Tensor.scalar(DType.FLOAT64, 2.0));
        // det = 2; A^{-T} = (1/det) [[d, -c], [-b, a]] = [[1, -2], [-0.5, 1.5]], times g = 2
        assertArrayEquals(new double[] {2, -4, -1, 3}, a.grad().toDoubleArray(), 1e-14);
    }

    @Test
    void gradCheckOnRandomMatricesAndBatches() {
        Rng rng = new Rng(25);
        for (int d = 1; d <= 5; d++) {
            Tensor m = Tensor.randn(rng, DType.FLOAT64, d, d);
            GradCheck.Result r = GradCheck.check(v -> DeterminantOps.logAbsDet(v[0]), m);
            assertTrue(r.passed() && r.maxError() < 1e-6, "D=" + d + ": " + r);
        }
        for (int d = 1; d <= 4; d++) {
            Tensor m = Tensor.randn(rng, DType.FLOAT64, 1 + rng.nextInt(4), d, d);
            GradCheck.Result r = GradCheck.check(v -> DeterminantOps.logAbsDet(v[0]), m);
            assertTrue(r.passed() && r.maxError() < 1e-6, "batch D=" + d + ": " + r);
        }
    }

    @Test
    void gradientInFloat32MatchesFloat64() {
        Tensor m = Tensor.randn(new Rng(26), DType.FLOAT64, 2, 3, 3);
        Variable a64 = Variable.parameter(m);
        Variable a32 = Variable.parameter(m.to(DType.FLOAT32));
        DeterminantOps.logAbsDet(a64).backward(Tensor.of(new double[] {1, -2}, 2));
        DeterminantOps.logAbsDet(a32).backward(Tensor.of(new float[] {1, -2}, 2));
        assertEquals(DType.FLOAT32, a32.grad().dtype());
        for (int i = 0; i < m.numel(); i++) {
            double g = a64.grad().get(i);
            assertEquals(g, a32.grad().get(i), 1e-4 * Math.max(1, Math.abs(g)));
        }
    }

    @Test
    void rejectsNonSquareInput() {
        for (int[] shape : new int[][] {{2, 3}, {3}, {2, 3, 4}, {1, 2, 2, 2}, {}}) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> DeterminantOps.logAbsDet(Variable.constant(Tensor.zeros(DType.FLOAT64, shape))));
            assertTrue(e.getMessage().contains("logAbsDet") && e.getMessage().contains("[D, D]")
                    && e.getMessage().contains(java.util.Arrays.toString(shape)), e.getMessage());
        }
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> DeterminantOps.logAbsDet(new double[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("logAbsDet") && e.getMessage().contains("row 1"), e.getMessage());
    }
}
