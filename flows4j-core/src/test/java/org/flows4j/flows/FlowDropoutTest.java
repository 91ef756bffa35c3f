package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dropout in ready-made flows, without the trainer: the initial weights do not depend on it, evaluation
 * mode and every pass without gradients (densities through arrays, sampling, the incremental inverse of
 * MAF and IAF) equal the flow without dropout, training-mode passes with gradients differ, and inside one
 * dropout key the {@code D} passes of an IAF density use one set of masks, so the result is still the exact
 * inverse of the masked IAF.
 */
class FlowDropoutTest {
    private static final double[][] X = {{0.3, -1.1, 0.4}, {2.0, 0.7, -0.2}, {-1.5, 1.9, 1.0}, {0.1, 0.2, -0.9}};
    private static final double[][] C = {{0.5}, {-1.0}, {2.0}, {0.0}};

    private static FlowSpec spec(String kind, double dropout) {
        return FlowSpec.defaults(kind, 3).withLayers(2).withHidden(16, 16).withContext(1).withDtype(DType.FLOAT64)
                .withSeed(8).withDropout(dropout);
    }

    /** The flow with dropout and the same flow without, both with the same noisy weights (not the identity). */
    private static Flow[] pair(String kind) {
        Flow plain = Flows.build(spec(kind, 0));
        Flow dropped = Flows.build(spec(kind, 0.3));
        Map<String, Tensor> initial = plain.stateDict();
        dropped.stateDict().forEach((k, v) -> assertArrayEquals(initial.get(k).toDoubleArray(), v.toDoubleArray(), 0.0,
                "dropout does not change the initial weight " + k));
        Rng rng = new Rng(1);
        for (Parameter p : plain.parameters().values()) {
            Tensor t = p.value();
            for (int i = 0; i < t.numel(); i++) {
                t.set(i, t.get(i) + 0.1 * rng.nextGaussian());
            }
        }
        dropped.loadStateDict(plain.stateDict());
        return new Flow[] {plain, dropped};
    }

    private static double[] logProbWithGrad(Flow f) {
        return f.logProb(Variable.constant(Tensor.of(X)), Variable.constant(Tensor.of(C))).value().toDoubleArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar"})
    void onlyTrainingPassesWithGradientsDropUnits(String kind) {
        Flow[] f = pair(kind);
        Flow plain = f[0];
        Flow dropped = f[1];
        plain.eval();
        double[] expected = plain.logProb(X, C);
        assertTrue(dropped.isTraining());
        assertArrayEquals(expected, dropped.logProb(X, C), 0.0, "arrays are evaluated without gradients: no dropout");
        double[][] context = {{0.7}};
        assertArrayEquals(flat(plain.sampleArray(50, context, new Rng(3))),
                flat(dropped.sampleArray(50, context, new Rng(3))), 0.0, "sampling runs without gradients: no dropout");
        double[] trained = logProbWithGrad(dropped);
        assertFalse(Arrays.equals(expected, trained), "a training pass with gradients drops units");
        dropped.eval();
        assertArrayEquals(logProbWithGrad(plain), logProbWithGrad(dropped), 0.0, "evaluation mode ignores dropout");
    }

    private static double[] flat(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"iaf", "maf", "nsf-ar"})
    void insideOneKeyTheSequentialPassesShareTheirMasks(String kind) {
        Flow dropped = pair(kind)[1];
        Variable x = Variable.constant(Tensor.of(X));
        Variable c = Variable.constant(Tensor.of(C));
        try (Dropout.Scope k = Dropout.withKey(77)) {
            Transformed z = dropped.transform().forward(x, c);
            Transformed back = dropped.transform().inverse(z.output(), c);
            assertArrayEquals(flat(X), back.output().value().toDoubleArray(), 1e-10,
                    "the D-pass direction inverts the one-pass direction under the same masks");
            double[] fwd = z.logDet().value().toDoubleArray();
            double[] inv = back.logDet().value().toDoubleArray();
            for (int i = 0; i < fwd.length; i++) {
                assertEquals(-fwd[i], inv[i], 1e-10, "row " + i);
            }
        }
        dropped.eval();
        double[] evalLatent = dropped.transform().forward(x, c).output().value().toDoubleArray();
        dropped.train(true);
        try (Dropout.Scope k = Dropout.withKey(77)) {
            assertFalse(Arrays.equals(evalLatent, dropped.transform().forward(x, c).output().value().toDoubleArray()),
                    "the masks are in use");
        }
    }
}
