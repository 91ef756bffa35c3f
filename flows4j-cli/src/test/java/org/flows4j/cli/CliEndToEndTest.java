package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.flows4j.check.TransformChecker;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process: train, eval, score, sample, plot, check, and every bad input. */
class CliEndToEndTest {
    @TempDir
    static Path dir;
    static Path model;

    /** The exit code and what was printed. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainASmallModel() {
        model = dir.resolve("m.flow");
        Run r = run("train", "--data", "toy:moons", "--rows", "3000", "--flow", "nsf", "--layers", "2", "--hidden", "16,16",
                "--epochs", "8", "--threads", "1", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test NLL"), r.out());
        assertTrue(Files.exists(model));
    }

    @Test
    void evalPrintsOneJsonObjectWithTheNllOfTheData() throws IOException {
        Run r = run("eval", "--model", model.toString(), "--data", "toy:moons", "--rows", "2000");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2000, json.get("n").asInt());
        double nll = json.get("nll").asDouble();
        assertTrue(nll > 2.391 - 0.1 && nll < 3.5, "a briefly trained flow is near the moons entropy: " + nll);
        assertEquals(nll / (2 * Math.log(2)), json.get("bits_per_dim").asDouble(), 1e-12);
        assertTrue(json.get("nll_stderr").asDouble() > 0);
    }

    @Test
    void scoreGivesOneLogDensityPerRowInOrder() throws IOException {
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "x0,x1\n0.0,0.5\n1.0,-0.5\n9.0,9.0\n");
        Path scores = dir.resolve("scores.csv");
        Run r = run("score", "--model", model.toString(), "--data", csv.toString(), "--out", scores.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(scores);
        assertEquals("log_prob", lines.get(0));
        assertEquals(4, lines.size());
        FlowModel m = ModelFile.load(model);
        double[] expected = m.logProb(new double[][] {{0, 0.5}, {1, -0.5}, {9, 9}}, null);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], Double.parseDouble(lines.get(i + 1)), 0.0);
        }
        assertTrue(expected[2] < expected[0] - 10, "a far-away point scores much lower");
    }

    @Test
    void sampleIsReproducibleAndHasTheModelsColumns() throws IOException {
        Run a = run("sample", "--model", model.toString(), "-n", "5", "--seed", "3");
        Run b = run("sample", "--model", model.toString(), "-n", "5", "--seed", "3");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        String[] lines = a.out().split("\n");
        assertEquals("x0,x1", lines[0]);
        assertEquals(6, lines.length);
        Path out = dir.resolve("samples.csv");
        assertEquals(0, run("sample", "--model", model.toString(), "-n", "5", "--seed", "3", "--out", out.toString()).code());
        assertEquals(a.out(), Files.readString(out));
    }

    @Test
    void plotWritesADensityPictureAndATrainingCurve() throws IOException {
        Path png = dir.resolve("density.png");
        assertEquals(0, run("plot", "--model", model.toString(), "--out", png.toString(), "--data", "toy:moons", "-n", "300").code());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
        Path curve = dir.resolve("curve.png");
        Run r = run("plot", "--model", model.toString(), "--out", curve.toString(), "--training-curve");
        assertEquals(0, r.code(), r.err());
        assertTrue(ImageIO.read(curve.toFile()).getWidth() > 100);
    }

    @Test
    void checkPrintsATableAndPassesTheBuiltins() {
        Run r = run("check", "--transform", "affine-coupling", "--dim", "3");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("affine-coupling") && l.contains("pass")), r.out());
        Run list = run("check", "--list");
        assertTrue(list.out().contains("flow:nsf-ar"), list.out());
        assertEquals(TransformChecker.builtinTransforms(3).keySet().stream().toList(), list.out().lines().toList(),
                "the list is the library's");
    }

    @Test
    void everyBadInputPrintsOneLineAndExitsTwo() throws IOException {
        Path text = dir.resolve("text.csv");
        Files.writeString(text, "x0,x1\n1.0,abc\n");
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "x0,x1\n1.0,NaN\n");
        Path wide = dir.resolve("wide.csv");
        Files.writeString(wide, "1,2,3\n4,5,6\n");
        Path corrupt = dir.resolve("corrupt.flow");
        byte[] good = Files.readAllBytes(model);
        Files.write(corrupt, java.util.Arrays.copyOf(good, good.length / 3));
        String m = model.toString();
        String[][] cases = {
            {"eval", "--model", dir.resolve("missing.flow").toString(), "--data", "toy:moons"},
            {"eval", "--model", m, "--data", dir.resolve("missing.csv").toString()},
            {"score", "--model", m, "--data", wide.toString()},
            {"score", "--model", m, "--data", text.toString()},
            {"score", "--model", m, "--data", nan.toString()},
            {"train", "--data", "toy:nosuchtoy", "--out", dir.resolve("x.flow").toString()},
            {"train", "--data", "toy:moons", "--flow", "glow", "--out", dir.resolve("x.flow").toString()},
            {"sample", "--model", m, "-n", "-3"},
            {"eval", "--model", corrupt.toString(), "--data", "toy:moons"},
            {"train", "--data", "toy:moons", "--out", dir.resolve("y.flow").toString(), "--bogus-option"},
            {"train", "--data", "toy:moons", "--rows", "200", "--shards", "0", "--out", dir.resolve("z.flow").toString()},
        };
        String[] expectedWords = {"missing.flow", "missing.csv", "expected 2 columns", "abc", "NaN", "nosuchtoy", "glow",
            "-3", "corrupt.flow", "bogus", "shards must be >= 1, got 0"};
        for (int i = 0; i < cases.length; i++) {
            Run r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains(expectedWords[i]), "error names the problem: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        }
        Run verbose = run("--verbose", "sample", "--model", m, "-n", "-3");
        assertTrue(verbose.err().contains("\tat "), "--verbose adds the stack trace");
    }

    @Test
    void aConditionalThreeColumnModelFromCsvScoresAndPlotsPairs() throws IOException {
        StringBuilder csv = new StringBuilder("a,label,b,c,temp\n");
        org.flows4j.tensor.Rng rng = new org.flows4j.tensor.Rng(5);
        for (int i = 0; i < 600; i++) {
            double t = rng.nextGaussian();
            csv.append(t + rng.nextGaussian() * 0.3).append(",x,").append(-t).append(',')
                    .append(rng.nextGaussian()).append(',').append(t).append('\n');
        }
        Path data = dir.resolve("table.csv");
        Files.writeString(data, csv);
        Path m = dir.resolve("cond.flow");
        Run r = run("train", "--data", data.toString(), "--columns", "a,b,c", "--context-columns", "temp", "--flow", "maf",
                "--layers", "2", "--hidden", "8", "--epochs", "3", "--out", m.toString());
        assertEquals(0, r.code(), r.err());
        FlowModel model = ModelFile.load(m);
        assertEquals(List.of("a", "b", "c"), model.columns());
        assertEquals(List.of("temp"), model.contextColumns());
        Run scores = run("score", "--model", m.toString(), "--data", data.toString());
        assertEquals(0, scores.code(), scores.err());
        assertEquals(601, scores.out().strip().lines().count());
        Path png = dir.resolve("pairs.png");
        Run plot = run("plot", "--model", m.toString(), "--data", data.toString(), "--context", "0.5", "-n", "200",
                "--out", png.toString());
        assertEquals(0, plot.code(), plot.err());
        assertTrue(ImageIO.read(png.toFile()).getWidth() > 200);
        Run noContext = run("sample", "--model", m.toString(), "-n", "3");
        assertEquals(2, noContext.code());
        assertTrue(noContext.err().contains("context"), noContext.err());
    }

    @Test
    void trainWritesACheckpointThatResumes() throws IOException {
        Path ckpt = dir.resolve("run.ckpt");
        Path first = dir.resolve("first.flow");
        Path second = dir.resolve("second.flow");
        String[] common = {"train", "--data", "toy:8gaussians", "--rows", "1000", "--flow", "realnvp", "--layers", "2",
            "--hidden", "8", "--epochs", "3", "--threads", "1"};
        assertEquals(0, run(concat(common, "--checkpoint", ckpt.toString(), "--out", first.toString())).code());
        Run r = run(concat(common, "--resume", ckpt.toString(), "--out", second.toString()));
        assertEquals(0, r.code(), r.err());
        double[][] probe = {{0.1, 0.2}, {2.0, -2.0}};
        assertArrayEquals(ModelFile.load(first).logProb(probe, null), ModelFile.load(second).logProb(probe, null), 0.0,
                "resuming a finished run keeps its best weights");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aFailedCommandNeverOverwritesAnExistingFile() throws IOException {
        Path existing = dir.resolve("keep.flow");
        Files.write(existing, new byte[] {1, 2, 3});
        Run r = run("train", "--data", "toy:nosuchtoy", "--out", existing.toString());
        assertEquals(2, r.code());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(existing));
        Path scores = dir.resolve("keep.csv");
        Files.writeString(scores, "precious");
        Path nan = dir.resolve("nan2.csv");
        Files.writeString(nan, "x0,x1\n1.0,NaN\n");
        assertEquals(2, run("score", "--model", model.toString(), "--data", nan.toString(), "--out", scores.toString()).code());
        assertEquals("precious", Files.readString(scores));
    }
}
