package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.flows4j.data.Toys;
import org.flows4j.flows.Flows;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flows4j train --dtype, --conditioner, --dropout} and {@code --weight-decay}: a float64 model trains
 * and is then evaluated, scored, sampled and plotted from its file; resnet and dropout reach the saved
 * spec; weight decay changes the weights; bad values print one line and exit 2.
 */
class TrainOptionsCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path train(String name, String... options) {
        Path m = dir.resolve(name);
        String[] common = {"train", "--data", "toy:moons", "--rows", "1000", "--layers", "2", "--hidden", "16,16",
            "--epochs", "3", "--batch", "100", "--threads", "1", "--out", m.toString()};
        String[] args = Arrays.copyOf(common, common.length + options.length);
        System.arraycopy(options, 0, args, common.length, options.length);
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        return m;
    }

    private static String weightsHeader(Path model) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(model))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("weights.safetensors")) {
                    byte[] w = zip.readAllBytes();
                    return new String(w, 8, 200, StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no weights in " + model);
    }

    @Test
    void aFloat64ModelTrainsAndEveryCommandUsesIt() throws IOException {
        Path m = train("f64.flow", "--flow", "realnvp", "--dtype", "float64");
        FlowModel model = ModelFile.load(m);
        assertEquals(DType.FLOAT64, model.spec().orElseThrow().dtype());
        model.flow().parameters().forEach((k, p) -> assertEquals(DType.FLOAT64, p.value().dtype(), k));
        assertTrue(weightsHeader(m).contains("\"F64\"") && !weightsHeader(m).contains("\"F32\""), weightsHeader(m));

        double[][] rows = Toys.generate("moons", 300, 9);
        StringBuilder csv = new StringBuilder("x0,x1\n");
        for (double[] r : rows) {
            csv.append(r[0]).append(',').append(r[1]).append('\n');
        }
        Path data = dir.resolve("rows.csv");
        Files.writeString(data, csv);
        Run eval = run("eval", "--model", m.toString(), "--data", data.toString());
        assertEquals(0, eval.code(), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        double[] lp = model.logProb(rows, null);
        double nll = -Arrays.stream(lp).sum() / lp.length;
        assertEquals(300, json.get("n").asInt());
        assertEquals(nll, json.get("nll").asDouble(), 1e-12 * Math.abs(nll));
        FlowModel untrained = FlowModel.untrained(model.spec().orElseThrow(), model.preprocessing());
        double start = -Arrays.stream(untrained.logProb(rows, null)).sum() / rows.length;
        assertTrue(nll < start - 0.05, "training lowered the NLL from " + start + " to " + nll);

        Path scores = dir.resolve("scores.csv");
        assertEquals(0, run("score", "--model", m.toString(), "--data", data.toString(), "--out", scores.toString()).code());
        assertEquals(lp[0], Double.parseDouble(Files.readAllLines(scores).get(1)), 0.0);
        Run a = run("sample", "--model", m.toString(), "-n", "4", "--seed", "2");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), run("sample", "--model", m.toString(), "-n", "4", "--seed", "2").out());
        Path png = dir.resolve("f64.png");
        Run plot = run("plot", "--model", m.toString(), "--out", png.toString(), "--data", "toy:moons", "-n", "200");
        assertEquals(0, plot.code(), plot.err());
        assertTrue(Files.size(png) > 0);
    }

    @Test
    void resnetAndDropoutAreSavedAndEvaluationIsDeterministic() throws IOException {
        Path m = dir.resolve("resnet.flow");
        Run r = run("train", "--data", "toy:moons", "--rows", "1000", "--flow", "nsf", "--layers", "2", "--hidden",
                "16,16", "--epochs", "3", "--threads", "1", "--conditioner", "resnet", "--dropout", "0.1", "--out",
                m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resnet") && r.out().contains("dropout=0.1"), r.out());
        FlowModel model = ModelFile.load(m);
        assertEquals("resnet", model.spec().orElseThrow().conditioner());
        assertEquals(0.1, model.spec().orElseThrow().dropout(), 0.0);
        assertTrue(model.flow().parameters().keySet().stream().anyMatch(k -> k.contains("blocks.1.linear_layers")));
        Run e1 = run("eval", "--model", m.toString(), "--data", "toy:moons", "--rows", "500");
        Run e2 = run("eval", "--model", m.toString(), "--data", "toy:moons", "--rows", "500");
        assertEquals(0, e1.code(), e1.err());
        assertEquals(e1.out(), e2.out());

        FlowModel maf = ModelFile.load(train("maf.flow", "--flow", "maf", "--dropout", "0.2"));
        assertEquals(0.2, maf.spec().orElseThrow().dropout(), 0.0);
        assertEquals("mlp", maf.spec().orElseThrow().conditioner());
    }

    @Test
    void weightDecayChangesTheTrainedWeights() throws IOException {
        double[][] probe = {{0.1, 0.2}, {1.0, -0.5}};
        double[] plain = ModelFile.load(train("plain.flow", "--flow", "realnvp")).logProb(probe, null);
        double[] again = ModelFile.load(train("again.flow", "--flow", "realnvp")).logProb(probe, null);
        double[] decayed = ModelFile.load(train("wd.flow", "--flow", "realnvp", "--weight-decay", "0.5"))
                .logProb(probe, null);
        assertArrayEquals(plain, again, 0.0, "the same options train the same model");
        assertFalse(Arrays.equals(plain, decayed), "--weight-decay reaches the optimizer");
    }

    @Test
    void badValuesPrintOneLineAndExitTwo() {
        String out = dir.resolve("bad.flow").toString();
        String[][] cases = {
            {"--dropout", "1"}, {"--dropout", "-0.5"}, {"--conditioner", "cnn"}, {"--dtype", "float16"},
            {"--conditioner", "resnet", "--flow", "maf"}, {"--conditioner", "resnet", "--hidden", "16,8"}};
        String[][] expected = {
            {"--dropout", "[0, 1)", "1.0"}, {"--dropout", "-0.5"}, {"--conditioner", "mlp or resnet", "'cnn'"},
            {"--dtype", "float32 or float64", "'float16'"}, {"resnet", "[nice, realnvp, nsf]", "'maf'"},
            {"resnet", "equal hidden widths", "[16, 8]"}};
        for (int i = 0; i < cases.length; i++) {
            String[] args = {"train", "--data", "toy:moons", "--rows", "200", "--epochs", "1", "--out", out};
            args = Arrays.copyOf(args, args.length + cases[i].length);
            System.arraycopy(cases[i], 0, args, args.length - cases[i].length, cases[i].length);
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            for (String w : expected[i]) {
                assertTrue(r.err().contains(w), "'" + w + "' in: " + r.err());
            }
            assertFalse(Files.exists(dir.resolve("bad.flow")));
        }
    }
}
