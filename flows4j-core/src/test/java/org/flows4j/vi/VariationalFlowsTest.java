package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.flows4j.autodiff.GradMode;
import org.flows4j.distribution.Sampled;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.io.ModelFile;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Flows for a target: the box end for boxed targets, samples inside the box with the density the flow reports. */
class VariationalFlowsTest {
    private static void perturb(Flow flow) {
        Rng rng = new Rng(11);
        for (Parameter p : flow.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.3 * rng.nextGaussian());
            }
        }
    }

    private static Sampled draw(Flow flow, int n, long seed) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return flow.sampleAndLogProb(n, new Rng(seed));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial", "realnvp", "nsf"})
    void aBoxedTargetsFlowSamplesInsideTheBoxWithTheDensityItReports(String kind) {
        FlowSpec spec = FlowSpec.defaults(kind, 2).withLayers(3).withHidden(8).withDtype(DType.FLOAT64);
        Flow flow = VariationalFlows.build(spec, Targets.u3());
        perturb(flow);
        flow.eval();
        Sampled s = draw(flow, 200, 1);
        double[][] x = s.samples().value().toDoubleMatrix();
        for (double[] row : x) {
            assertTrue(row[0] > -4 && row[0] < 4 && row[1] > -4 && row[1] < 4, kind + ": " + row[0] + ", " + row[1]);
        }
        double[] logq = flow.logProb(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(s.logProb().value().get(i), logq[i], 1e-8 * Math.max(1, Math.abs(logq[i])), kind + " row " + i);
        }
    }

    @Test
    void aTargetOnThePlaneGetsThePresetsFlowUnchanged() throws IOException {
        FlowSpec spec = FlowSpec.defaults("planar", 2).withLayers(2).withDtype(DType.FLOAT64);
        Flow flow = VariationalFlows.build(spec, Targets.u1());
        perturb(flow);
        FlowModel m = FlowModel.of(spec, flow);
        FlowModel back = ModelFile.decode(ModelFile.encode(m), "u1.flow");
        assertEquals(spec, back.spec().orElseThrow());
        double[][] x = {{0.5, -1.0}, {2.0, 0.1}, {-3.0, 2.5}};
        assertArrayEquals(m.logProb(x, null), back.logProb(x, null), 0.0);
    }

    @Test
    void aBoxedFlowSavesAsAPlainFlowAndLoadsWithTheSameDensityBitForBit() throws IOException {
        FlowSpec spec = FlowSpec.defaults("radial", 2).withLayers(3);
        Flow flow = VariationalFlows.build(spec, Targets.u4());
        perturb(flow);
        FlowModel m = FlowModel.of(flow);
        FlowModel back = ModelFile.decode(ModelFile.encode(m), "u4.flow");
        double[][] x = {{0.5, -1.0}, {3.9, 0.1}, {-3.0, 2.5}};
        assertArrayEquals(m.logProb(x, null), back.logProb(x, null), 0.0);
        assertThrows(IllegalArgumentException.class, () -> FlowModel.of(spec, flow),
                "the box end makes it another flow than the preset's");
    }

    @Test
    void theFlowsDtypeIsTheSpecs() {
        Flow flow = VariationalFlows.build(FlowSpec.defaults("planar", 2), Targets.u2());
        assertSame(DType.FLOAT32, flow.dtype());
        assertTrue(flow.parameters().values().stream().allMatch(p -> p.value().dtype() == DType.FLOAT32));
    }

    @Test
    void badInputIsRefusedWithTheExpectedAndActualValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VariationalFlows.build(FlowSpec.defaults("planar", 3), Targets.ring()));
        assertTrue(e.getMessage().contains("ring has 2 features, the spec 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VariationalFlows.build(FlowSpec.defaults("realnvp", 2).withContext(1), Targets.ring()));
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VariationalFlows.build(null, Targets.ring()));
        assertTrue(e.getMessage().contains("spec = null"), e.getMessage());
    }
}
