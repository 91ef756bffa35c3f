package org.flows4j.autodiff;

import static org.flows4j.autodiff.SplineOpsTest.B;
import static org.flows4j.autodiff.SplineOpsTest.MIN_D;
import static org.flows4j.autodiff.SplineOpsTest.MIN_H;
import static org.flows4j.autodiff.SplineOpsTest.MIN_W;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link SplineOps#rationalQuadraticShared} against {@link SplineOps#rationalQuadraticPacked} on the same
 * parameters broadcast to every row (outputs and log-dets bit for bit, gradients to rounding), against
 * finite differences, and across thread counts.
 */
class SplineSharedTest {
    private static final int K = 6;

    /** {@code [x [n, dim], params [dim, P]]}: inputs on {@code [-1.2 B, 1.2 B]}, normal parameters of the given scale. */
    private static Tensor[] randomCase(Rng rng, DType dtype, int n, int dim, int derivCount, double scale) {
        Tensor x = Tensor.rand(rng, DType.FLOAT64, -1.2 * B, 1.2 * B, n, dim);
        Tensor p = Tensor.randn(rng, DType.FLOAT64, dim, 2 * K + derivCount);
        p.scaleInPlace(scale);
        return new Tensor[] {x.to(dtype), p.to(dtype)};
    }

    private static Variable[] shared(Variable x, Variable p, boolean inverse) {
        return SplineOps.rationalQuadraticShared(x, p, K, inverse, B, MIN_W, MIN_H, MIN_D);
    }

    /** The packed op on {@code 0 + p} broadcast to {@code [N, D, P]}, the path the shared op replaces. */
    private static Variable[] broadcast(Variable x, Variable p, boolean inverse) {
        int n = x.size(0);
        int d = p.size(0);
        int count = p.size(1);
        Variable rows = Variable.constant(x.value().zerosLike(n, d * count));
        Variable full = ShapeOps.reshape(ArithmeticOps.add(rows, ShapeOps.reshape(p, 1, d * count)), n, d, count);
        return SplineOps.rationalQuadraticPacked(x, full, K, inverse, B, MIN_W, MIN_H, MIN_D);
    }

    private static Tensor[] run(boolean useShared, Tensor[] c, boolean inverse, Tensor seedY, Tensor seedL) {
        return SplinePackedTest.run(useShared ? SplineSharedTest::shared : SplineSharedTest::broadcast, c, inverse,
                seedY, seedL);
    }

    private static void compare(Tensor[] c, String what, double gradTolerance) {
        int n = c[0].size(0);
        for (boolean inverse : new boolean[] {false, true}) {
            Tensor seedY = Tensor.randn(new Rng(100), DType.FLOAT64, n, c[0].size(1)).to(c[0].dtype());
            Tensor seedL = Tensor.randn(new Rng(101), DType.FLOAT64, n).to(c[0].dtype());
            Tensor[] a = run(true, c, inverse, seedY, seedL);
            Tensor[] b = run(false, c, inverse, seedY, seedL);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(b[t].shape(), a[t].shape());
                assertEquals(b[t].dtype(), a[t].dtype());
                for (int i = 0; i < a[t].numel(); i++) {
                    double tol = t < 2 ? 0.0 : gradTolerance * Math.max(1.0, Math.abs(b[t].get(i)));
                    assertEquals(b[t].get(i), a[t].get(i), tol,
                            "result " + t + " element " + i + ", " + what + ", inverse " + inverse);
                }
            }
        }
    }

    @Test
    void float64ValuesAreBitIdenticalAndGradientsEqualTheBroadcastPath() {
        for (int derivCount : new int[] {K - 1, K + 1}) {
            compare(randomCase(new Rng(derivCount), DType.FLOAT64, 150, 5, derivCount, 1.5), "float64, K-deriv "
                    + derivCount, 1e-12);
        }
    }

    @Test
    void float32ValuesAreBitIdenticalAndGradientsEqualTheBroadcastPath() {
        for (int derivCount : new int[] {K - 1, K + 1}) {
            compare(randomCase(new Rng(10 + derivCount), DType.FLOAT32, 150, 5, derivCount, 1.5), "float32, K-deriv "
                    + derivCount, 1e-5);
        }
    }

    @Test
    void softmaxOverflowFallsBackAsThePackedOpDoes() {
        Tensor[] c = randomCase(new Rng(3), DType.FLOAT64, 40, 3, K - 1, 1.0);
        for (int j = 0; j < 2 * K; j++) {
            c[1].set(j, 800.0 + 3.0 * j);
            c[1].set(c[1].size(1) + j, -900.0 - j);
        }
        compare(c, "overflowing softmax", 1e-12);
    }

    @Test
    void rank3ParamsGiveTheSameResultsAndAGradientOfTheirShape() {
        Tensor[] c = randomCase(new Rng(4), DType.FLOAT64, 20, 4, K - 1, 1.0);
        Variable x = Variable.constant(c[0]);
        Variable p3 = Variable.parameter(c[1].reshape(1, 4, c[1].size(1)).copy());
        Variable[] r3 = shared(x, p3, false);
        Variable[] r2 = shared(x, Variable.constant(c[1]), false);
        assertArrayEquals(r2[0].value().doubleData(), r3[0].value().doubleData());
        assertArrayEquals(r2[1].value().doubleData(), r3[1].value().doubleData());
        ReduceOps.sum(r3[1]).backward();
        assertArrayEquals(new int[] {1, 4, c[1].size(1)}, p3.grad().shape());
    }

    @Test
    void gradientsOfBothOutputsMatchFiniteDifferences() {
        for (int derivCount : new int[] {K - 1, K + 1}) {
            Tensor[] c = randomCase(new Rng(20 + derivCount), DType.FLOAT64, 7, 3, derivCount, 1.0);
            SplinePackedTest.assertGradientsMatchFiniteDifferences(SplineSharedTest::shared, c, "K-deriv " + derivCount);
            Tensor[] c3 = {c[0], c[1].reshape(1, 3, c[1].size(1))};
            SplinePackedTest.assertGradientsMatchFiniteDifferences(SplineSharedTest::shared, c3, "[1, D, P], K-deriv "
                    + derivCount);
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        Tensor[] c = randomCase(new Rng(31), DType.FLOAT32, 700, 8, K - 1, 1.0);
        Tensor seedY = Tensor.randn(new Rng(32), DType.FLOAT32, 700, 8);
        Tensor seedL = Tensor.randn(new Rng(33), DType.FLOAT32, 700);
        SplinePackedTest.assertBitIdenticalForAnyThreadCount(inverse -> run(true, c, inverse, seedY, seedL));
    }

    @Test
    void badShapesAreRejectedWithTheOpNameAndShapes() {
        Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2));
        Variable wrongP = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3 * K));
        String m = assertThrows(ShapeMismatchException.class, () -> shared(x, wrongP, false)).getMessage();
        assertTrue(m.contains("rationalQuadraticShared") && m.contains("[2, " + (3 * K) + "]"), m);
        Variable wrongD = Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 3 * K - 1));
        assertThrows(ShapeMismatchException.class, () -> shared(x, wrongD, false));
        Variable perRow = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 3 * K - 1));
        assertThrows(ShapeMismatchException.class, () -> shared(x, perRow, false));
        Variable p32 = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3 * K - 1));
        assertThrows(IllegalArgumentException.class, () -> shared(x, p32, false));
    }
}
