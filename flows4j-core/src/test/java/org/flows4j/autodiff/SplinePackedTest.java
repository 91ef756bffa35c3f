package org.flows4j.autodiff;

import static org.flows4j.autodiff.SplineOpsTest.B;
import static org.flows4j.autodiff.SplineOpsTest.MIN_D;
import static org.flows4j.autodiff.SplineOpsTest.MIN_H;
import static org.flows4j.autodiff.SplineOpsTest.MIN_W;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link SplineOps#rationalQuadraticPacked} against the plain composition of ops it replaces:
 * {@code split} of the packed parameters, {@link SplineOps#rationalQuadratic}, and a row {@code sum}
 * of the log-dets; and against finite differences.
 */
class SplinePackedTest {
    private static final int K = 6;

    /** {@code [x, params]} with inputs on {@code [-1.2 B, 1.2 B]} and normal parameters of the given scale. */
    private static Tensor[] randomCase(Rng rng, DType dtype, int n, int dim, int derivCount, double scale) {
        Tensor x = Tensor.rand(rng, DType.FLOAT64, -1.2 * B, 1.2 * B, n, dim);
        Tensor p = Tensor.randn(rng, DType.FLOAT64, n, dim, 2 * K + derivCount);
        p.scaleInPlace(scale);
        return new Tensor[] {x.to(dtype), p.to(dtype)};
    }

    private static Variable[] packed(Variable x, Variable p, boolean inverse) {
        return SplineOps.rationalQuadraticPacked(x, p, K, inverse, B, MIN_W, MIN_H, MIN_D);
    }

    private static Variable[] composed(Variable x, Variable p, boolean inverse) {
        Variable[] parts = IndexOps.split(p, 2, K, K, p.size(2) - 2 * K);
        Variable[] out = SplineOps.rationalQuadratic(x, parts[0], parts[1], parts[2], inverse, B, MIN_W, MIN_H, MIN_D);
        return new Variable[] {out[0], ReduceOps.sum(out[1], 1, false)};
    }

    /** Values of both outputs and gradients of {@code sum(seedY * out) + sum(seedL * logDet)} in x and params. */
    private static Tensor[] run(boolean usePacked, Tensor[] c, boolean inverse, Tensor seedY, Tensor seedL) {
        return run(usePacked ? SplinePackedTest::packed : SplinePackedTest::composed, c, inverse, seedY, seedL);
    }

    /** {@link #run(boolean, Tensor[], boolean, Tensor, Tensor)} for any op. */
    static Tensor[] run(PackedOp op, Tensor[] c, boolean inverse, Tensor seedY, Tensor seedL) {
        Variable x = Variable.parameter(c[0].copy());
        Variable p = Variable.parameter(c[1].copy());
        Variable[] r = op.apply(x, p, inverse);
        Variable loss = ReduceOps.sum(ArithmeticOps.add(
                ReduceOps.sum(ArithmeticOps.mul(r[0], Variable.constant(seedY)), 1, false),
                ArithmeticOps.mul(r[1], Variable.constant(seedL))));
        loss.backward();
        return new Tensor[] {r[0].value(), r[1].value(), x.grad(), p.grad()};
    }

    @Test
    void valuesAndGradientsEqualTheComposedOps() {
        for (int derivCount : new int[] {K - 1, K + 1}) {
            for (boolean inverse : new boolean[] {false, true}) {
                Tensor[] c = randomCase(new Rng(derivCount), DType.FLOAT64, 37, 5, derivCount, 1.5);
                Tensor seedY = Tensor.randn(new Rng(100), DType.FLOAT64, 37, 5);
                Tensor seedL = Tensor.randn(new Rng(101), DType.FLOAT64, 37);
                Tensor[] a = run(true, c, inverse, seedY, seedL);
                Tensor[] b = run(false, c, inverse, seedY, seedL);
                for (int t = 0; t < 4; t++) {
                    assertArrayEquals(b[t].shape(), a[t].shape());
                    for (int i = 0; i < a[t].numel(); i++) {
                        assertEquals(b[t].get(i), a[t].get(i), 1e-12 * Math.max(1.0, Math.abs(b[t].get(i))),
                                "result " + t + " element " + i + ", K-deriv " + derivCount + ", inverse " + inverse);
                    }
                }
            }
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        Tensor[] c64 = randomCase(new Rng(5), DType.FLOAT64, 40, 4, K - 1, 1.0);
        Tensor[] c32 = {c64[0].to(DType.FLOAT32), c64[1].to(DType.FLOAT32)};
        Tensor seedY = Tensor.randn(new Rng(6), DType.FLOAT64, 40, 4);
        Tensor seedL = Tensor.randn(new Rng(7), DType.FLOAT64, 40);
        for (boolean inverse : new boolean[] {false, true}) {
            Tensor[] a = run(true, c64, inverse, seedY, seedL);
            Tensor[] b = run(true, c32, inverse, seedY.to(DType.FLOAT32), seedL.to(DType.FLOAT32));
            for (int t = 0; t < 4; t++) {
                assertEquals(DType.FLOAT32, b[t].dtype());
                for (int i = 0; i < a[t].numel(); i++) {
                    assertEquals(a[t].get(i), b[t].get(i), 1e-4 * Math.max(1.0, Math.abs(a[t].get(i))),
                            "result " + t + " element " + i + ", inverse " + inverse);
                }
            }
        }
    }

    /** A spline op of {@code x} and packed parameters {@code p}: {@code {output, rowLogDet}}. */
    interface PackedOp {
        Variable[] apply(Variable x, Variable p, boolean inverse);
    }

    @Test
    void gradientsOfBothOutputsMatchFiniteDifferences() {
        for (int derivCount : new int[] {K - 1, K + 1}) {
            Tensor[] c = randomCase(new Rng(20 + derivCount), DType.FLOAT64, 5, 3, derivCount, 1.0);
            assertGradientsMatchFiniteDifferences(SplinePackedTest::packed, c, "K-deriv " + derivCount);
        }
    }

    /** GradCheck of {@code op}'s output, its log-det and a sum of both, in x and the parameters, both directions. */
    static void assertGradientsMatchFiniteDifferences(PackedOp op, Tensor[] c, String what) {
        for (boolean inverse : new boolean[] {false, true}) {
            String where = what + ", inverse " + inverse;
            Function<Variable[], Variable> out = v -> op.apply(v[0], v[1], inverse)[0];
            Function<Variable[], Variable> logDet = v -> op.apply(v[0], v[1], inverse)[1];
            Function<Variable[], Variable> both = v -> {
                Variable[] r = op.apply(v[0], v[1], inverse);
                return ArithmeticOps.add(ReduceOps.sum(r[0], 1, false), ArithmeticOps.mulScalar(r[1], 0.7));
            };
            GradCheck.Result r1 = GradCheck.check(out, 1e-6, 1e-6, c);
            assertTrue(r1.passed(), () -> where + ", output: " + r1);
            GradCheck.Result r2 = GradCheck.check(logDet, 1e-6, 1e-6, c);
            assertTrue(r2.passed(), () -> where + ", log-det: " + r2);
            GradCheck.Result r3 = GradCheck.check(both, 1e-6, 1e-6, c);
            assertTrue(r3.passed(), () -> where + ", both: " + r3);
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        Tensor[] c = randomCase(new Rng(31), DType.FLOAT32, 300, 8, K - 1, 1.0);
        Tensor seedY = Tensor.randn(new Rng(32), DType.FLOAT32, 300, 8);
        Tensor seedL = Tensor.randn(new Rng(33), DType.FLOAT32, 300);
        assertBitIdenticalForAnyThreadCount(inverse -> run(true, c, inverse, seedY, seedL));
    }

    /** {@code run(inverse)}'s float32 results are the same bits on 1 and 3 threads, in both directions. */
    static void assertBitIdenticalForAnyThreadCount(Function<Boolean, Tensor[]> run) {
        int saved = Parallel.threads();
        try {
            for (boolean inverse : new boolean[] {false, true}) {
                Parallel.setThreads(1);
                Tensor[] one = run.apply(inverse);
                Parallel.setThreads(3);
                Tensor[] three = run.apply(inverse);
                for (int t = 0; t < one.length; t++) {
                    assertArrayEquals(one[t].floatData(), three[t].floatData(), "result " + t + ", inverse " + inverse);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void badShapesAreRejectedWithTheOpNameAndShapes() {
        Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2));
        Variable bad = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 3 * K));
        String m = assertThrows(ShapeMismatchException.class,
                () -> packed(x, bad, false)).getMessage();
        assertTrue(m.contains("rationalQuadraticPacked") && m.contains("[4, 2, " + (3 * K) + "]")
                && m.contains(String.valueOf(3 * K - 1)), m);
        Variable wrongRows = Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 2, 3 * K - 1));
        assertThrows(ShapeMismatchException.class, () -> packed(x, wrongRows, false));
        Variable p = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 3 * K - 1));
        String r = assertThrows(IllegalArgumentException.class,
                () -> SplineOps.rationalQuadraticPacked(x, p, K, false, -1.0, MIN_W, MIN_H, MIN_D)).getMessage();
        assertTrue(r.contains("tailBound") && r.contains("-1.0"), r);
    }
}
