package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flows4j vi}: fits, prints its estimates as JSON, saves a loadable model, resumes; and {@code plot --target}. */
class ViCommandTest {
    private static final double U1_LOG_Z = 1.8775;

    @TempDir
    Path dir;

    private static JsonNode json(CliEndToEndTest.Run r) throws IOException {
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(1, lines.length, r.out());
        return new ObjectMapper().readTree(lines[0]);
    }

    @Test
    void fitsU1AndItsLogZEstimateIsCloseWithAHighEss() throws IOException {
        Path out = dir.resolve("u1.flow");
        JsonNode j = json(CliEndToEndTest.run("vi", "--target", "u1", "--flow", "realnvp", "--layers", "4", "--hidden",
                "32,32", "--steps", "2000", "--samples", "256", "--estimate-samples", "16384", "--threads", "1",
                "--out", out.toString()));
        assertEquals(2000, j.get("steps").asInt());
        assertEquals(U1_LOG_Z, j.get("log_z_true").asDouble(), 1e-4);
        double logZ = j.get("log_z").asDouble();
        assertTrue(Math.abs(logZ - U1_LOG_Z) < 0.05, "log Z estimate " + logZ);
        assertTrue(j.get("ess_fraction").asDouble() > 0.7, j.toString());
        assertTrue(j.get("elbo").asDouble() <= logZ + 4 * j.get("log_z_stderr").asDouble(),
                "the ELBO is a lower bound of log Z: " + j);
        assertEquals(0, j.get("refused_steps").asInt());
        FlowModel m = ModelFile.load(out);
        double[][] x = m.sample(5, null, new Rng(1));
        double[] lp = m.logProb(x, null);
        for (double v : lp) {
            assertTrue(Double.isFinite(v), "log q of a sample " + v);
        }
    }

    @Test
    void aBoxedTargetsFlowSamplesInsideTheBoxAfterReload() throws IOException {
        Path out = dir.resolve("u2.flow");
        JsonNode j = json(CliEndToEndTest.run("vi", "--target", "u2", "--flow", "nsf", "--layers", "2", "--hidden",
                "16,16", "--steps", "60", "--samples", "64", "--estimate-samples", "1024", "--threads", "1", "--out",
                out.toString()));
        assertTrue(Double.isFinite(j.get("log_z").asDouble()), j.toString());
        double[][] x = ModelFile.load(out).sample(2000, null, new Rng(3));
        for (double[] row : x) {
            for (double v : row) {
                assertTrue(v >= -4 && v <= 4, "a sample outside [-4, 4]: " + v);
            }
        }
        Path png = dir.resolve("u2.png");
        CliEndToEndTest.Run plot = CliEndToEndTest.run("plot", "--model", out.toString(), "--target", "u2", "--out",
                png.toString(), "-n", "300");
        assertEquals(0, plot.code(), "grid points outside the box get no density, not an error: " + plot.err());
    }

    @Test
    void aResumedRunEndsWithTheSameModelAsAnUninterruptedOne() throws IOException {
        String[] common = {"vi", "--target", "ring", "--flow", "realnvp", "--layers", "2", "--hidden", "16,16",
            "--samples", "64", "--estimate-samples", "256", "--threads", "1"};
        Path whole = dir.resolve("whole.flow");
        json(CliEndToEndTest.run(concat(common, "--steps", "40", "--out", whole.toString())));
        Path ckpt = dir.resolve("run.ckpt");
        Path first = dir.resolve("first.flow");
        json(CliEndToEndTest.run(concat(common, "--steps", "40", "--checkpoint", ckpt.toString(), "--checkpoint-every",
                "30", "--out", first.toString())));
        assertTrue(Files.exists(ckpt));
        Path resumed = dir.resolve("resumed.flow");
        JsonNode j = json(CliEndToEndTest.run(concat(common, "--steps", "40", "--resume", ckpt.toString(), "--out",
                resumed.toString())));
        assertEquals(40, j.get("steps").asInt());
        double[][] x = ModelFile.load(whole).sample(50, null, new Rng(9));
        assertArrayEquals(ModelFile.load(whole).logProb(x, null), ModelFile.load(resumed).logProb(x, null));
    }

    @Test
    void badInputPrintsOneLineAndExitsTwo() {
        Path out = dir.resolve("bad.flow");
        String[][] cases = {
            {"--target", "u9", "u1, u2"},
            {"--target", "u1", "--flow", "glow", "glow"},
            {"--target", "u1", "--steps", "0", "steps"},
            {"--target", "u1", "--steps", "100", "--warmup", "500", "--warmup"},
            {"--target", "u1", "--samples", "-5", "-5"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length - 1];
            System.arraycopy(c, 0, args, 0, args.length);
            CliEndToEndTest.Run r = CliEndToEndTest.run(concat(concat(new String[] {"vi"}, args), "--out",
                    out.toString()));
            assertEquals(2, r.code(), () -> String.join(" ", c) + ": " + r.err());
            String[] lines = r.err().strip().split("\\R");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].contains(c[c.length - 1]), lines[0]);
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void plotDrawsTheTargetBesideTheFittedDensity() throws IOException {
        Path model = dir.resolve("u1.flow");
        json(CliEndToEndTest.run("vi", "--target", "u1", "--flow", "planar", "--layers", "4", "--steps", "50",
                "--estimate-samples", "256", "--threads", "1", "--out", model.toString()));
        Path png = dir.resolve("u1.png");
        CliEndToEndTest.Run r = CliEndToEndTest.run("plot", "--model", model.toString(), "--target", "u1", "--out",
                png.toString(), "-n", "300");
        assertEquals(0, r.code(), r.err());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * DensityPlot.WIDTH, image.getWidth());
        assertEquals(DensityPlot.HEIGHT, image.getHeight());
        CliEndToEndTest.Run bad = CliEndToEndTest.run("plot", "--model", model.toString(), "--target", "funnel",
                "--out", png.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("10-D target funnel"), bad.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
