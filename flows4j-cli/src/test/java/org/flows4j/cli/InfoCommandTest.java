package org.flows4j.cli;

import static org.flows4j.cli.CliEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.flows4j.cli.CliEndToEndTest.Run;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.io.ModelFile;
import org.flows4j.nn.Module;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flows4j info}: the card of a model built here, as text and as JSON, checked against the model. */
class InfoCommandTest {
    @TempDir
    static Path dir;
    static Path file;
    static FlowModel model;
    /** Every module of the model's flow by dotted path ("" for the flow), in a depth-first walk of children(). */
    static Map<String, Module> modules;
    static JsonNode modelJson;

    @BeforeAll
    static void saveAConditionalModel() throws IOException {
        FlowSpec spec = FlowSpec.defaults("realnvp", 3).withContext(1).withLayers(2).withHidden(8).withLuMixing(true);
        Preprocessing pre = new Preprocessing(new Standardizer(new double[] {1.5, -2, 40}, new double[] {0.25, 3, 10}),
                new Standardizer(new double[] {7}, new double[] {2}), 0);
        List<EpochStats> epochs = List.of(new EpochStats(1, 10, 3.0, 2.9, 1e-3, 0.5),
                new EpochStats(2, 20, 2.8, 2.6, 5e-4, 0.4), new EpochStats(3, 30, 2.7, 2.75, 1e-4, 0.4));
        TrainingSummary summary = new TrainingSummary("table.csv", 700, 150, 90, epochs, 2, 2.5, 12.25, 9, 2);
        FlowModel untrained = FlowModel.untrained(spec, pre);
        model = FlowModel.of(spec, untrained.flow()).withPreprocessing(pre)
                .withColumns(List.of("height", "weight", "age"), List.of("temp")).withSummary(summary);
        file = dir.resolve("card.flow");
        ModelFile.save(model, file);
        modules = new LinkedHashMap<>();
        walk(model.flow(), "");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("model.json")) {
                    modelJson = new ObjectMapper().readTree(zip.readAllBytes());
                }
            }
        }
    }

    private static void walk(Module m, String path) {
        modules.put(path, m);
        m.children().forEach((name, child) -> walk(child, path.isEmpty() ? name : path + "." + name));
    }

    @Test
    void textShowsVersionsColumnsPreprocessingTrainingAndEveryModule() {
        Run r = run("info", "--model", file.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("format version       " + modelJson.get("format_version").asInt()), r.out());
        assertTrue(lines.contains("written by           flows4j " + modelJson.get("library_version").asText()), r.out());
        assertTrue(lines.contains("spec                 " + model.spec().orElseThrow()), r.out());
        assertTrue(lines.contains("columns              height, weight, age (3)"), r.out());
        assertTrue(lines.contains("context columns      temp (1)"), r.out());
        assertTrue(lines.contains("standardize          3 columns, mean -2.000 to 40.00, scale 0.2500 to 10.00"), r.out());
        assertTrue(lines.contains("context standardize  1 column, mean 7.000 to 7.000, scale 2.000 to 2.000"), r.out());
        assertTrue(lines.contains("dequantize           none"), r.out());
        assertTrue(lines.contains("training             table.csv; 700 train, 150 validation, 90 test rows; best epoch 2 of 3;"
                + " test NLL 2.5000; 12.3 s"), r.out());

        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("module ")).findFirst().orElseThrow());
        List<String[]> rows = new ArrayList<>();
        for (String l : lines.subList(header + 1, lines.size() - 1)) {
            rows.add(l.trim().split(" +"));
        }
        assertEquals(modules.size(), rows.size(), r.out());
        long sum = 0;
        int i = 0;
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String[] row = rows.get(i++);
            assertEquals(e.getKey().isEmpty() ? "(flow)" : e.getKey(), row[0]);
            assertEquals(org.flows4j.flows.ModelCard.typeOf(e.getValue()), row[1]);
            assertEquals(e.getValue().numParameters(), Long.parseLong(row[3]), e.getKey());
            sum += Long.parseLong(row[2]);
        }
        assertEquals(model.flow().numParameters(), sum);
        String[] total = lines.get(lines.size() - 1).trim().split(" +");
        assertEquals(List.of("total", Long.toString(model.flow().numParameters())), List.of(total));
        assertTrue(r.out().lines().noneMatch(l -> l.endsWith(" ")), "no trailing blanks");
    }

    @Test
    void jsonIsOneObjectWithTheSameContent() throws IOException {
        Run r = run("info", "--model", file.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "one line: " + r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(file.toString(), j.get("file").asText());
        assertEquals(modelJson.get("format_version"), j.get("format_version"));
        assertEquals(modelJson.get("library_version"), j.get("library_version"));
        assertEquals(modelJson.get("preset"), j.get("spec"), "the preset as the model file has it");
        assertEquals(List.of("height", "weight", "age"), strings(j.get("columns")));
        assertEquals(List.of("temp"), strings(j.get("context_columns")));

        JsonNode layers = j.get("layers");
        assertEquals(modules.size(), layers.size());
        long sum = 0;
        int i = 0;
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            JsonNode l = layers.get(i++);
            assertEquals(e.getKey(), l.get("path").asText());
            assertEquals(org.flows4j.flows.ModelCard.typeOf(e.getValue()), l.get("type").asText());
            assertEquals(e.getValue().numParameters(), l.get("subtree_parameters").asLong());
            sum += l.get("parameters").asLong();
        }
        assertEquals(model.flow().numParameters(), sum);
        assertEquals(model.flow().numParameters(), j.get("total_parameters").asLong());
        assertTrue(model.flow().numParameters() > 0);

        JsonNode s = j.get("standardization");
        assertEquals(3, s.get("columns").asInt());
        assertEquals(-2.0, s.get("mean_min").asDouble());
        assertEquals(40.0, s.get("mean_max").asDouble());
        assertEquals(0.25, s.get("scale_min").asDouble());
        assertEquals(10.0, s.get("scale_max").asDouble());
        assertEquals(7.0, j.get("context_standardization").get("mean_max").asDouble());
        assertEquals(0, j.get("dequantize_levels").asInt());

        JsonNode t = j.get("training");
        assertEquals("table.csv", t.get("data").asText());
        assertEquals(700, t.get("train_rows").asInt());
        assertEquals(150, t.get("validation_rows").asInt());
        assertEquals(90, t.get("test_rows").asInt());
        assertEquals(2, t.get("best_epoch").asInt());
        assertEquals(3, t.get("epochs").asInt());
        assertEquals(2.5, t.get("test_nll").asDouble());
        assertEquals(12.25, t.get("seconds").asDouble());
    }

    @Test
    void aModelWithoutTrainingOrStandardizationSaysNoneAndNull() throws IOException {
        Path bare = dir.resolve("bare.flow");
        ModelFile.save(FlowModel.untrained(FlowSpec.defaults("maf", 2).withLayers(1).withHidden(4), null), bare);
        Run text = run("info", "--model", bare.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("\ntraining             none recorded\n"), text.out());
        assertTrue(text.out().contains("\nstandardize          none\n"), text.out());
        assertTrue(text.out().contains("\ncontext columns      none\n"), text.out());
        JsonNode j = new ObjectMapper().readTree(run("info", "--model", bare.toString(), "--json").out());
        assertTrue(j.get("training").isNull());
        assertTrue(j.get("standardization").isNull());
        assertEquals(0, j.get("context_columns").size());
    }

    @Test
    void aMissingOrBrokenModelIsOneLineAndExitTwo() throws IOException {
        Path broken = dir.resolve("broken.flow");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(file), 200));
        for (Path p : List.of(dir.resolve("absent.flow"), broken)) {
            Run r = run("info", "--model", p.toString(), "--json");
            assertEquals(2, r.code(), r.out());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(p.getFileName().toString()), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertEquals("", r.out());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
