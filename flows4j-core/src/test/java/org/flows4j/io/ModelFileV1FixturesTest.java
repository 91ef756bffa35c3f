package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards that version-1 model files written by real past releases keep loading and give the same
 * log-densities as the release that wrote them.
 *
 * <p>The fixtures under {@code src/test/resources/fixtures/model-v1/} (see the README there for the exact
 * commands) were trained by the CLI of two releases: {@code da68709}, whose {@code model.json} spec has no
 * {@code dropout}, {@code conditioner}, {@code input_bound}, {@code both_halves} or {@code affine_scale}
 * (so loading must fall back to the architecture those files were trained with: no input bound, classic
 * coupling, {@code tanh} log-scale), and {@code d605268}, which writes those fields. For every fixture, the
 * release's own {@code flows4j score} printed {@code log p(x)} of {@code points.csv} (a 2-D set mixing
 * points on the moons with far-out ones such as (+-5, +-5) and (10, -10), and context values inside and
 * outside the training range) with {@link Double#toString}, so the expected files hold the exact doubles.
 *
 * <p>The comparison is exact (bit-identical doubles) whenever the Vector API kernels are in use, as in
 * this build's tests and in the CLI runs that wrote the expected values: measured when this test was written,
 * today's code reproduced every value of both releases bit for bit, and so it did with the vectors narrowed
 * to 128 or 256 bits ({@code -XX:MaxVectorSize=16}, {@code -XX:UseAVX=2}), since each matmul element is the
 * same FMA chain whatever the lane count. Any tolerance there would only hide a change: a future format
 * version or a kernel change that moves one bit of a version-1 file's densities must fail here and be looked
 * at (if a deliberate kernel change makes that unavoidable, loosen this to the measured difference and say
 * why, rather than regenerating the expected values with the new code, which would test nothing).
 *
 * <p>Without the Vector API ({@code -Dflows4j.vector=false}, or no {@code jdk.incubator.vector} module) the
 * scalar matmul rounds each product before adding it instead of fusing the two, so the values cannot be
 * those the releases printed; measured, they differed by at most 4.6e-6 of |log p| for float32 models (40
 * float32 ulps, nsf-ar, where the log-density's terms partly cancel) and 1.2e-15 for the float64 one. There
 * the test allows {@value #SCALAR_FLOAT32_REL} and {@value #SCALAR_FLOAT64_REL} of |log p|, thousands of times
 * below what a wrong architecture costs: with the absent spec fields read as today's defaults, release A's
 * files failed to load (both halves) or each moved its worst value by 4% to 100% (input bound, soft scale).
 */
class ModelFileV1FixturesTest {
    /** Release A: spec without the fit-quality fields. */
    private static final String RELEASE_A = "da68709";
    /** Release B: spec with dropout, conditioner, input_bound, both_halves and affine_scale. */
    private static final String RELEASE_B = "d605268";
    private static final List<String> KINDS = List.of("nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar");
    /** Fixtures beyond one per kind: LU mixing and a conditional model from both releases. */
    private static final List<String> BOTH = List.of("realnvp-lu", "nsf-context");
    /** Options only release B has. */
    private static final List<String> ONLY_B = List.of("nsf-resnet", "realnvp-float64", "maf-dropout");
    /** Relative tolerance of float32 models under the scalar kernels (see the class comment). */
    private static final double SCALAR_FLOAT32_REL = 1e-5;
    /** Relative tolerance of float64 models under the scalar kernels. */
    private static final double SCALAR_FLOAT64_REL = 1e-13;
    private static final String[] LATER_FIELDS = {"dropout", "conditioner", "input_bound", "both_halves",
        "affine_scale"};

    static Stream<String> fixtures() {
        List<String> out = new ArrayList<>();
        for (String release : List.of(RELEASE_A, RELEASE_B)) {
            Stream.concat(KINDS.stream(), BOTH.stream()).forEach(n -> out.add(release + "/" + n));
        }
        ONLY_B.forEach(n -> out.add(RELEASE_B + "/" + n));
        return out.stream();
    }

    static Stream<String> releaseA() {
        return fixtures().filter(f -> f.startsWith(RELEASE_A + "/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void logProbMatchesTheReleaseThatWroteTheFile(String fixture) throws IOException {
        FlowModel m = ModelFile.load(Fixtures.resource("model-v1/" + fixture + ".flow"));
        List<double[]> points = Fixtures.csv("model-v1/points.csv");
        double[][] x = new double[points.size()][];
        double[][] context = m.contextFeatures() == 0 ? null : new double[points.size()][];
        for (int i = 0; i < x.length; i++) {
            double[] row = points.get(i);
            x[i] = new double[] {row[0], row[1]};
            if (context != null) {
                context[i] = new double[] {row[2]};
            }
        }
        double[] actual = m.logProb(x, context);
        List<double[]> expected = Fixtures.csv("model-v1/" + fixture + ".expected.csv");
        assertEquals(expected.size(), actual.length, fixture + ": rows");
        double rel = MatMul.vectorized() ? 0.0
                : m.dtype() == DType.FLOAT32 ? SCALAR_FLOAT32_REL : SCALAR_FLOAT64_REL;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i)[0];
            assertTrue(Double.isFinite(e), fixture + ": expected row " + i + " is not finite");
            String what = fixture + ": log p of point " + i + " " + Arrays.toString(x[i]) + " (difference "
                    + (actual[i] - e) + ")";
            if (rel == 0.0) {
                assertEquals(e, actual[i], what);
            } else {
                assertEquals(e, actual[i], rel * Math.abs(e), what);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releaseA")
    void releaseASpecReadsAsTheArchitectureItWasTrainedWith(String fixture) throws IOException {
        Path file = Fixtures.resource("model-v1/" + fixture + ".flow");
        JsonNode spec = modelJson(file).get("spec");
        for (String field : LATER_FIELDS) {
            assertFalse(spec.has(field), fixture + ": release A wrote spec." + field);
        }
        FlowSpec s = ModelFile.load(file).spec().orElseThrow();
        assertEquals(0.0, s.inputBound(), fixture);
        assertFalse(s.bothHalves(), fixture);
        assertEquals("tanh", s.affineScale(), fixture);
        assertEquals(0.0, s.dropout(), fixture);
        assertEquals("mlp", s.conditioner(), fixture);
    }

    @Test
    void releaseBWroteEveryLaterField() throws IOException {
        for (String fixture : fixtures().filter(f -> f.startsWith(RELEASE_B + "/")).toList()) {
            JsonNode spec = modelJson(Fixtures.resource("model-v1/" + fixture + ".flow")).get("spec");
            for (String field : LATER_FIELDS) {
                assertTrue(spec.has(field), fixture + ": spec." + field + " missing");
            }
        }
    }

    private static JsonNode modelJson(Path file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(ModelFile.JSON_ENTRY)) {
                    return new ObjectMapper().readTree(zip.readAllBytes());
                }
            }
        }
        throw new AssertionError(file + ": no " + ModelFile.JSON_ENTRY);
    }
}
