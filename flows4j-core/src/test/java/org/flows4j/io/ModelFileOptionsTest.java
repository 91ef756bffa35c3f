package org.flows4j.io;

import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.FlowModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.flows4j.flows.FlowSpec;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The spec fields {@code dropout} and {@code conditioner} in the model file: written and read back with a
 * float64 resnet model, files written before the fields existed load with the old defaults, and bad
 * values are refused naming the field.
 */
class ModelFileOptionsTest {
    private static final double[][] ROWS = {{0.2, -0.4, 1.0}, {1.5, 0.3, -2.0}, {-0.7, 0.0, 0.4}};

    private static FlowModel model(FlowSpec spec) {
        FlowModel m = FlowModel.untrained(spec, Preprocessing.none());
        Rng rng = new Rng(3);
        for (Parameter p : m.flow().parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.2 * rng.nextGaussian());
            }
        }
        return m;
    }

    @Test
    void dropoutConditionerAndFloat64SurviveTheRoundTrip() throws IOException {
        FlowSpec spec = FlowSpec.defaults("realnvp", 3).withLayers(2).withHidden(8, 8, 8).withConditioner("resnet")
                .withDropout(0.25).withDtype(DType.FLOAT64).withSeed(5);
        FlowModel m = model(spec);
        byte[] bytes = ModelFile.encode(m);
        JsonNode json = new ObjectMapper().readTree(unzip(bytes).get("model.json")).get("preset");
        assertEquals(0.25, json.get("dropout").asDouble(), 0.0);
        assertEquals("resnet", json.get("conditioner").asText());
        assertEquals("float64", json.get("dtype").asText());
        FlowModel back = ModelFile.decode(bytes, "m.flow");
        assertEquals(spec, back.spec().orElseThrow());
        assertEquals(0.25, back.spec().orElseThrow().dropout(), 0.0);
        assertEquals("resnet", back.spec().orElseThrow().conditioner());
        back.flow().parameters().values().forEach(p -> assertEquals(DType.FLOAT64, p.value().dtype()));
        assertArrayEquals(m.logProb(ROWS, null), back.logProb(ROWS, null), 0.0);
        assertArrayEquals(back.logProb(ROWS, null), back.logProb(ROWS, null), 0.0, "a loaded model evaluates without dropout");
    }

    @Test
    void aFileWithoutTheNewFieldsLoadsWithTheDefaults() throws IOException {
        FlowModel m = model(FlowSpec.defaults("maf", 3).withLayers(2).withHidden(8).withSeed(2));
        byte[] old = asVersion1(ModelFile.encode(m), s -> {
            s.remove("dropout");
            s.remove("conditioner");
        });
        JsonNode spec = new ObjectMapper().readTree(unzip(old).get("model.json")).get("spec");
        assertTrue(!spec.has("dropout") && !spec.has("conditioner"), spec.toString());
        FlowModel back = ModelFile.decode(old, "old.flow");
        assertEquals(0.0, back.spec().orElseThrow().dropout(), 0.0);
        assertEquals("mlp", back.spec().orElseThrow().conditioner());
        assertEquals(m.spec(), back.spec());
        assertArrayEquals(m.logProb(ROWS, null), back.logProb(ROWS, null), 0.0);
    }

    @Test
    void aFileFromBeforeIssue11LoadsWithTheOldArchitecture() throws IOException {
        for (String kind : new String[] {"realnvp", "maf", "nsf"}) {
            FlowModel m = model(FlowSpec.defaults(kind, 3).withLayers(2).withHidden(8).withSeed(4).withInputBound(0)
                    .withBothHalves(false).withAffineScale("tanh"));
            byte[] old = asVersion1(ModelFile.encode(m), s -> {
                s.remove("input_bound");
                s.remove("both_halves");
                s.remove("affine_scale");
            });
            FlowModel back = ModelFile.decode(old, "old.flow");
            assertEquals(0.0, back.spec().orElseThrow().inputBound(), 0.0);
            assertTrue(!back.spec().orElseThrow().bothHalves());
            assertEquals("tanh", back.spec().orElseThrow().affineScale());
            assertEquals(m.spec(), back.spec());
            assertArrayEquals(m.logProb(ROWS, null), back.logProb(ROWS, null), 0.0);
        }
        FlowModel now = model(FlowSpec.defaults("realnvp", 3).withLayers(2).withHidden(8));
        FlowModel back = ModelFile.decode(ModelFile.encode(now), "new.flow");
        assertEquals(FlowSpec.DEFAULT_INPUT_BOUND, back.spec().orElseThrow().inputBound(), 0.0);
        assertTrue(back.spec().orElseThrow().bothHalves());
        assertEquals("soft", back.spec().orElseThrow().affineScale());
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws IOException {
        byte[] good = ModelFile.encode(model(FlowSpec.defaults("nsf", 3).withLayers(1).withHidden(8)));
        String[][] cases = {{"dropout", "1.5", "dropout must be in [0, 1), got 1.5"},
            {"conditioner", "\"cnn\"", "unknown conditioner 'cnn'"}, {"dropout", "\"high\"", "'dropout' must be a number"}};
        for (String[] c : cases) {
            byte[] bad = asVersion1(good, s -> s.set(c[0], readValue(c[1])));
            InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(bad, "b.flow"));
            assertTrue(e.getMessage().startsWith("b.flow: ") && e.getMessage().contains(c[2]), e.getMessage());
        }
        byte[] resnetMaf = asVersion1(ModelFile.encode(model(FlowSpec.defaults("maf", 3).withLayers(1).withHidden(8))),
                s -> s.put("conditioner", "resnet"));
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class,
                () -> ModelFile.decode(resnetMaf, "b.flow"));
        assertTrue(e.getMessage().contains("conditioner 'resnet'") && e.getMessage().contains("'maf'"), e.getMessage());
    }

    private static JsonNode readValue(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code file} rewritten as a version-1 file (the preset as {@code spec}, no part tree), its spec edited. */
    private static byte[] asVersion1(byte[] file, Consumer<ObjectNode> edit) throws IOException {
        Map<String, byte[]> entries = unzip(file);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(entries.get("model.json"));
        json.put("format_version", 1);
        json.set("spec", json.remove("preset"));
        json.remove("flow");
        edit.accept((ObjectNode) json.get("spec"));
        entries.put("model.json", mapper.writeValueAsBytes(json));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static Map<String, byte[]> unzip(byte[] file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        }
        return out;
    }
}
