package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link MLP}: forward against plain loops, gradient checks, zero-initialized last layer, errors. */
class MLPTest {
    @Test
    void forwardMatchesPlainLoopsWithActivationOnHiddenLayersOnly() {
        MLP mlp = new MLP(3, new int[] {4, 5}, 2, Activation.TANH, DType.FLOAT64, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 6, 3);
        Map<String, Tensor> s = mlp.stateDict();
        double[][] h = Naive.dense(x.toDoubleMatrix(), s.get("layers.0.weight"), s.get("layers.0.bias"), Math::tanh);
        h = Naive.dense(h, s.get("layers.1.weight"), s.get("layers.1.bias"), Math::tanh);
        double[][] y = Naive.dense(h, s.get("layers.2.weight"), s.get("layers.2.bias"), v -> v);
        LinearTest.assertMatrixEquals(y, mlp.forward(Variable.constant(x)).value().toDoubleMatrix(), 1e-14);
    }

    @Test
    void contextIsJoinedAfterTheInputColumns() {
        MLP mlp = new MLP(2, 3, new int[] {4}, 1, Activation.SOFTPLUS, false, DType.FLOAT64, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 5, 2);
        Tensor c = Tensor.randn(new Rng(3), DType.FLOAT64, 5, 3);
        Map<String, Tensor> s = mlp.stateDict();
        double[][] h = Naive.dense(Naive.concat(x.toDoubleMatrix(), c.toDoubleMatrix()), s.get("layers.0.weight"),
                s.get("layers.0.bias"), v -> Math.log1p(Math.exp(v)));
        double[][] y = Naive.dense(h, s.get("layers.1.weight"), s.get("layers.1.bias"), v -> v);
        LinearTest.assertMatrixEquals(y,
                mlp.forward(Variable.constant(x), Variable.constant(c)).value().toDoubleMatrix(), 1e-14);
    }

    @Test
    void gradientWithRespectToTheInputPassesGradCheck() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.ELU, Activation.SOFTPLUS,
            Activation.SIGMOID}) {
            MLP mlp = new MLP(3, new int[] {6, 5}, 2, act, DType.FLOAT64, new Rng(4));
            Tensor x = Tensor.randn(new Rng(5), DType.FLOAT64, 4, 3);
            GradCheck.Result r = GradCheck.check(v -> mlp.forward(v[0]), x);
            assertTrue(r.passed() && r.maxError() < 1e-6, act + ": " + r);
        }
    }

    @Test
    void gradientWithRespectToInputAndContextPassesGradCheck() {
        MLP mlp = new MLP(2, 3, new int[] {7}, 2, Activation.TANH, false, DType.FLOAT64, new Rng(6));
        Tensor x = Tensor.randn(new Rng(7), DType.FLOAT64, 5, 2);
        Tensor c = Tensor.randn(new Rng(8), DType.FLOAT64, 5, 3);
        GradCheck.Result r = GradCheck.check(v -> mlp.forward(v[0], v[1]), x, c);
        assertTrue(r.passed() && r.maxError() < 1e-6, r.toString());
    }

    @Test
    void zeroInitLastOutputsZeroButStillLearns() {
        MLP mlp = new MLP(3, 0, new int[] {8}, 4, Activation.RELU, true, DType.FLOAT32, new Rng(1));
        Tensor y = mlp.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT32, 5, 3))).value();
        assertArrayEquals(new double[20], y.toDoubleArray(), 0.0);
        ReduceOps.sum(mlp.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT32, 5, 3)))).backward();
        Tensor lastWeightGrad = mlp.parameters().get("layers.1.weight").grad();
        assertNotNull(lastWeightGrad);
        double norm = 0;
        for (int i = 0; i < lastWeightGrad.numel(); i++) {
            norm += Math.abs(lastWeightGrad.get(i));
        }
        assertTrue(norm > 0);
    }

    @Test
    void noHiddenLayersIsASingleLinearLayer() {
        MLP mlp = new MLP(3, new int[0], 2, Activation.TANH, DType.FLOAT64, new Rng(1));
        assertEquals(1, mlp.layers().size());
        assertEquals(8, mlp.numParameters());
    }

    @Test
    void badInputAndContextAreRejected() {
        MLP plain = new MLP(3, new int[] {4}, 2, Activation.TANH, DType.FLOAT64, new Rng(1));
        MLP conditional = new MLP(3, 2, new int[] {4}, 2, Activation.TANH, false, DType.FLOAT64, new Rng(1));
        Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 5, 3));
        Variable c = Variable.constant(Tensor.zeros(DType.FLOAT64, 5, 2));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> plain.forward(Variable.constant(Tensor.zeros(DType.FLOAT64, 5, 2))));
        assertEquals("MLP: expected input [N, 3], got [5, 2]", e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> conditional.forward(x));
        assertEquals("MLP: this network expects a context [N, 2], got none", m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> plain.forward(x, c));
        e = assertThrows(ShapeMismatchException.class,
                () -> conditional.forward(x, Variable.constant(Tensor.zeros(DType.FLOAT64, 5, 1))));
        assertEquals("MLP: expected context [N, 2], got [5, 1]", e.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> conditional.forward(x, Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2))));
        assertThrows(IllegalArgumentException.class,
                () -> new MLP(3, new int[] {0}, 2, Activation.TANH, DType.FLOAT64, new Rng(1)));
    }
}
