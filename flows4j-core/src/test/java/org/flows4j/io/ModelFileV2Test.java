package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flows4j.autodiff.Activation;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.UnregisteredIdentity;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.nn.UnregisteredPartException;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format version 2: any flow of registered parts saves and loads; bad weights and unregistered parts refused. */
class ModelFileV2Test {
    @TempDir
    Path dir;

    /** A hand-composed flow (no preset): LU-linear, a spline coupling with a residual conditioner, a reversal. */
    static Flow composed(DType dtype) {
        Rng rng = new Rng(4);
        CouplingTransform coupling = new CouplingTransform(CouplingMask.alternating(3, false), 0,
                new RationalQuadraticTransformer(5, 3.0, 1e-3, 1e-3, 1e-3),
                ConditionerFactory.resnet(6, 1, Activation.TANH, new Dropout(0.1, 9), dtype, rng),
                new ConditionerInput(2.5), true);
        Flow f = new Flow(new Composite(LULinear.random(3, dtype, rng), coupling, Permutation.random(3, rng)),
                new StandardNormal(3, dtype));
        for (Parameter p : f.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.2 * rng.nextGaussian());
            }
        }
        return f;
    }

    static double[][] rows() {
        Rng rng = new Rng(2);
        double[][] x = new double[25][3];
        for (double[] r : x) {
            for (int j = 0; j < 3; j++) {
                r[j] = 4 * rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void aComposedFlowSavesAndLoadsWithBitIdenticalLogDensities() throws IOException {
        Flow f = composed(DType.FLOAT32);
        FlowModel m = FlowModel.of(f).withColumns(List.of("a", "b", "c"), List.of());
        Path file = dir.resolve("composed.flow");
        ModelFile.save(m, file);
        assertEquals(2, ModelFile.versions(file).format());
        FlowModel back = ModelFile.load(file);
        assertTrue(back.spec().isEmpty());
        assertEquals(List.of("a", "b", "c"), back.columns());
        assertArrayEquals(m.logProb(rows(), null), back.logProb(rows(), null));
        assertEquals(f.numParameters(), back.flow().numParameters());
    }

    /**
     * {@code spec}'s preset with the first element of every parameter set to {@code value}, saved and loaded back;
     * asserts the loaded model keeps the spec and the log-densities of the saved one.
     */
    private FlowModel savedAndLoaded(FlowSpec spec, double value) throws IOException {
        Flow f = Flows.build(spec);
        for (Parameter p : f.parameters().values()) {
            p.value().set(0, value);
        }
        FlowModel m = FlowModel.of(spec, f);
        Path file = dir.resolve(spec.kind() + ".flow");
        ModelFile.save(m, file);
        FlowModel back = ModelFile.load(file);
        assertEquals(spec, back.spec().orElseThrow());
        assertArrayEquals(m.logProb(rows(), null), back.logProb(rows(), null));
        return back;
    }

    @Test
    void aPresetKeepsItsSpecAndLogDensities() throws IOException {
        savedAndLoaded(FlowSpec.defaults("maf", 3).withLayers(2).withHidden(8).withSeed(5), 0.7);
    }

    @Test
    void aPlanarPresetKeepsItsLocationScaleBaseAndSpec() throws IOException {
        FlowModel back = savedAndLoaded(FlowSpec.defaults("planar", 3).withLayers(2).withSeed(5), 0.4);
        List<Transform> steps = ((Composite) back.flow().transform()).steps();
        assertTrue(((Affine) steps.get(steps.size() - 1)).isLocationScale());
    }

    @Test
    void anUnknownAffineFormIsRefusedNamingIt() {
        PartConfig c = Affine.locationScale(2, DType.FLOAT32).describe().with("form", "scale-first");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parts.build(c, Affine.class));
        assertTrue(e.getMessage().contains("'scale-first'") && e.getMessage().contains("location-scale"),
                e.getMessage());
    }

    @Test
    void nanWeightsAreRefusedAtLoadNamingTheTensor() throws IOException {
        Flow f = composed(DType.FLOAT64);
        String name = "transform.1.conditioner.final_layer.bias";
        f.parameters().get(name).value().set(1, Double.NaN);
        Path file = dir.resolve("nan.flow");
        ModelFile.save(FlowModel.of(f), file);
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void anUnregisteredPartIsRefusedAtSaveNamingItsClassAndNothingIsWritten() {
        Transform mine = new UnregisteredIdentity(3);
        Flow f = new Flow(new Composite(Permutation.reverse(3), mine), new StandardNormal(3, DType.FLOAT32));
        FlowModel m = FlowModel.of(f);
        assertEquals(m.logProb(rows(), null)[0], f.logProb(rows())[0], 0.0);
        Path file = dir.resolve("mine.flow");
        UnregisteredPartException e = assertThrows(UnregisteredPartException.class, () -> ModelFile.save(m, file));
        assertTrue(e.getMessage().contains(mine.getClass().getName()), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void aModelDoesNotChangeTheCallersFlowAndIsNotChangedByIt() {
        Flow f = composed(DType.FLOAT64);
        assertTrue(f.isTraining());
        FlowModel m = FlowModel.of(f);
        assertTrue(f.isTraining(), "the caller's flow keeps its mode");
        double before = m.logProb(rows(), null)[0];
        f.parameters().values().iterator().next().value().set(0, 5.0);
        assertEquals(before, m.logProb(rows(), null)[0], 0.0, "the model owns its copy");
        assertFalse(m.flow().isTraining());
    }

    @Test
    void aSpecAndAFlowThatDisagreeAreRefusedNamingTheTensor() {
        FlowSpec spec = FlowSpec.defaults("realnvp", 3).withLayers(2).withHidden(8);
        Flow other = Flows.build(spec.withHidden(9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlowModel.of(spec, other));
        assertTrue(e.getMessage().contains("transform.0.conditioner.layers.0.weight"), e.getMessage());
        Flow fewer = Flows.build(spec.withLayers(1));
        e = assertThrows(IllegalArgumentException.class, () -> FlowModel.of(spec, fewer));
        assertTrue(e.getMessage().contains("lacks"), e.getMessage());
    }
}
