package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link ResidualNet}: forward against plain loops, gradient checks, near-identity blocks. */
class ResidualNetTest {
    @Test
    void forwardMatchesPlainLoops() {
        ResidualNet net = new ResidualNet(3, 2, 2, 5, 2, Activation.TANH, false, DType.FLOAT64, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 4, 3);
        Tensor c = Tensor.randn(new Rng(3), DType.FLOAT64, 4, 2);
        Map<String, Tensor> s = net.stateDict();
        double[][] h = Naive.dense(Naive.concat(x.toDoubleMatrix(), c.toDoubleMatrix()), s.get("initial_layer.weight"),
                s.get("initial_layer.bias"), v -> v);
        for (int b = 0; b < 2; b++) {
            String p = "blocks." + b + ".linear_layers.";
            double[][] t = Naive.map(h, Math::tanh);
            t = Naive.dense(t, s.get(p + "0.weight"), s.get(p + "0.bias"), Math::tanh);
            t = Naive.dense(t, s.get(p + "1.weight"), s.get(p + "1.bias"), v -> v);
            h = Naive.add(h, t);
        }
        double[][] y = Naive.dense(h, s.get("final_layer.weight"), s.get("final_layer.bias"), v -> v);
        LinearTest.assertMatrixEquals(y,
                net.forward(Variable.constant(x), Variable.constant(c)).value().toDoubleMatrix(), 1e-14);
    }

    @Test
    void gradientWithRespectToTheInputPassesGradCheck() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.ELU}) {
            ResidualNet net = new ResidualNet(3, 2, 6, 2, act, DType.FLOAT64, new Rng(4));
            Tensor x = Tensor.randn(new Rng(5), DType.FLOAT64, 4, 3);
            GradCheck.Result r = GradCheck.check(v -> net.forward(v[0]), x);
            assertTrue(r.passed() && r.maxError() < 1e-6, act + ": " + r);
        }
    }

    @Test
    void gradientWithRespectToInputAndContextPassesGradCheck() {
        ResidualNet net = new ResidualNet(2, 3, 2, 5, 1, Activation.SOFTPLUS, false, DType.FLOAT64, new Rng(6));
        Tensor x = Tensor.randn(new Rng(7), DType.FLOAT64, 4, 2);
        Tensor c = Tensor.randn(new Rng(8), DType.FLOAT64, 4, 3);
        GradCheck.Result r = GradCheck.check(v -> net.forward(v[0], v[1]), x, c);
        assertTrue(r.passed() && r.maxError() < 1e-6, r.toString());
    }

    @Test
    void blocksStartNearTheIdentity() {
        ResidualBlock block = new ResidualBlock(16, Activation.RELU, DType.FLOAT64, new Rng(1));
        Map<String, Tensor> s = block.stateDict();
        for (String name : new String[] {"linear_layers.1.weight", "linear_layers.1.bias"}) {
            Tensor t = s.get(name);
            for (int i = 0; i < t.numel(); i++) {
                assertTrue(Math.abs(t.get(i)) <= 1e-3, name + "[" + i + "] = " + t.get(i));
            }
        }
        Tensor h = Tensor.randn(new Rng(2), DType.FLOAT64, 8, 16);
        Tensor out = block.forward(Variable.constant(h), Activation.RELU).value();
        double maxChange = 0;
        for (int i = 0; i < h.numel(); i++) {
            maxChange = Math.max(maxChange, Math.abs(out.get(i) - h.get(i)));
        }
        // |L1(u)| <= 1e-3 (|u|_1 + 1); u = relu(L0(relu(h))) has entries of order 1 over 16 features
        assertTrue(maxChange < 0.05 && maxChange > 0, "max change " + maxChange);
    }

    @Test
    void zeroBlocksAndZeroInitLastGiveZeroOutput() {
        ResidualNet net = new ResidualNet(3, 0, 2, 4, 0, Activation.TANH, true, DType.FLOAT32, new Rng(1));
        assertEquals(4, net.parameters().size());
        Tensor y = net.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT32, 3, 3))).value();
        assertArrayEquals(new double[6], y.toDoubleArray(), 0.0);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new ResidualNet(3, 2, 0, 1, Activation.TANH, DType.FLOAT32, new Rng(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new ResidualNet(3, 2, 4, -1, Activation.TANH, DType.FLOAT32, new Rng(1)));
        ResidualNet net = new ResidualNet(3, 2, 4, 1, Activation.TANH, DType.FLOAT32, new Rng(1));
        assertThrows(IllegalArgumentException.class,
                () -> net.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 4))));
    }
}
