package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link MADE}: the autodiff Jacobian of every output with respect to the input is strictly triangular in
 * the order of the degrees (and has every allowed entry), the context reaches every output, zero init,
 * determinism, and bad input. {@link MaskedLinear} against plain loops and GradCheck.
 */
class MADETest {
    private static final int N = 4;

    /** {@code dep[o][j] = sum over rows of |d out[:, o] / d x[:, j]|}, by one backward pass per output column. */
    private static double[][] inputDependence(MADE made, Tensor x, Tensor ctx, boolean wrtContext) {
        Variable xv = Variable.parameter(x.copy());
        Variable cv = ctx == null ? null : Variable.parameter(ctx.copy());
        Variable out = made.forward(xv, cv);
        int cols = out.size(1);
        Variable target = wrtContext ? cv : xv;
        double[][] dep = new double[cols][target.size(1)];
        for (int o = 0; o < cols; o++) {
            Tensor seed = Tensor.zeros(DType.FLOAT64, N, cols);
            for (int i = 0; i < N; i++) {
                seed.set(i * cols + o, 1.0);
            }
            target.zeroGrad();
            out.backward(seed, true);
            Tensor g = target.grad();
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < target.size(1); j++) {
                    dep[o][j] += g == null ? 0.0 : Math.abs(g.get(i * target.size(1) + j));
                }
            }
        }
        return dep;
    }

    /** Output column {@code i * P + p} depends on input {@code j} exactly when {@code degrees[j] < degrees[i]}. */
    private static void assertStrictlyTriangular(int[] degrees, int p, int context, int[] hidden) {
        int d = degrees.length;
        MADE made = new MADE(d, context, hidden, p, Activation.TANH, degrees, false, DType.FLOAT64, new Rng(3));
        Rng rng = new Rng(4);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, N, d);
        Tensor ctx = context == 0 ? null : Tensor.randn(rng, DType.FLOAT64, N, context);
        double[][] dep = inputDependence(made, x, ctx, false);
        assertEquals(d * p, dep.length);
        for (int i = 0; i < d; i++) {
            for (int q = 0; q < p; q++) {
                for (int j = 0; j < d; j++) {
                    double v = dep[i * p + q][j];
                    String where = "degrees " + Arrays.toString(degrees) + ", output " + q + " of feature " + i
                            + " wrt input " + j + ": " + v;
                    if (degrees[j] < degrees[i]) {
                        assertTrue(v > 1e-8, "allowed dependence missing, " + where);
                    } else {
                        assertEquals(0.0, v, "forbidden dependence, " + where);
                    }
                }
            }
        }
    }

    @Test
    void naturalOrderGivesAStrictlyLowerTriangularJacobian() {
        assertStrictlyTriangular(MADE.naturalOrder(5), 1, 0, new int[] {12, 12});
        assertStrictlyTriangular(MADE.naturalOrder(5), 3, 0, new int[] {10});
    }

    @Test
    void randomOrderIsTriangularInThatOrderWithSeveralOutputsAndContext() {
        int[] order = MADE.randomOrder(6, new Rng(17));
        assertStrictlyTriangular(order, 3, 0, new int[] {15, 15});
        assertStrictlyTriangular(order, 2, 3, new int[] {11, 9});
        assertStrictlyTriangular(new int[] {3, 1, 4, 2}, 2, 2, new int[] {9});
    }

    @Test
    void withoutHiddenLayersTheOutputLayerAloneIsMaskedStrictly() {
        assertStrictlyTriangular(new int[] {2, 3, 1}, 2, 1, new int[0]);
    }

    @Test
    void singleFeatureOutputsDependOnlyOnTheContext() {
        assertStrictlyTriangular(new int[] {1}, 2, 2, new int[] {4});
        MADE made = new MADE(1, 2, new int[] {4}, 2, Activation.TANH, new int[] {1}, false, DType.FLOAT64, new Rng(1));
        Rng rng = new Rng(2);
        double[][] dep = inputDependence(made, Tensor.randn(rng, DType.FLOAT64, N, 1),
                Tensor.randn(rng, DType.FLOAT64, N, 2), true);
        for (double[] row : dep) {
            assertTrue(row[0] > 1e-8 && row[1] > 1e-8, Arrays.toString(row));
        }
    }

    @Test
    void contextReachesEveryOutputIncludingTheFirstFeatures() {
        int[] order = MADE.randomOrder(5, new Rng(8));
        MADE made = new MADE(5, 3, new int[] {12, 12}, 2, Activation.TANH, order, false, DType.FLOAT64, new Rng(9));
        Rng rng = new Rng(10);
        double[][] dep = inputDependence(made, Tensor.randn(rng, DType.FLOAT64, N, 5),
                Tensor.randn(rng, DType.FLOAT64, N, 3), true);
        for (int o = 0; o < dep.length; o++) {
            for (int c = 0; c < 3; c++) {
                assertTrue(dep[o][c] > 1e-8, "output " + o + " does not depend on context column " + c);
            }
        }
    }

    @Test
    void inputAndContextGradientsPassGradCheck() {
        MADE made = new MADE(4, 2, new int[] {7, 6}, 3, Activation.TANH, new int[] {2, 4, 1, 3}, false,
                DType.FLOAT64, new Rng(5));
        Rng rng = new Rng(6);
        GradCheck.Result r = GradCheck.check(v -> made.forward(v[0], v[1]), Tensor.randn(rng, DType.FLOAT64, 3, 4),
                Tensor.randn(rng, DType.FLOAT64, 3, 2));
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void zeroInitLastOutputsExactlyZero() {
        MADE made = new MADE(3, 2, new int[] {5}, 2, Activation.RELU, MADE.naturalOrder(3), true, DType.FLOAT64,
                new Rng(1));
        Rng rng = new Rng(2);
        Tensor out = made.forward(Variable.constant(Tensor.randn(rng, DType.FLOAT64, 4, 3)),
                Variable.constant(Tensor.randn(rng, DType.FLOAT64, 4, 2))).value();
        assertArrayEquals(new int[] {4, 6}, out.shape());
        for (int i = 0; i < out.numel(); i++) {
            assertEquals(0.0, out.get(i));
        }
    }

    @Test
    void sameSeedGivesTheSameOrderAndNetwork() {
        int[] a = MADE.randomOrder(9, new Rng(21));
        assertArrayEquals(a, MADE.randomOrder(9, new Rng(21)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(MADE.naturalOrder(9), sorted);
        MADE m1 = new MADE(9, 0, new int[] {16}, 2, Activation.TANH, a, false, DType.FLOAT64, new Rng(3));
        MADE m2 = new MADE(9, 0, new int[] {16}, 2, Activation.TANH, a, false, DType.FLOAT64, new Rng(3));
        Variable x = Variable.constant(Tensor.randn(new Rng(4), DType.FLOAT64, 3, 9));
        assertArrayEquals(m1.forward(x).value().doubleData(), m2.forward(x).value().doubleData());
        assertArrayEquals(a, m1.inputDegrees());
        assertEquals(18, m1.outFeatures());
    }

    @Test
    void maskedLinearMatchesPlainLoopsAndPassesGradCheck() {
        Tensor mask = Tensor.of(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}});
        MaskedLinear layer = new MaskedLinear(mask, DType.FLOAT64, new Rng(1), Init.uniform(0.5));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 5, 3);
        Tensor w = layer.weight().value();
        Tensor masked = Tensor.zeros(DType.FLOAT64, 4, 3);
        for (int i = 0; i < 12; i++) {
            masked.set(i, w.get(i) * mask.get(i));
        }
        double[][] expected = Naive.dense(x.toDoubleMatrix(), masked, layer.bias().value(), Math::tanh);
        LinearTest.assertMatrixEquals(expected, layer.forward(Variable.constant(x), Activation.TANH).value()
                .toDoubleMatrix(), 1e-14);
        GradCheck.Result r = GradCheck.check(v -> layer.forward(v[0], Activation.TANH), x);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void maskedWeightsGetZeroGradient() {
        Tensor mask = Tensor.of(new double[][] {{1, 0}, {0, 1}});
        MaskedLinear layer = new MaskedLinear(mask, DType.FLOAT64, new Rng(1), Init.uniform(0.5));
        Variable y = layer.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT64, 3, 2)),
                Activation.IDENTITY);
        y.backward(Tensor.ones(DType.FLOAT64, 3, 2));
        Tensor g = layer.weight().grad();
        assertEquals(0.0, Math.abs(g.get(1)));
        assertEquals(0.0, Math.abs(g.get(2)));
        assertTrue(g.get(0) != 0.0 && g.get(3) != 0.0);
    }

    @Test
    void badInputIsRejectedWithTheExpectedAndActualValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MADE(3, 0, new int[] {4},
                1, Activation.TANH, new int[] {1, 1, 3}, false, DType.FLOAT64, new Rng(1)));
        assertTrue(e.getMessage().contains("MADE") && e.getMessage().contains("1..3")
                && e.getMessage().contains("[1, 1, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MADE(3, 0, new int[] {4}, 1, Activation.TANH,
                new int[] {1, 2}, false, DType.FLOAT64, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new MADE(3, new int[] {4}, 0, Activation.TANH,
                DType.FLOAT64, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new MADE(3, new int[] {0}, 1, Activation.TANH,
                DType.FLOAT64, new Rng(1)));
        MADE made = new MADE(3, 2, new int[] {4}, 1, Activation.TANH, MADE.naturalOrder(3), false, DType.FLOAT64,
                new Rng(1));
        ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
                () -> made.forward(Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 4)),
                        Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 2))));
        assertTrue(s.getMessage().contains("[N, 3]") && s.getMessage().contains("[2, 4]"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> made.forward(Variable.constant(Tensor.zeros(DType.FLOAT64,
                2, 3))));
        assertThrows(IllegalArgumentException.class, () -> new MaskedLinear(Tensor.of(new double[][] {{0.5}}),
                DType.FLOAT64, new Rng(1), Init.zeros()));
    }
}
