package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.flows4j.flows.FlowModel;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.Transform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards that version-2 model files written by a past release keep their densities: the {@code planar} and
 * {@code radial} presets of commit {@code 43aad45} end with a shift-scale {@link Affine} (no {@code form} in the
 * part config), and must load as that map, not as today's location-scale base, which reads the same two vectors
 * differently. The expected values were printed by that release's {@code flows4j score} (see the README under
 * {@code src/test/resources/fixtures/model-v2/}). Reading the old {@code shift} as a location would move the
 * densities by whole nats, so a relative tolerance of 1e-6 (float32 rounding of a root find) still catches it.
 */
class ModelFileV2FixturesTest {
    private static final double REL = 1e-6;

    @ParameterizedTest
    @ValueSource(strings = {"planar", "radial"})
    void variationalPresetsOfRelease43aad45KeepTheirDensities(String kind) throws IOException {
        FlowModel m = ModelFile.load(Fixtures.resource("model-v2/43aad45/" + kind + ".flow"));
        List<Transform> steps = ((Composite) m.flow().transform()).steps();
        Affine base = (Affine) steps.get(steps.size() - 1);
        assertTrue(base.isLearnable() && !base.isLocationScale(), kind + ": the file's base must stay shift-scale");
        assertFalse(m.spec().isPresent(), kind + ": the preset label cannot describe the file's parts");
        List<double[]> points = Fixtures.csv("model-v1/points.csv");
        double[][] x = points.stream().map(r -> new double[] {r[0], r[1]}).toArray(double[][]::new);
        double[] actual = m.logProb(x, null);
        List<double[]> expected = Fixtures.csv("model-v2/43aad45/" + kind + ".expected.csv");
        assertEquals(expected.size(), actual.length);
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i)[0];
            assertEquals(e, actual[i], REL * Math.abs(e), kind + ": log p of " + Arrays.toString(x[i]));
        }
        double[][] samples = m.sample(64, null, new Rng(5));
        assertTrue(Arrays.stream(samples).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite));
    }
}
