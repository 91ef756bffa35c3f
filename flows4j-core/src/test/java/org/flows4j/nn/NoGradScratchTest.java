package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.BiFunction;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The no-grad path of MLP and MADE (hidden activations in reused per-thread buffers) gives exactly
 * the values of the recorded path, and what it returns is never overwritten by a later call.
 */
class NoGradScratchTest {
    private static double[] recorded(BiFunction<Variable, Variable, Variable> net, Tensor x, Tensor c) {
        return net.apply(Variable.constant(x), c == null ? null : Variable.constant(c)).value().toDoubleArray();
    }

    private static Tensor unrecorded(BiFunction<Variable, Variable, Variable> net, Tensor x, Tensor c) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return net.apply(Variable.constant(x), c == null ? null : Variable.constant(c)).value();
        }
    }

    private static void assertSamePath(BiFunction<Variable, Variable, Variable> net, int features, int context,
            DType dtype) {
        Rng rng = new Rng(5);
        int[] batches = {7, 300, 7, 1, 300};
        Tensor[] xs = new Tensor[batches.length];
        Tensor[] cs = new Tensor[batches.length];
        Tensor[] outs = new Tensor[batches.length];
        double[][] expected = new double[batches.length][];
        for (int i = 0; i < batches.length; i++) {
            xs[i] = Tensor.randn(rng, dtype, batches[i], features);
            cs[i] = context == 0 ? null : Tensor.randn(rng, dtype, batches[i], context);
            expected[i] = recorded(net, xs[i], cs[i]);
            outs[i] = unrecorded(net, xs[i], cs[i]);
        }
        for (int i = 0; i < batches.length; i++) {
            assertArrayEquals(expected[i], outs[i].toDoubleArray(), 0.0, dtype + " batch " + i + " (" + batches[i]
                    + " rows), checked after all later calls");
        }
    }

    @Test
    void mlpNoGradMatchesTheRecordedPath() {
        for (DType dtype : DType.values()) {
            MLP plain = new MLP(3, 0, new int[] {16, 24, 16}, 5, Activation.RELU, false, dtype, new Rng(1));
            assertSamePath(plain::forward, 3, 0, dtype);
            MLP withContext = new MLP(3, 2, new int[] {16, 16}, 4, Activation.TANH, false, dtype, new Rng(2));
            assertSamePath(withContext::forward, 3, 2, dtype);
        }
    }

    @Test
    void madeNoGradMatchesTheRecordedPath() {
        for (DType dtype : DType.values()) {
            MADE plain = new MADE(4, 0, new int[] {20, 20}, 3, Activation.RELU, MADE.naturalOrder(4), false, dtype,
                    new Rng(3));
            assertSamePath(plain::forward, 4, 0, dtype);
            MADE withContext = new MADE(4, 2, new int[] {12}, 2, Activation.RELU, MADE.randomOrder(4, new Rng(9)), false,
                    dtype, new Rng(4));
            assertSamePath(withContext::forward, 4, 2, dtype);
        }
    }

    @Test
    void activationsAboveTheCapAreAllocatedAndStillCorrect() {
        int rows = HiddenScratch.MAX_ELEMENTS / 8 + 1;
        MLP net = new MLP(2, 0, new int[] {8}, 1, Activation.RELU, false, DType.FLOAT32, new Rng(6));
        Tensor x = Tensor.randn(new Rng(7), DType.FLOAT32, rows, 2);
        assertArrayEquals(recorded(net::forward, x, null), unrecorded(net::forward, x, null).toDoubleArray(), 0.0);
    }

    @Test
    void slotsAreReusedPerShapeAndReplacedOnAnotherShape() {
        Tensor a = HiddenScratch.take(0, DType.FLOAT32, 3, 4);
        assertSame(a, HiddenScratch.take(2, DType.FLOAT32, 3, 4));
        assertNotSame(a, HiddenScratch.take(1, DType.FLOAT32, 3, 4));
        assertNotSame(a, HiddenScratch.take(0, DType.FLOAT64, 3, 4));
        assertNotSame(a, HiddenScratch.take(0, DType.FLOAT32, 4, 3));
    }
}
