package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.flows4j.autodiff.GradMode;
import org.flows4j.distribution.Sampled;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.flows4j.transform.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The planar and radial presets: their layout, defaults, no context, saving, and samples that carry their density. */
class VariationalPresetsTest {
    private static List<Transform> steps(Flow f) {
        return ((Composite) f.transform()).steps();
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void sixteenStepsThenALocationScaleAffineByDefault(String kind) {
        FlowSpec spec = FlowSpec.defaults(kind, 2);
        assertEquals(16, spec.layers());
        List<Transform> steps = steps(Flows.build(spec));
        assertEquals(17, steps.size());
        Class<?> step = kind.equals("planar") ? Planar.class : Radial.class;
        for (int i = 0; i < 16; i++) {
            assertInstanceOf(step, steps.get(i), kind + " step " + i);
        }
        assertTrue(((Affine) steps.get(16)).isLearnable() && ((Affine) steps.get(16)).isLocationScale());
        assertFalse(Presets.get(kind).takesContext());
        assertTrue(FlowSpec.VARIATIONAL_KINDS.contains(kind) && Presets.names().contains(kind));
    }

    @Test
    void luMixingPutsAnLuLinearBetweenSteps() {
        List<Transform> steps = steps(Flows.build(FlowSpec.defaults("radial", 3).withLayers(3).withLuMixing(true)));
        assertEquals(6, steps.size());
        assertInstanceOf(LULinear.class, steps.get(1));
        assertInstanceOf(LULinear.class, steps.get(3));
        assertInstanceOf(Radial.class, steps.get(4));
    }

    @Test
    void theOtherPresetsKeepTheirDefaultSteps() {
        assertEquals(FlowSpec.DEFAULT_LAYERS, FlowSpec.defaults("nsf", 2).layers());
        assertEquals(FlowSpec.DEFAULT_LAYERS, Presets.get("maf").defaultLayers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void aContextIsRefusedNamingTheKind(String kind) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowSpec.defaults(kind, 2).withContext(3));
        assertTrue(e.getMessage().contains("a " + kind + " flow takes no context") && e.getMessage().contains("got 3"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void theSameSeedBuildsTheSameWeightsAndAnotherDoesNot(String kind) {
        FlowSpec spec = FlowSpec.defaults(kind, 3).withLayers(4);
        Map<String, Tensor> a = Flows.build(spec).stateDict();
        Map<String, Tensor> b = Flows.build(spec).stateDict();
        Map<String, Tensor> c = Flows.build(spec.withSeed(9)).stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
        }
        assertFalse(java.util.Arrays.equals(a.get("transform.0." + (kind.equals("planar") ? "w" : "z0"))
                .toDoubleArray(), c.get("transform.0." + (kind.equals("planar") ? "w" : "z0")).toDoubleArray()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void saveThenLoadGivesIdenticalLogProbBitForBit(String kind) throws IOException {
        for (DType dtype : DType.values()) {
            FlowSpec spec = FlowSpec.defaults(kind, 3).withLayers(4).withLuMixing(true).withDtype(dtype);
            FlowModel m = FlowModel.of(spec, Examples.perturbed(Flows.build(spec)));
            FlowModel back = ModelFile.decode(ModelFile.encode(m), kind + ".flow");
            assertEquals(spec, back.spec().orElseThrow());
            double[][] x = PartsRoundTripTest.points();
            assertArrayEquals(m.logProb(x, null), back.logProb(x, null), 0.0, kind + " " + dtype);
        }
    }

    /** Sampling runs the closed-form inverses; the density of the samples must be what logProb (the root find) says. */
    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void samplesCarryTheDensityTheFlowReports(String kind) {
        FlowSpec spec = FlowSpec.defaults(kind, 3).withLayers(6).withDtype(DType.FLOAT64);
        Flow flow = Examples.perturbed(Flows.build(spec));
        flow.eval();
        Sampled s;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            s = flow.sampleAndLogProb(100, new Rng(4));
        }
        double[][] x = s.samples().value().toDoubleMatrix();
        double[] logq = flow.logProb(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(logq[i], s.logProb().value().get(i), 1e-9 * Math.max(1, Math.abs(logq[i])), "row " + i);
        }
    }
}
