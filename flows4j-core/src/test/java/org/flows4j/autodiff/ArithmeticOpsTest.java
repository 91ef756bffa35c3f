package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ArithmeticOpsTest {
    private static final int[][][] BROADCAST_PAIRS = {
        {{3, 4}, {4}},
        {{4}, {3, 4}},
        {{3, 4}, {1, 4}},
        {{2, 1, 4}, {3, 1}},
        {{3, 1}, {1, 4}},
        {{2, 3, 4}, {4}},
        {{2, 3, 4}, {2, 1, 4}},
        {{1}, {2, 3}},
        {{3, 4}, {3, 4}},
    };

    /** A random shape of rank 1 to 3 with axes of size 1 to 4. */
    static int[] randomShape(Rng rng) {
        int[] s = new int[1 + rng.nextInt(3)];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1 + rng.nextInt(4);
        }
        return s;
    }

    /** Uniform on {@code [lo, hi]} in magnitude with a random sign: stays at least {@code lo} from 0. */
    static Tensor awayFromZero(Rng rng, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        for (int i = 0; i < t.numel(); i++) {
            double m = lo + (hi - lo) * rng.nextDouble();
            t.set(i, rng.nextDouble() < 0.5 ? -m : m);
        }
        return t;
    }

    static void assertGradOk(Function<Variable[], Variable> fn, String what, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(fn, inputs);
        assertTrue(r.passed() && r.maxError() < 1e-6, what + ": " + r);
    }

    private static Tensor apply(UnaryOperator<Variable> op, Tensor x) {
        return op.apply(Variable.constant(x)).value();
    }

    @Test
    void unaryGradientsOnRandomShapes() {
        Rng rng = new Rng(101);
        for (int trial = 0; trial < 6; trial++) {
            int[] shape = randomShape(rng);
            Tensor pos = Tensor.rand(rng, DType.FLOAT64, 0.5, 2.0, shape);
            Tensor any = awayFromZero(rng, 0.1, 2.0, shape);
            String at = " on " + Shape.str(shape);
            assertGradOk(v -> ArithmeticOps.neg(v[0]), "neg" + at, any);
            assertGradOk(v -> ArithmeticOps.abs(v[0]), "abs" + at, any);
            assertGradOk(v -> ArithmeticOps.sqrt(v[0]), "sqrt" + at, pos);
            for (double p : new double[] {2, 3, -1.5, 0.5, 1}) {
                assertGradOk(v -> ArithmeticOps.pow(v[0], p), "pow " + p + at, pos);
            }
            assertGradOk(v -> ArithmeticOps.pow(v[0], 3), "pow 3 (negative base)" + at, any);
            Tensor c = Tensor.zeros(DType.FLOAT64, shape);
            for (int i = 0; i < c.numel(); i++) {
                double[] choices = {-1.3, -0.7, -0.2, 0.1, 0.45, 0.9};
                c.set(i, choices[rng.nextInt(choices.length)] + 0.01 * rng.nextDouble());
            }
            assertGradOk(v -> ArithmeticOps.clamp(v[0], -0.5, 0.6), "clamp" + at, c);
            assertGradOk(v -> ArithmeticOps.square(v[0]), "square" + at, any);
        }
    }

    @Test
    void binaryGradientsWithBroadcasting() {
        Rng rng = new Rng(202);
        for (int[][] p : BROADCAST_PAIRS) {
            Tensor a = Tensor.randn(rng, DType.FLOAT64, p[0]);
            Tensor b = Tensor.rand(rng, DType.FLOAT64, 0.5, 2.0, p[1]);
            String at = " " + Shape.str(p[0]) + " with " + Shape.str(p[1]);
            assertGradOk(v -> ArithmeticOps.add(v[0], v[1]), "add" + at, a, b);
            assertGradOk(v -> ArithmeticOps.sub(v[0], v[1]), "sub" + at, a, b);
            assertGradOk(v -> ArithmeticOps.mul(v[0], v[1]), "mul" + at, a, b);
            assertGradOk(v -> ArithmeticOps.div(v[0], v[1]), "div" + at, a, b);
            assertGradOk(v -> ArithmeticOps.sqrt(ArithmeticOps.mul(ArithmeticOps.abs(v[0]), v[1])),
                    "sqrt(|a| b)" + at, awayFromZero(rng, 0.3, 2.0, p[0]), b);
            assertGradOk(v -> ArithmeticOps.pow(ArithmeticOps.sub(v[1], ArithmeticOps.neg(v[0])), 2.5),
                    "pow(b + a)" + at, Tensor.rand(rng, DType.FLOAT64, 0.5, 1.0, p[0]), b);
        }
    }

    @Test
    void valuesMatchJavaLangMath() {
        double[] xs = {-3.5, -1.0, -0.25, 0.0, 0.3, 1.0, 2.75, 10.0};
        Tensor x = Tensor.of(xs, xs.length);
        check(x, ArithmeticOps::neg, v -> -v);
        check(x, ArithmeticOps::abs, Math::abs);
        check(x, a -> ArithmeticOps.pow(a, 3.0), v -> Math.pow(v, 3.0));
        check(x, a -> ArithmeticOps.pow(a, 2.0), v -> v * v);
        check(x, a -> ArithmeticOps.clamp(a, -1.0, 2.0), v -> v < -1.0 ? -1.0 : (v > 2.0 ? 2.0 : v));
        double[] ps = {0.0, 0.3, 1.0, 2.0, 7.5};
        Tensor pos = Tensor.of(ps, ps.length);
        check(pos, ArithmeticOps::sqrt, Math::sqrt);
        check(pos, a -> ArithmeticOps.pow(a, -0.5), v -> Math.pow(v, -0.5));
        check(pos, a -> ArithmeticOps.pow(a, 0.0), v -> 1.0);
    }

    private static void check(Tensor x, UnaryOperator<Variable> op, DoubleUnaryOperator expected) {
        Tensor y = apply(op, x);
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(expected.applyAsDouble(x.get(i)), y.get(i), 1e-15 * Math.max(1, Math.abs(y.get(i))),
                    "at x = " + x.get(i));
        }
    }

    @Test
    void handComputedGradients() {
        Variable x = Variable.parameter(Tensor.of(new double[] {-2.0, -1.0, 0.0, 0.5, 2.0}, 5));
        ArithmeticOps.clamp(x, -1.0, 0.5).backward(Tensor.ones(DType.FLOAT64, 5));
        assertArrayEquals(new double[] {0, 1, 1, 1, 0}, x.grad().toDoubleArray(), 0.0);

        Variable y = Variable.parameter(Tensor.of(new double[] {-2.0, 0.0, 3.0}, 3));
        ArithmeticOps.abs(y).backward(Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {-1, 0, 1}, y.grad().toDoubleArray(), 0.0);

        Variable z = Variable.parameter(Tensor.of(new double[] {0.0, 2.0}, 2));
        ArithmeticOps.pow(z, 0.0).backward(Tensor.ones(DType.FLOAT64, 2));
        assertArrayEquals(new double[] {0, 0}, z.grad().toDoubleArray(), 0.0);

        Variable w = Variable.parameter(Tensor.of(new double[] {4.0, 9.0}, 2));
        ArithmeticOps.sqrt(w).backward(Tensor.ones(DType.FLOAT64, 2));
        assertArrayEquals(new double[] {0.25, 1.0 / 6.0}, w.grad().toDoubleArray(), 1e-15);

        Variable u = Variable.parameter(Tensor.of(new double[] {2.0, -3.0}, 2));
        ArithmeticOps.pow(u, 3.0).backward(Tensor.ones(DType.FLOAT64, 2));
        assertArrayEquals(new double[] {12.0, 27.0}, u.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void float32AndFloat64ForwardAgree() {
        Rng rng = new Rng(303);
        Tensor x64 = Tensor.rand(rng, DType.FLOAT64, 0.2, 3.0, 3, 5).to(DType.FLOAT32).to(DType.FLOAT64);
        Tensor b64 = Tensor.randn(rng, DType.FLOAT64, 5).to(DType.FLOAT32).to(DType.FLOAT64);
        Tensor x32 = x64.to(DType.FLOAT32);
        Tensor b32 = b64.to(DType.FLOAT32);
        List<Function<Variable[], Variable>> ops = List.of(
            v -> ArithmeticOps.neg(v[0]),
            v -> ArithmeticOps.abs(v[1]),
            v -> ArithmeticOps.sqrt(v[0]),
            v -> ArithmeticOps.pow(v[0], -1.7),
            v -> ArithmeticOps.clamp(v[0], 0.5, 2.0),
            v -> ArithmeticOps.add(v[0], v[1]),
            v -> ArithmeticOps.mul(v[0], v[1]),
            v -> ArithmeticOps.div(v[1], v[0]));
        for (int k = 0; k < ops.size(); k++) {
            Tensor y64 = ops.get(k).apply(new Variable[] {Variable.constant(x64), Variable.constant(b64)}).value();
            Tensor y32 = ops.get(k).apply(new Variable[] {Variable.constant(x32), Variable.constant(b32)}).value();
            assertEquals(DType.FLOAT32, y32.dtype());
            assertRelClose(y64, y32, 1e-5, "op " + k);
        }
    }

    static void assertRelClose(Tensor expected, Tensor actual, double rel, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.get(i);
            assertEquals(e, actual.get(i), rel * Math.abs(e) + 1e-300, what + " element " + i);
        }
    }

    @Test
    void badArgumentsAreClearErrors() {
        Variable x = Variable.constant(Tensor.ones(DType.FLOAT64, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArithmeticOps.clamp(x, 1.0, -1.0));
        assertTrue(e.getMessage().contains("clamp") && e.getMessage().contains("lo = 1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArithmeticOps.clamp(x, Double.NaN, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ArithmeticOps.pow(x, Double.NaN));
    }
}
