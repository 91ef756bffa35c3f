package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TriangularOpsTest {
    /** A random matrix with diagonal entries in +-[1, 2]; the entries off the triangle are noise too. */
    private static Tensor randomMatrix(Rng rng, int d) {
        Tensor a = Tensor.randn(rng, DType.FLOAT64, d, d);
        for (int i = 0; i < d; i++) {
            double mag = 1.0 + rng.nextDouble();
            a.set(i * d + i, rng.nextDouble() < 0.5 ? -mag : mag);
        }
        return a;
    }

    /** The triangle the solve is meant to read, as a dense matrix, with ones on the diagonal if unit. */
    private static double[][] effective(Tensor a, boolean lower, boolean unit) {
        int d = a.size(0);
        double[][] m = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                boolean inside = lower ? j < i : j > i;
                m[i][j] = i == j ? (unit ? 1.0 : a.at(i, j)) : inside ? a.at(i, j) : 0.0;
            }
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void solutionSatisfiesTheSystem(boolean lower, boolean unit) {
        Rng rng = new Rng(3);
        int d = 5;
        Tensor a = randomMatrix(rng, d);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 7, d);
        Tensor x = TriangularOps.solve(Variable.constant(a), Variable.constant(b), lower, unit).value();
        double[][] m = effective(a, lower, unit);
        for (int r = 0; r < 7; r++) {
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += m[i][j] * x.at(r, j);
                }
                assertEquals(b.at(r, i), s, 1e-12, "row " + r + ", equation " + i);
            }
        }
    }

    @Test
    void knownTwoByTwoLowerSystem() {
        Tensor a = Tensor.of(new double[][] {{2, 0}, {0.5, 0.5}});
        Tensor b = Tensor.of(new double[][] {{2, 1.5}, {-4, 0}});
        Tensor x = TriangularOps.solve(Variable.constant(a), Variable.constant(b), true, false).value();
        assertEquals(1.0, x.at(0, 0), 1e-15);
        assertEquals(2.0, x.at(0, 1), 1e-15);
        assertEquals(-2.0, x.at(1, 0), 1e-15);
        assertEquals(2.0, x.at(1, 1), 1e-15);
    }

    @ParameterizedTest
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void gradientMatchesFiniteDifferences(boolean lower, boolean unit) {
        Rng rng = new Rng(11);
        Tensor a = randomMatrix(rng, 4);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 3, 4);
        GradCheck.Result r = GradCheck.check(v -> TriangularOps.solve(v[0], v[1], lower, unit), a, b);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void ignoredEntriesGetZeroGradient() {
        Rng rng = new Rng(5);
        Variable a = Variable.parameter(randomMatrix(rng, 3));
        Variable b = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 4, 3));
        TriangularOps.solve(a, b, true, true).backward(Tensor.ones(DType.FLOAT64, 4, 3));
        for (int i = 0; i < 3; i++) {
            for (int j = i; j < 3; j++) {
                assertEquals(0.0, a.grad().at(i, j), "entry (" + i + ", " + j + ") is not read");
            }
        }
    }

    @Test
    void float32KeepsItsDtype() {
        Rng rng = new Rng(8);
        Tensor a = randomMatrix(rng, 3).to(DType.FLOAT32);
        Tensor b = Tensor.randn(rng, DType.FLOAT32, 2, 3);
        Tensor x = TriangularOps.solve(Variable.constant(a), Variable.constant(b), false, false).value();
        assertEquals(DType.FLOAT32, x.dtype());
        double s = a.at(2, 2) * x.at(1, 2);
        assertEquals(b.at(1, 2), s, 1e-5);
    }

    @Test
    void badInputIsRejectedWithTheShapes() {
        Variable sq = Variable.constant(Tensor.ones(DType.FLOAT64, 3, 3));
        ShapeMismatchException e1 = assertThrows(ShapeMismatchException.class, () -> TriangularOps.solve(
                Variable.constant(Tensor.ones(DType.FLOAT64, 3, 2)),
                Variable.constant(Tensor.ones(DType.FLOAT64, 1, 3)), true, false));
        assertTrue(e1.getMessage().contains("triangularSolve") && e1.getMessage().contains("[3, 2]"), e1.getMessage());
        ShapeMismatchException e2 = assertThrows(ShapeMismatchException.class,
                () -> TriangularOps.solve(sq, Variable.constant(Tensor.ones(DType.FLOAT64, 2, 4)), true, false));
        assertTrue(e2.getMessage().contains("[N, 3]") && e2.getMessage().contains("[2, 4]"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> TriangularOps.solve(sq, Variable.constant(Tensor.ones(DType.FLOAT32, 2, 3)), true, false));
        assertTrue(e3.getMessage().contains("FLOAT32"), e3.getMessage());
        Tensor singular = Tensor.ones(DType.FLOAT64, 3, 3);
        singular.set(4, 0.0);
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class, () -> TriangularOps.solve(
                Variable.constant(singular), Variable.constant(Tensor.ones(DType.FLOAT64, 2, 3)), false, false));
        assertTrue(e4.getMessage().contains("A[1, 1] = 0"), e4.getMessage());
    }
}
