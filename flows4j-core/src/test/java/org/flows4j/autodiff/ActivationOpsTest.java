package org.flows4j.autodiff;

import static org.flows4j.autodiff.ArithmeticOpsTest.assertGradOk;
import static org.flows4j.autodiff.ArithmeticOpsTest.assertRelClose;
import static org.flows4j.autodiff.ArithmeticOpsTest.awayFromZero;
import static org.flows4j.autodiff.ArithmeticOpsTest.randomShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActivationOpsTest {
    /** An op, its definition from java.lang.Math, and an input range where it is smooth. */
    private record Case(String name, UnaryOperator<Variable> op, DoubleUnaryOperator reference, double lo,
            double hi, boolean kinkAtZero) {
    }

    private static final List<Case> CASES = List.of(
        new Case("exp", ActivationOps::exp, Math::exp, -2, 2, false),
        new Case("log", ActivationOps::log, Math::log, 0.5, 3, false),
        new Case("log1p", ActivationOps::log1p, x -> Math.log(1 + x), -0.5, 2, false),
        new Case("expm1", ActivationOps::expm1, x -> Math.exp(x) - 1, -2, 2, false),
        new Case("tanh", ActivationOps::tanh,
                x -> (Math.exp(x) - Math.exp(-x)) / (Math.exp(x) + Math.exp(-x)), -3, 3, false),
        new Case("sigmoid", ActivationOps::sigmoid, x -> 1 / (1 + Math.exp(-x)), -5, 5, false),
        new Case("logSigmoid", ActivationOps::logSigmoid, x -> Math.log(1 / (1 + Math.exp(-x))), -5, 5, false),
        new Case("softplus", ActivationOps::softplus, x -> Math.log(1 + Math.exp(x)), -5, 5, false),
        new Case("relu", ActivationOps::relu, x -> Math.max(x, 0), 0.1, 2, true),
        new Case("leakyRelu", a -> ActivationOps.leakyRelu(a, 0.2), x -> x > 0 ? x : 0.2 * x, 0.1, 2, true),
        new Case("elu", a -> ActivationOps.elu(a, 1.5), x -> x > 0 ? x : 1.5 * (Math.exp(x) - 1), 0.1, 2, true));

    private static Tensor input(Rng rng, Case c, int... shape) {
        return c.kinkAtZero() ? awayFromZero(rng, c.lo(), c.hi(), shape)
                : Tensor.rand(rng, DType.FLOAT64, c.lo(), c.hi(), shape);
    }

    @Test
    void gradientsOnRandomShapes() {
        Rng rng = new Rng(404);
        for (int trial = 0; trial < 5; trial++) {
            int[] shape = randomShape(rng);
            for (Case c : CASES) {
                assertGradOk(v -> c.op().apply(v[0]), c.name() + " on " + Shape.str(shape), input(rng, c, shape));
            }
        }
    }

    @Test
    void gradientsThroughBroadcastOperands() {
        Rng rng = new Rng(505);
        int[][][] pairs = {{{3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{3, 1}, {1, 4}}};
        for (int[][] p : pairs) {
            Tensor a = Tensor.rand(rng, DType.FLOAT64, 0.3, 1.0, p[0]);
            Tensor b = Tensor.rand(rng, DType.FLOAT64, 0.3, 1.0, p[1]);
            for (Case c : CASES) {
                if (!c.kinkAtZero()) {
                    assertGradOk(v -> c.op().apply(ArithmeticOps.mul(v[0], v[1])),
                            c.name() + "(a * b) " + Shape.str(p[0]) + Shape.str(p[1]), a, b);
                }
            }
            assertGradOk(v -> ActivationOps.relu(ArithmeticOps.sub(v[0], v[1])), "relu(a - b)",
                    Tensor.rand(rng, DType.FLOAT64, 2.0, 3.0, p[0]), b);
        }
    }

    @Test
    void valuesMatchJavaLangMathDefinitions() {
        Rng rng = new Rng(606);
        for (Case c : CASES) {
            Tensor x = input(rng, c, 50);
            Tensor y = c.op().apply(Variable.constant(x)).value();
            for (int i = 0; i < x.numel(); i++) {
                double e = c.reference().applyAsDouble(x.get(i));
                assertEquals(e, y.get(i), 1e-13 * Math.max(1, Math.abs(e)), c.name() + " at " + x.get(i));
            }
        }
        double[] piecewise = {-1.5, -0.3, 0.0, 0.7};
        Tensor x = Tensor.of(piecewise, 4);
        assertArrayEquals(new double[] {0, 0, 0, 0.7}, ActivationOps.relu(Variable.constant(x)).value()
                .toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {-0.15, -0.03, 0, 0.7}, ActivationOps.leakyRelu(Variable.constant(x), 0.1)
                .value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {2 * Math.expm1(-1.5), 2 * Math.expm1(-0.3), 0, 0.7},
                ActivationOps.elu(Variable.constant(x), 2.0).value().toDoubleArray(), 1e-15);
    }

    @Test
    void handComputedGradientsIncludingKinks() {
        Variable x = Variable.parameter(Tensor.of(new double[] {-1.0, 0.0, 2.0}, 3));
        ActivationOps.relu(x).backward(Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {0, 0, 1}, x.grad().toDoubleArray(), 0.0);
        x.zeroGrad();
        ActivationOps.leakyRelu(x, 0.1).backward(Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {0.1, 0.1, 1}, x.grad().toDoubleArray(), 0.0);
        x.zeroGrad();
        ActivationOps.elu(x, 2.0).backward(Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {2 * Math.exp(-1), 2.0, 1}, x.grad().toDoubleArray(), 1e-15);
        x.zeroGrad();
        ActivationOps.sigmoid(x).backward(Tensor.ones(DType.FLOAT64, 3));
        assertEquals(0.25, x.grad().get(1), 1e-15);
    }

    @Test
    void finiteValuesAndGradientsAtLargeMagnitudes() {
        for (DType dt : DType.values()) {
            Tensor x = Tensor.of(new double[] {-1e4, 1e4}, 2).to(dt);
            double[][] expected = {
                // value at -1e4, value at 1e4, gradient at -1e4, gradient at 1e4
                {0, 1, 0, 0},           // sigmoid
                {-1e4, 0, 1, 0},        // logSigmoid
                {0, 1e4, 0, 1},         // softplus
                {-1, 1, 0, 0},          // tanh
                {0, 1e4, 0, 1},         // relu
                {-1e2, 1e4, 1e-2, 1},   // leakyRelu(0.01)
                {-1, 1e4, 0, 1},        // elu(1)
            };
            List<UnaryOperator<Variable>> ops = List.of(ActivationOps::sigmoid, ActivationOps::logSigmoid,
                    ActivationOps::softplus, ActivationOps::tanh, ActivationOps::relu,
                    a -> ActivationOps.leakyRelu(a, 0.01), a -> ActivationOps.elu(a, 1.0));
            for (int k = 0; k < ops.size(); k++) {
                Variable p = Variable.parameter(x);
                Variable y = ops.get(k).apply(p);
                y.backward(Tensor.ones(dt, 2));
                assertFalse(y.value().hasNonFinite(), "value of op " + k + " " + dt);
                assertFalse(p.grad().hasNonFinite(), "gradient of op " + k + " " + dt);
                double[] e = expected[k];
                assertEquals(e[0], y.value().get(0), 1e-6 * Math.max(1, Math.abs(e[0])), "op " + k + " " + dt);
                assertEquals(e[1], y.value().get(1), 1e-6 * Math.max(1, Math.abs(e[1])), "op " + k + " " + dt);
                assertEquals(e[2], p.grad().get(0), 1e-9, "op " + k + " " + dt);
                assertEquals(e[3], p.grad().get(1), 1e-9, "op " + k + " " + dt);
            }
            Variable big = Variable.parameter(Tensor.of(new double[] {1e4}, 1).to(dt));
            Variable l = ArithmeticOps.add(ActivationOps.log(big), ActivationOps.log1p(big));
            l.backward(Tensor.ones(dt, 1));
            assertEquals(2 * Math.log(1e4), l.value().get(0), 1e-3);
            assertEquals(1e-4 + 1 / (1 + 1e4), big.grad().get(0), 1e-9);
            Variable neg = Variable.parameter(Tensor.of(new double[] {-1e4}, 1).to(dt));
            Variable e = ArithmeticOps.add(ActivationOps.exp(neg), ActivationOps.expm1(neg));
            e.backward(Tensor.ones(dt, 1));
            assertEquals(-1.0, e.value().get(0), 0.0);
            assertEquals(0.0, neg.grad().get(0), 0.0);
        }
    }

    @Test
    void float32AndFloat64ForwardAgree() {
        Rng rng = new Rng(707);
        for (Case c : CASES) {
            Tensor x64 = input(rng, c, 4, 6).to(DType.FLOAT32).to(DType.FLOAT64);
            Tensor y64 = c.op().apply(Variable.constant(x64)).value();
            Tensor y32 = c.op().apply(Variable.constant(x64.to(DType.FLOAT32))).value();
            assertEquals(DType.FLOAT32, y32.dtype(), c.name());
            assertRelClose(y64, y32, 1e-5, c.name());
        }
    }

    @Test
    void badParametersAreClearErrors() {
        Variable x = Variable.constant(Tensor.ones(DType.FLOAT64, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationOps.leakyRelu(x, Double.NaN));
        assertEquals("leakyRelu: slope must be finite, got NaN", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActivationOps.elu(x, Double.POSITIVE_INFINITY));
    }
}
