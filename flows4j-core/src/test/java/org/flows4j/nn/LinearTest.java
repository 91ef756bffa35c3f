package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Linear} against {@code x W^T + b} computed by hand and by plain loops. */
class LinearTest {
    private static Linear handLayer(DType dtype) {
        Linear layer = new Linear(2, 3, true, dtype, new Rng(1));
        layer.loadStateDict(Map.of(
                "weight", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).to(dtype),
                "bias", Tensor.of(new double[] {0.1, 0.2, 0.3}, 3).to(dtype)));
        return layer;
    }

    @Test
    void outputIsXTimesWTransposePlusBias() {
        for (DType dtype : DType.values()) {
            Linear layer = handLayer(dtype);
            Tensor x = Tensor.of(new double[] {1, -1, 0.5, 2}, 2, 2).to(dtype);
            Tensor y = layer.forward(Variable.constant(x)).value();
            // row 0: (1 - 2, 3 - 4, 5 - 6) + b; row 1: (0.5 + 4, 1.5 + 8, 2.5 + 12) + b
            double[] expected = {-0.9, -0.8, -0.7, 4.6, 9.7, 14.8};
            assertArrayEquals(new int[] {2, 3}, y.shape());
            assertEquals(dtype, y.dtype());
            assertArrayEquals(expected, y.toDoubleArray(), dtype == DType.FLOAT32 ? 1e-6 : 1e-14);
        }
    }

    @Test
    void fusedActivationIsAppliedAfterTheBias() {
        Linear layer = handLayer(DType.FLOAT64);
        Tensor y = layer.forward(Variable.constant(Tensor.of(new double[] {1, -1}, 1, 2)), Activation.TANH).value();
        assertArrayEquals(new double[] {Math.tanh(-0.9), Math.tanh(-0.8), Math.tanh(-0.7)}, y.toDoubleArray(), 1e-15);
    }

    @Test
    void randomLayerMatchesPlainLoopsWithAndWithoutBias() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, DType.FLOAT32, 7, 4);
        Linear withBias = new Linear(4, 5, true, DType.FLOAT32, rng, Init.uniform(0.5));
        double[][] expected = Naive.dense(x.toDoubleMatrix(), withBias.weight().value(), withBias.bias().value(),
                v -> v);
        assertMatrixEquals(expected, withBias.forward(Variable.constant(x)).value().toDoubleMatrix(), 1e-5);

        Linear noBias = new Linear(4, 5, false, DType.FLOAT32, rng);
        assertNull(noBias.bias());
        assertEquals(20, noBias.numParameters());
        double[][] expectedNoBias = Naive.dense(x.toDoubleMatrix(), noBias.weight().value(),
                Tensor.zeros(DType.FLOAT32, 5), v -> v);
        assertMatrixEquals(expectedNoBias, noBias.forward(Variable.constant(x)).value().toDoubleMatrix(), 1e-5);
    }

    static void assertMatrixEquals(double[][] expected, double[][] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], tol, "row " + i);
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        Linear layer = new Linear(2, 3, true, DType.FLOAT64, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 3))));
        assertEquals("Linear: expected input [N, 2], got [4, 3]", e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Variable.constant(Tensor.zeros(DType.FLOAT32, 4, 2))));
        assertEquals("Linear: input dtype FLOAT32 differs from the layer's FLOAT64 (convert one with to(DType))",
                d.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, true, DType.FLOAT64, new Rng(1)));
    }
}
