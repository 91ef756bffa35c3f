package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The package-private ops {@link ContextConcat} and {@link PointwiseActivation}. */
class HelperOpsTest {
    @Test
    void concatColumnsPlacesTheSecondBlockAfterTheFirst() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.of(new double[][] {{5}, {6}});
        Tensor y = ContextConcat.concatColumns(Variable.constant(a), Variable.constant(b)).value();
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6}, y.toDoubleArray(), 0.0);
    }

    @Test
    void concatColumnsPassesGradCheck() {
        Rng rng = new Rng(1);
        for (int trial = 0; trial < 5; trial++) {
            int n = 1 + rng.nextInt(4);
            Tensor a = Tensor.randn(rng, DType.FLOAT64, n, 1 + rng.nextInt(4));
            Tensor b = Tensor.randn(rng, DType.FLOAT64, n, 1 + rng.nextInt(4));
            GradCheck.Result r = GradCheck.check(v -> ContextConcat.concatColumns(v[0], v[1]), a, b);
            assertTrue(r.passed() && r.maxError() < 1e-6, r.toString());
        }
    }

    @Test
    void concatColumnsRejectsMismatchedRowsAndDTypes() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 2));
        assertThrows(ShapeMismatchException.class,
                () -> ContextConcat.concatColumns(a, Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 2))));
        assertThrows(IllegalArgumentException.class,
                () -> ContextConcat.concatColumns(a, Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 2))));
    }

    @Test
    void pointwiseActivationPassesGradCheckAwayFromKinks() {
        Rng rng = new Rng(2);
        for (Activation act : Activation.values()) {
            Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 4);
            for (int i = 0; i < x.numel(); i++) {
                double v = x.get(i);
                x.set(i, v + (v >= 0 ? 0.1 : -0.1));
            }
            GradCheck.Result r = GradCheck.check(v -> PointwiseActivation.apply(v[0], act), x);
            assertTrue(r.passed() && r.maxError() < 1e-6, act + ": " + r);
        }
    }

    @Test
    void pointwiseActivationValuesAndIdentity() {
        Variable x = Variable.constant(Tensor.of(new double[] {-1.0, 0.5}, 2));
        assertArrayEquals(new double[] {0.0, 0.5},
                PointwiseActivation.apply(x, Activation.RELU).value().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {Math.tanh(-1.0), Math.tanh(0.5)},
                PointwiseActivation.apply(x, Activation.TANH).value().toDoubleArray(), 1e-15);
        assertSame(x, PointwiseActivation.apply(x, Activation.IDENTITY));
    }
}
