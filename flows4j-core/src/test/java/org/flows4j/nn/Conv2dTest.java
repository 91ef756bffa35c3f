package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Conv2d}: parameters, PyTorch's default initialization, a hand-computed output, zero start. */
class Conv2dTest {
    @Test
    void parametersHaveTheConvolutionShapes() {
        Conv2d layer = new Conv2d(3, 5, 3, 1, DType.FLOAT32, new Rng(1));
        assertEquals(java.util.List.of("weight", "bias"), java.util.List.copyOf(layer.parameters().keySet()));
        assertEquals(5 * 3 * 3 * 3 + 5, layer.numParameters());
        assertArrayEquals(new int[] {5, 3, 3, 3}, layer.weight().value().shape());
        assertArrayEquals(new int[] {5}, layer.bias().value().shape());
        assertEquals(DType.FLOAT32, layer.weight().value().dtype());
    }

    @Test
    void defaultInitIsUniformWithinOneOverSqrtFanIn() {
        Conv2d layer = new Conv2d(8, 64, 3, 1, DType.FLOAT64, new Rng(2));
        double bound = 1.0 / Math.sqrt(8 * 3 * 3);
        for (Tensor t : new Tensor[] {layer.weight().value(), layer.bias().value()}) {
            double max = 0;
            double sum = 0;
            for (int i = 0; i < t.numel(); i++) {
                assertTrue(Math.abs(t.get(i)) <= bound, "value " + t.get(i) + " outside +-" + bound);
                max = Math.max(max, Math.abs(t.get(i)));
                sum += t.get(i);
            }
            assertTrue(max > 0.8 * bound, "largest |value| " + max + " should approach the bound " + bound);
            assertEquals(0.0, sum / t.numel(), 0.3 * bound);
        }
    }

    @Test
    void outputMatchesAHandComputedConvolution() {
        for (DType dtype : DType.values()) {
            Conv2d layer = new Conv2d(1, 1, 2, 0, dtype, new Rng(3));
            layer.loadStateDict(Map.of(
                    "weight", Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).to(dtype),
                    "bias", Tensor.of(new double[] {-20}, 1).to(dtype)));
            Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3).to(dtype);
            // windows [1 2; 4 5] and [2 3; 5 6]: 1 + 4 + 12 + 20 = 37 and 2 + 6 + 15 + 24 = 47, minus 20
            assertArrayEquals(new double[] {17, 27}, layer.forward(Variable.constant(x)).value().toDoubleArray(), 0.0);
            layer.loadStateDict(Map.of(
                    "weight", Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).to(dtype),
                    "bias", Tensor.of(new double[] {-40}, 1).to(dtype)));
            assertArrayEquals(new double[] {0, 7},
                    layer.forward(Variable.constant(x), Activation.RELU).value().toDoubleArray(), 0.0);
            Tensor out = Tensor.zeros(dtype, 1, 1, 1, 2);
            assertArrayEquals(new double[] {0, 7}, layer.evaluateInto(x, Activation.RELU, out).toDoubleArray(), 0.0);
        }
    }

    @Test
    void zeroInitializedLayerOutputsZerosAndStillLearns() {
        Conv2d layer = Conv2d.zeroInitialized(4, 6, 3, 1, DType.FLOAT32);
        Tensor x = Tensor.randn(new Rng(4), DType.FLOAT32, 2, 4, 7, 7);
        Variable y = layer.forward(Variable.constant(x));
        assertArrayEquals(new int[] {2, 6, 7, 7}, y.shape());
        for (int i = 0; i < y.value().numel(); i++) {
            assertEquals(0.0, y.value().get(i), 0.0);
        }
        y.backward(Tensor.ones(DType.FLOAT32, y.shape()));
        assertNotNull(layer.weight().grad());
        assertEquals(98.0, layer.bias().grad().get(0), 1e-4);
    }

    @Test
    void wrongInputsAreRejected() {
        Conv2d layer = new Conv2d(3, 5, 3, 1, DType.FLOAT32, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 4, 6, 6))));
        assertTrue(e.getMessage().contains("[N, 3, H, W]") && e.getMessage().contains("[2, 4, 6, 6]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3, 6, 6))));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 5, 0, 1, DType.FLOAT32, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 5, 3, -1, DType.FLOAT32, new Rng(1)));
    }
}
