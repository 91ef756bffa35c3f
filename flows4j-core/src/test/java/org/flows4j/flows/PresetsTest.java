package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.flows4j.io.ModelFile;
import org.flows4j.nn.Dropout;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Transform;
import org.junit.jupiter.api.Test;

/** Presets: the built-ins by name, a user's preset as one class, and names that agree with FlowSpec. */
class PresetsTest {
    /** A user's preset: each step an LU-linear map followed by an affine coupling of the spec's widths. */
    static class LuCoupling implements Preset {
        @Override
        public String name() {
            return "lu-coupling";
        }

        @Override
        public String description() {
            return "LU-linear then affine coupling";
        }

        @Override
        public boolean isCoupling() {
            return true;
        }

        @Override
        public double defaultInputBound() {
            return 2.0;
        }

        @Override
        public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
            return new Composite(LULinear.identity(spec.features(), spec.dtype()),
                    Preset.coupling(spec, Preset.affine(spec), dropout, rng));
        }
    }

    @Test
    void theBuiltInsAreTheSpecKinds() {
        assertEquals(FlowSpec.KINDS, Presets.names().subList(0, FlowSpec.KINDS.size()));
        assertEquals(List.of("nice", "realnvp", "nsf"), FlowSpec.couplingKinds().subList(0, 3));
        assertTrue(Presets.get("NSF").isCoupling());
        assertEquals(0.0, Presets.get("nsf-ar").defaultInputBound(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowSpec.defaults("nsf-c", 2));
        assertTrue(e.getMessage().contains("unknown flow 'nsf-c'") && e.getMessage().contains("nsf-ar"),
                e.getMessage());
    }

    /** Registers {@code lu-coupling} for the rest of the run (other tests see it after the built-ins). */
    @Test
    void aUsersPresetIsOneClassAndItsFlowsSaveLikeAnyOther() throws IOException {
        Presets.register(new LuCoupling());
        FlowSpec spec = FlowSpec.defaults("lu-coupling", 3).withLayers(2).withHidden(8);
        assertEquals(2.0, spec.inputBound(), 0.0);
        Flow f = Flows.build(spec);
        assertInstanceOf(Composite.class, ((Composite) f.transform()).steps().get(0));
        FlowModel m = FlowModel.of(spec, Examples.perturbed(f));
        FlowModel back = ModelFile.decode(ModelFile.encode(m), "lu.flow");
        assertEquals(spec, back.spec().orElseThrow());
        double[][] x = PartsRoundTripTest.points();
        assertArrayEquals(m.logProb(x, null), back.logProb(x, null));
        assertThrows(IllegalArgumentException.class, () -> Presets.register(new LuCoupling() {
        }), "another class may not take the name");
    }
}
