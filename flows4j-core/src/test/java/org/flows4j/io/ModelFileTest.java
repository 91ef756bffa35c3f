package org.flows4j.io;

import org.flows4j.flows.TrainingSummary;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.FlowModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.FlowSpec;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.flows.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    /** A model with perturbed weights (so a wrong load would show), standardization and a summary. */
    private static FlowModel model(String kind, int context) {
        FlowSpec spec = FlowSpec.defaults(kind, 3).withLayers(2).withHidden(8).withContext(context).withSeed(7);
        Standardizer s = new Standardizer(new double[] {1, -2, 0.5}, new double[] {2, 0.5, 3});
        Standardizer c = context == 0 ? null : new Standardizer(new double[] {0, 1}, new double[] {1, 4});
        FlowModel m = FlowModel.untrained(spec, new Preprocessing(s, c, 0));
        Rng rng = new Rng(3);
        for (Parameter p : m.flow().parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.2 * rng.nextGaussian());
            }
        }
        TrainingSummary summary = new TrainingSummary("toy:moons", 100, 20, 30,
                List.of(new EpochStats(1, 10, 2.5, Double.NaN, 1e-3, 0.5), new EpochStats(2, 20, 2.1, 2.2, 5e-4, 0.4)),
                2, 2.25, 1.5, 42, 2);
        return m.withSummary(summary);
    }

    private static double[][] rows(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                r[j] = 2 * rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void saveThenLoadGivesIdenticalLogProbBitForBit() throws IOException {
        for (String kind : FlowSpec.KINDS) {
            for (int context : new int[] {0, 2}) {
                FlowModel m = model(kind, context);
                Path file = dir.resolve(kind + context + ".flow");
                ModelFile.save(m, file);
                FlowModel back = ModelFile.load(file);
                double[][] x = rows(50, 3, 1);
                double[][] c = context == 0 ? null : rows(50, 2, 2);
                assertArrayEquals(m.logProb(x, c), back.logProb(x, c), 0.0, kind + " context " + context);
                assertEquals(m.spec(), back.spec());
                assertEquals(m.summary(), back.summary());
                assertEquals(m.preprocessing().data(), back.preprocessing().data());
                assertEquals(m.columns(), back.columns());
            }
        }
    }

    @Test
    void logProbIsInDataUnits() {
        FlowModel m = model("realnvp", 0);
        double[][] x = rows(5, 3, 4);
        double[] expected = m.flow().logProb(m.preprocessing().data().forward(x));
        double logScale = Math.log(2) + Math.log(0.5) + Math.log(3);
        double[] got = m.logProb(x, null);
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i] - logScale, got[i], 1e-12);
        }
    }

    @Test
    void theWeightsAreAPlainSafetensorsFileWithTheStateDictNames() throws IOException {
        FlowModel m = model("nsf", 0);
        Map<String, byte[]> entries = unzip(ModelFile.encode(m));
        assertEquals(List.of("model.json", "weights.safetensors"), List.copyOf(entries.keySet()));
        byte[] w = entries.get("weights.safetensors");
        long headerLength = ByteBuffer.wrap(w, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(w, 8, (int) headerLength, StandardCharsets.UTF_8));
        Map<String, Tensor> state = m.flow().stateDict();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            JsonNode t = header.get(e.getKey());
            assertTrue(t != null, "missing tensor " + e.getKey());
            boolean f32 = e.getValue().dtype() == org.flows4j.tensor.DType.FLOAT32;
            assertEquals(f32 ? "F32" : "F64", t.get("dtype").asText(), e.getKey());
            int[] shape = new int[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asInt();
            }
            assertArrayEquals(e.getValue().shape(), shape, e.getKey());
            long begin = t.get("data_offsets").get(0).asLong();
            ByteBuffer data = ByteBuffer.wrap(w, (int) (8 + headerLength + begin), 8).order(ByteOrder.LITTLE_ENDIAN);
            double first = f32 ? data.getFloat() : data.getDouble();
            assertEquals(e.getValue().get(0), first, 0.0, e.getKey() + " first value");
        }
        JsonNode json = new ObjectMapper().readTree(entries.get("model.json"));
        assertEquals(ModelFile.FORMAT_VERSION, json.get("format_version").asInt());
        assertEquals("nsf", json.get("preset").get("kind").asText());
        assertEquals("flow", json.get("flow").get("type").asText());
        assertTrue(json.get("training").get("epochs").get(0).get("val_nll").isNull(), "NaN is written as null");
    }

    @Test
    void truncatedAndCorruptedFilesFailClearly() throws IOException {
        byte[] good = ModelFile.encode(model("maf", 0));
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class,
                () -> ModelFile.decode(Arrays.copyOf(good, good.length / 2), "m.flow"));
        assertTrue(e.getMessage().startsWith("m.flow: "), e.getMessage());
        byte[] flipped = good.clone();
        for (int i = 60; i < 200; i++) {
            flipped[i] ^= 0x5A;
        }
        assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(flipped, "m.flow"));
        e = assertThrows(InvalidModelFileException.class,
                () -> ModelFile.decode("hello".getBytes(StandardCharsets.UTF_8), "text.flow"));
        assertTrue(e.getMessage().contains("not a flows4j model file"), e.getMessage());
        Path missing = dir.resolve("nope.flow");
        IOException io = assertThrows(IOException.class, () -> ModelFile.load(missing));
        assertTrue(io.getMessage().contains("nope.flow"), io.getMessage());
    }

    @Test
    void aNewerFormatVersionIsRefused() throws IOException {
        int next = ModelFile.FORMAT_VERSION + 1;
        byte[] newer = editJson(ModelFile.encode(model("realnvp", 0)), json -> json.put("format_version", next));
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(newer, "m.flow"));
        assertTrue(e.getMessage().contains("newer") && e.getMessage().contains("format version " + next)
                && e.getMessage().contains("up to " + ModelFile.FORMAT_VERSION), e.getMessage());
    }

    @Test
    void weightsThatDoNotMatchTheSpecAreRefused() throws IOException {
        byte[] wider = editJson(ModelFile.encode(model("realnvp", 0)), json -> ((ObjectNode) json.get("flow")
                .get("transform").get("steps").get(0).get("conditioner")).putArray("hidden").add(9));
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(wider, "m.flow"));
        assertTrue(e.getMessage().contains("do not match") && e.getMessage().contains("conditioner.layers.0.weight"),
                e.getMessage());
        byte[] otherPreset = editJson(ModelFile.encode(model("realnvp", 0)),
                json -> ((ObjectNode) json.get("preset")).putArray("hidden").add(9));
        e = assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(otherPreset, "m.flow"));
        assertTrue(e.getMessage().contains("does not match the spec"), e.getMessage());
        byte[] noKind = editJson(ModelFile.encode(model("realnvp", 0)), json -> ((ObjectNode) json.get("preset")).remove("kind"));
        e = assertThrows(InvalidModelFileException.class, () -> ModelFile.decode(noKind, "m.flow"));
        assertTrue(e.getMessage().contains("'kind'"), e.getMessage());
    }

    @Test
    void savingReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("m.flow");
        ModelFile.save(model("maf", 0), file);
        ModelFile.save(model("nice", 0), file);
        assertEquals("nice", ModelFile.load(file).spec().orElseThrow().kind());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        Path nowhere = dir.resolve("missing-dir").resolve("m.flow");
        assertThrows(IOException.class, () -> ModelFile.save(model("maf", 0), nowhere));
        assertFalse(Files.exists(nowhere.getParent()));
    }

    private interface JsonEdit {
        void apply(ObjectNode json);
    }

    private static byte[] editJson(byte[] file, JsonEdit edit) throws IOException {
        Map<String, byte[]> entries = unzip(file);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(entries.get("model.json"));
        edit.apply(json);
        entries.put("model.json", mapper.writeValueAsBytes(json));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, byte[]> e = it.next();
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
