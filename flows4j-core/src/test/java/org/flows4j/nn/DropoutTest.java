package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Dropout} on its own (rate, scaling, key and seed dependence) and inside {@link MLP}, {@link MADE}
 * and {@link ResidualNet}: active only in training mode with gradients, the evaluation output equal to the
 * same weights without dropout, the training output unbiased, MADE still autoregressive under a mask.
 */
class DropoutTest {
    private static final int N = 64;

    private static Tensor ones(DType dtype, int rows, int cols) {
        return Tensor.full(dtype, 1.0, rows, cols);
    }

    private static double[] apply(Dropout d, Tensor h, long key, int layer) {
        return d.apply(Variable.constant(h), key, layer).value().toDoubleArray();
    }

    @Test
    void zeroesAboutAFractionPOfUnitsAndScalesTheRestByOneOverOneMinusP() {
        for (DType dtype : DType.values()) {
            Dropout d = new Dropout(0.3, 11);
            double[] out = apply(d, ones(dtype, 200, 64), 5, 0);
            int zeros = 0;
            for (double v : out) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertEquals(1 / 0.7, v, dtype == DType.FLOAT32 ? 1e-6 : 1e-15, "a kept unit is scaled by 1/(1-p)");
                }
            }
            // 12,800 units, standard deviation of the zeroed fraction sqrt(0.3 * 0.7 / 12800) = 0.004
            assertEquals(0.3, zeros / (double) out.length, 0.02, dtype + " zeroed fraction");
        }
    }

    @Test
    void theMaskDependsOnSeedKeyAndLayerOnly() {
        Dropout d = new Dropout(0.5, 3);
        Tensor h = ones(DType.FLOAT64, 10, 20);
        double[] a = apply(d, h, 7, 1);
        assertArrayEquals(a, apply(d, h, 7, 1), 0.0, "same seed, key and layer: same mask");
        assertArrayEquals(a, apply(new Dropout(0.5, 3), h, 7, 1), 0.0, "a new instance with the same seed agrees");
        assertFalse(Arrays.equals(a, apply(d, h, 8, 1)), "another key");
        assertFalse(Arrays.equals(a, apply(d, h, 7, 2)), "another layer");
        assertFalse(Arrays.equals(a, apply(new Dropout(0.5, 4), h, 7, 1)), "another seed");
        assertFalse(Arrays.equals(a, apply(d.child(0), h, 7, 1)), "a child has masks of its own");
        assertFalse(Arrays.equals(apply(d.child(0), h, 7, 1), apply(d.child(1), h, 7, 1)), "children differ");
        assertEquals(0.5, d.child(1).rate(), 0.0);
    }

    @Test
    void badRatesAreRejectedNamingTheValue() {
        for (double p : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p, 0));
            assertTrue(e.getMessage().contains("rate must be in [0, 1)") && e.getMessage().contains(String.valueOf(p)),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new MLP(2, 0, new int[] {4}, 2, Activation.RELU, false,
                null, DType.FLOAT64, new Rng(1)));
    }

    private static MLP mlp(double p) {
        return new MLP(3, 2, new int[] {32, 32}, 4, Activation.RELU, false, new Dropout(p, 9), DType.FLOAT64,
                new Rng(1));
    }

    private static ResidualNet resnet(double p) {
        return new ResidualNet(3, 2, 4, 32, 2, Activation.RELU, false, new Dropout(p, 9), DType.FLOAT64, new Rng(1));
    }

    private static MADE made(double p) {
        return new MADE(4, 2, new int[] {32, 32}, 2, Activation.RELU, MADE.naturalOrder(4), false, new Dropout(p, 9),
                DType.FLOAT64, new Rng(1));
    }

    private static double[] out(Network net, Tensor x, Tensor c) {
        return net.forward(Variable.constant(x), Variable.constant(c)).value().toDoubleArray();
    }

    /** The network in training mode varies from call to call; in evaluation mode it is the same weights without dropout. */
    private static void trainingVariesEvaluationIsPlain(Supplier<Network> withDropout, Supplier<Network> plain, int d) {
        Network net = withDropout.get();
        Network ref = plain.get();
        assertEquals(ref.stateDict().keySet(), net.stateDict().keySet());
        ref.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), net.stateDict().get(k).toDoubleArray(),
                0.0, "dropout does not change the initial weight " + k));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, N, d);
        Tensor c = Tensor.randn(new Rng(3), DType.FLOAT64, N, 2);
        ref.eval();
        double[] expected = out(ref, x, c);
        double[] first = out(net, x, c);
        double[] second = out(net, x, c);
        assertFalse(Arrays.equals(first, second), "training mode draws new masks for each call");
        assertFalse(Arrays.equals(first, expected), "training mode drops units");
        try (Dropout.Scope k = Dropout.withKey(42)) {
            assertArrayEquals(out(net, x, c), out(net, x, c), 0.0, "one key: the same masks");
        }
        try (GradMode.Scope g = GradMode.noGrad()) {
            assertArrayEquals(expected, out(net, x, c), 1e-12, "no dropout without gradients, even in training mode");
        }
        net.eval();
        assertArrayEquals(expected, out(net, x, c), 0.0, "evaluation mode is the network without dropout");
        assertArrayEquals(expected, out(net, x, c), 0.0, "and deterministic");
    }

    @Test
    void mlpDropsOnlyInTraining() {
        trainingVariesEvaluationIsPlain(() -> mlp(0.25), () -> mlp(0), 3);
    }

    @Test
    void residualNetDropsOnlyInTraining() {
        trainingVariesEvaluationIsPlain(() -> resnet(0.25), () -> resnet(0), 3);
    }

    @Test
    void madeDropsOnlyInTraining() {
        trainingVariesEvaluationIsPlain(() -> made(0.25), () -> made(0), 4);
    }

    @Test
    void theTrainingOutputAveragesToTheEvaluationOutput() {
        MLP net = new MLP(3, 0, new int[] {64}, 2, Activation.TANH, false, new Dropout(0.5, 1), DType.FLOAT64,
                new Rng(4));
        Tensor x = Tensor.randn(new Rng(5), DType.FLOAT64, 4, 3);
        int calls = 16000;
        double[] mean = new double[8];
        for (int i = 0; i < calls; i++) {
            double[] y = net.forward(Variable.constant(x)).value().toDoubleArray();
            for (int j = 0; j < y.length; j++) {
                mean[j] += y[j] / calls;
            }
        }
        net.eval();
        double[] expected = net.forward(Variable.constant(x)).value().toDoubleArray();
        // one call's output has a standard deviation below 0.75 here (measured), so the mean of 16,000 calls one
        // below 0.006; without the 1 / (1 - p) scaling the mean would be off by half the hidden layer's share
        assertTrue(Arrays.stream(expected).map(Math::abs).max().orElse(0) > 0.3, Arrays.toString(expected));
        assertArrayEquals(expected, mean, 0.03, "inverted dropout is unbiased: E[h'] = h");
    }

    @Test
    void aMadeWithDroppedUnitsIsStillAutoregressive() {
        MADE net = made(0.3);
        Tensor x = Tensor.randn(new Rng(6), DType.FLOAT64, N, 4);
        Tensor c = Tensor.randn(new Rng(7), DType.FLOAT64, N, 2);
        try (Dropout.Scope k = Dropout.withKey(1234)) {
            double[] base = out(net, x, c);
            for (int j = 0; j < 4; j++) {
                Tensor moved = x.copy();
                for (int r = 0; r < N; r++) {
                    moved.set(r * 4 + j, moved.get(r * 4 + j) + 1.5);
                }
                double[] y = out(net, moved, c);
                double changedLater = 0;
                for (int r = 0; r < N; r++) {
                    for (int o = 0; o < 8; o++) {
                        int feature = o / 2;
                        double diff = Math.abs(y[r * 8 + o] - base[r * 8 + o]);
                        if (feature <= j) {
                            assertEquals(0.0, diff, 0.0, "output of feature " + feature + " moved with input " + j);
                        } else {
                            changedLater += diff;
                        }
                    }
                }
                assertTrue(j == 3 || changedLater > 0, "later features still read input " + j);
            }
        }
    }
}
