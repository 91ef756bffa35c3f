package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FlowsTest {

    private static FlowSpec spec(String kind, int d, int context) {
        return FlowSpec.defaults(kind, d).withLayers(3).withHidden(16, 16).withContext(context)
                .withDtype(DType.FLOAT64).withSeed(4);
    }

    /**
     * Noise 0.1 on every parameter makes each step clearly non-identity. At 0.2 a 3-step nsf can contract
     * by {@code e^-50}, past what a 1e-8 round trip in float64 allows: 16 of 160 settings (seeds 1-40,
     * with and without context and LU) failed, 10 of 160 before hidden biases were drawn at random; at 0.1
     * none of the 160 failed for any kind.
     */
    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar"})
    void everyReadyMadeFlowPassesTheCheckerWithAndWithoutContext(String kind) {
        for (int context : new int[] {0, 2}) {
            for (boolean lu : new boolean[] {false, true}) {
                Flow flow = Flows.build(spec(kind, 3, context).withLuMixing(lu));
                CheckReport r = new TransformChecker().parameterNoise(0.1).check(flow.transform());
                assertTrue(r.passed(), () -> kind + " context=" + context + " lu=" + lu + ": " + r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar"})
    void aNewFlowIsTheIdentitySoItsDensityIsTheStandardNormal(String kind) {
        Flow flow = Flows.build(spec(kind, 2, 0));
        double[][] x = {{0.3, -1.1}, {2.0, 0.7}, {-2.5, 2.9}};
        double[] lp = flow.logProb(x);
        for (int i = 0; i < x.length; i++) {
            double expected = -Math.log(2 * Math.PI) - 0.5 * (x[i][0] * x[i][0] + x[i][1] * x[i][1]);
            assertEquals(expected, lp[i], 1e-12, kind + " row " + i);
        }
    }

    @Test
    void theSameSpecBuildsTheSameWeightsAndADifferentSeedDoesNot() {
        for (String kind : FlowSpec.KINDS) {
            Map<String, Tensor> a = Flows.build(spec(kind, 3, 1)).stateDict();
            Map<String, Tensor> b = Flows.build(spec(kind, 3, 1)).stateDict();
            Map<String, Tensor> c = Flows.build(spec(kind, 3, 1).withSeed(5)).stateDict();
            assertEquals(a.keySet(), b.keySet());
            boolean anyDifferent = false;
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, kind + " " + k);
                anyDifferent |= !java.util.Arrays.equals(a.get(k).toDoubleArray(), c.get(k).toDoubleArray());
            }
            assertTrue(anyDifferent, kind + ": another seed must give other initial weights");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar"})
    void samplesCarryTheDensityTheFlowReports(String kind) {
        Flow flow = Flows.build(spec(kind, 3, 2));
        Rng rng = new Rng(1);
        for (var p : flow.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.1 * rng.nextGaussian());
            }
        }
        flow.eval();
        double[][] ctx = {{0.5, -1.0}};
        var s = flow.sampleAndLogProb(50, org.flows4j.autodiff.Variable.constant(
                Tensor.of(new double[][] {ctx[0]}).reshape(1, 2)), new Rng(2));
        double[][] xs = s.samples().value().toDoubleMatrix();
        double[][] cs = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            cs[i] = ctx[0];
        }
        double[] again = flow.logProb(xs, cs);
        double[] reported = s.logProb().value().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(reported[i], again[i], 1e-8 * Math.max(1, Math.abs(again[i])), kind + " sample " + i);
        }
    }

    @Test
    void badSpecsNameTheFieldAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("flowy", 2));
        assertTrue(e.getMessage().contains("'flowy'") && e.getMessage().contains("realnvp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("glow", 16));
        assertTrue(e.getMessage().contains("glow") && e.getMessage().contains("image"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("glow", new ImageShape(1, 4, 6), 2));
        assertTrue(e.getMessage().contains("divisible by 4") && e.getMessage().contains("1x4x6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("nsf", 10)
                .withImage(new ImageShape(1, 2, 4), 1));
        assertTrue(e.getMessage().contains("8 values") && e.getMessage().contains("expected 10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("realnvp", 1));
        assertTrue(e.getMessage().contains("at least 2") && e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("nsf", 2).withSpline(1, 3));
        assertTrue(e.getMessage().contains("bins") && e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.defaults("maf", 2).withHidden());
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
    }
}
