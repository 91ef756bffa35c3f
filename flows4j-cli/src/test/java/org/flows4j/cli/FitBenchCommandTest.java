package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flows4j.data.CsvReader;
import org.flows4j.data.Fmnist49;
import org.flows4j.data.Table;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flows4j data fmnist49} writes the two tables of the recipe, and {@code flows4j fit-bench} trains on
 * one and prints, per flow, a JSON line whose test NLL is the mean of the model's own log-densities of the
 * test file; bad input gets one line and exit code 2.
 */
class FitBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void dataWritesTheFmnist49TablesAndFitBenchScoresTheTestFile() throws IOException {
        CliEndToEndTest.Run d = CliEndToEndTest.run("data", "fmnist49", "--out", dir.toString());
        assertEquals(0, d.code(), d.err());
        Path trainCsv = dir.resolve("fmnist49-train.csv");
        Path testCsv = dir.resolve("fmnist49-test.csv");
        List<String> lines = Files.readAllLines(testCsv);
        assertEquals(Fmnist49.TEST_ROWS + 1, lines.size());
        assertEquals(Fmnist49.COLUMNS, lines.get(0).split(",").length);
        assertEquals(Fmnist49.TRAIN_ROWS + 1, Files.readAllLines(trainCsv).size());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");

        Path small = dir.resolve("small-train.csv");
        Files.write(small, Files.readAllLines(trainCsv).subList(0, 801));
        Path smallTest = dir.resolve("small-test.csv");
        Files.write(smallTest, lines.subList(0, 301));
        Path models = dir.resolve("models");
        CliEndToEndTest.Run r = CliEndToEndTest.run("fit-bench", "--train", small.toString(), "--test",
                smallTest.toString(), "--flows", "maf,nsf", "--epochs", "2", "--hidden", "16,16", "--layers", "2",
                "--threads", "1", "--models", models.toString());
        assertEquals(0, r.code(), r.err());
        String[] out = r.out().trim().split("\n");
        assertEquals(2, out.length, r.out());
        Table test = new CsvReader().read(smallTest);
        for (int i = 0; i < 2; i++) {
            JsonNode j = new ObjectMapper().readTree(out[i]);
            String flow = j.get("flow").asText();
            assertEquals(i == 0 ? "maf" : "nsf", flow);
            FlowModel m = ModelFile.load(models.resolve(flow + ".flow"));
            double[] lp = m.logProb(test.rows(), null);
            double mean = 0;
            for (double v : lp) {
                mean -= v / lp.length;
            }
            assertEquals(mean, j.get("test_nll").asDouble(), 1e-9 * Math.max(1, Math.abs(mean)));
            assertEquals(300, j.get("test_rows").asInt());
            assertTrue(j.get("test_nll_stderr").asDouble() > 0);
            assertEquals(720, m.summary().orElseThrow().trainRows(), "90% of 800 rows train, 10% validate");
            assertEquals(2, j.get("epochs").asInt());
        }
        Path curve = dir.resolve("reference.csv");
        Files.writeString(curve, "epoch,train_nll,validation_nll\n1,40.0,45.0\n2,30.0,38.0\n");
        Path plain = dir.resolve("plain.png");
        Path both = dir.resolve("both.png");
        String maf = models.resolve("maf.flow").toString();
        assertEquals(0, CliEndToEndTest.run("plot", "--model", maf, "--training-curve", "--out", plain.toString()).code());
        CliEndToEndTest.Run p = CliEndToEndTest.run("plot", "--model", maf, "--training-curve", "--compare", curve.toString(),
                "--compare-label", "zuko", "--out", both.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(both)),
                "the compared run is drawn");
        Files.writeString(curve, "epoch,loss\n1,2\n");
        CliEndToEndTest.Run bad = CliEndToEndTest.run("plot", "--model", maf, "--training-curve", "--compare",
                curve.toString(), "--out", both.toString());
        assertEquals(2, bad.code(), bad.err());
    }

    @Test
    void seedsRunsEachFlowPerSeedAndSummarizesTheRuns() throws IOException {
        Path csv = dir.resolve("ring.csv");
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 400; i++) {
            double t = 2.399963 * i;
            sb.append(Math.cos(t) + 0.1 * Math.sin(7.1 * i)).append(',').append(Math.sin(t) + 0.1 * Math.cos(5.3 * i))
                    .append('\n');
        }
        Files.writeString(csv, sb.toString());
        Path models = dir.resolve("seeded");
        CliEndToEndTest.Run r = CliEndToEndTest.run("fit-bench", "--train", csv.toString(), "--test", csv.toString(),
                "--flows", "realnvp", "--epochs", "2", "--hidden", "8,8", "--layers", "2", "--threads", "1",
                "--seed", "5", "--seeds", "3", "--models", models.toString());
        assertEquals(0, r.code(), r.err());
        String[] out = r.out().trim().split("\n");
        assertEquals(4, out.length, r.out());
        double[] nll = new double[3];
        for (int i = 0; i < 3; i++) {
            JsonNode j = new ObjectMapper().readTree(out[i]);
            assertEquals(5 + i, j.get("seed").asInt());
            nll[i] = j.get("test_nll").asDouble();
            assertTrue(Files.exists(models.resolve("realnvp-seed" + (5 + i) + ".flow")));
        }
        assertTrue(nll[0] != nll[1] && nll[1] != nll[2], "each seed is its own run: " + r.out());
        JsonNode s = new ObjectMapper().readTree(out[3]);
        double mean = (nll[0] + nll[1] + nll[2]) / 3;
        double sd = Math.sqrt(((nll[0] - mean) * (nll[0] - mean) + (nll[1] - mean) * (nll[1] - mean)
                + (nll[2] - mean) * (nll[2] - mean)) / 2);
        assertEquals(3, s.get("seeds").asInt());
        assertEquals(mean, s.get("mean_test_nll").asDouble(), 1e-12 * Math.max(1, Math.abs(mean)));
        assertEquals(sd, s.get("sd_test_nll").asDouble(), 1e-12 * Math.max(1, sd));
        assertEquals(sd / Math.sqrt(3), s.get("mean_test_nll_stderr").asDouble(), 1e-12 * Math.max(1, sd));
        assertEquals(Math.min(nll[0], Math.min(nll[1], nll[2])), s.get("best_test_nll").asDouble());
        assertEquals(Math.max(nll[0], Math.max(nll[1], nll[2])), s.get("worst_test_nll").asDouble());
        CliEndToEndTest.Run bad = CliEndToEndTest.run("fit-bench", "--train", csv.toString(), "--test", csv.toString(),
                "--seeds", "0");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--seeds") && bad.err().lines().count() == 1, bad.err());
    }

    @Test
    void anUnknownDataSetIsOneLineAndExitCodeTwo() {
        CliEndToEndTest.Run r = CliEndToEndTest.run("data", "mnist", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected the data set fmnist49, got 'mnist'"), r.err());
        assertEquals(1, r.err().trim().split("\n").length, r.err());
    }

    @Test
    void trainRejectsAnUnknownSchedule() {
        CliEndToEndTest.Run r = CliEndToEndTest.run("train", "--data", "toy:moons", "--schedule", "linear", "--out",
                dir.resolve("m.flow").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected cosine or constant, got 'linear'"), r.err());
    }

    @Test
    void trainRecordsTheArchitectureOptionsInTheModel() throws IOException {
        Path m = dir.resolve("old.flow");
        CliEndToEndTest.Run r = CliEndToEndTest.run("train", "--data", "toy:moons", "--rows", "600", "--flow", "realnvp",
                "--layers", "2", "--hidden", "8,8", "--epochs", "1", "--threads", "1", "--no-both-halves",
                "--input-bound", "0", "--affine-scale", "tanh", "--out", m.toString());
        assertEquals(0, r.code(), r.err());
        org.flows4j.flows.FlowSpec old = ModelFile.load(m).spec().orElseThrow();
        assertTrue(!old.bothHalves() && old.inputBound() == 0 && old.affineScale().equals("tanh"), old.toString());
        Path d = dir.resolve("new.flow");
        assertEquals(0, CliEndToEndTest.run("train", "--data", "toy:moons", "--rows", "600", "--flow", "realnvp",
                "--layers", "2", "--hidden", "8,8", "--epochs", "1", "--threads", "1", "--out", d.toString()).code());
        org.flows4j.flows.FlowSpec now = ModelFile.load(d).spec().orElseThrow();
        assertTrue(now.bothHalves() && now.inputBound() == 3 && now.affineScale().equals("soft"), now.toString());
        CliEndToEndTest.Run bad = CliEndToEndTest.run("train", "--data", "toy:moons", "--affine-scale", "exp", "--out",
                dir.resolve("bad.flow").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown affineScale 'exp'"), bad.err());
    }
}
