package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image flows on the command line: train glow on an IDX file, eval in bits/dim, sample an image grid. */
class ImageCliTest {
    @TempDir
    static Path dir;
    static Path images;
    static Path model;

    /**
     * 120 8x8 unsigned-byte images (a gzipped IDX file like Fashion-MNIST's): a bright square on a dark background
     * at a random place, with noise.
     */
    static Path writeImages(Path file, int n) throws IOException {
        Rng rng = new Rng(5);
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(0x00000803);
            out.writeInt(n);
            out.writeInt(8);
            out.writeInt(8);
            for (int k = 0; k < n; k++) {
                int r0 = rng.nextInt(5);
                int c0 = rng.nextInt(5);
                for (int r = 0; r < 8; r++) {
                    for (int c = 0; c < 8; c++) {
                        boolean in = r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3;
                        out.writeByte((in ? 200 : 20) + rng.nextInt(30));
                    }
                }
            }
        }
        return file;
    }

    @BeforeAll
    static void trainASmallGlow() throws IOException {
        images = writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 120);
        model = dir.resolve("glow.flow");
        CliEndToEndTest.Run r = CliEndToEndTest.run("train", "--data", images.toString(), "--flow", "glow",
                "--levels", "2", "--steps", "2", "--channels", "8", "--epochs", "3", "--batch", "16", "--lr", "1e-3",
                "--threads", "1", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("image=1x8x8") && r.out().contains("levels=2"), r.out());
    }

    @Test
    void theModelIsAGlowOverTheImageShapeAndUnstandardized() throws IOException {
        FlowModel m = ModelFile.load(model);
        assertEquals("glow", m.spec().orElseThrow().kind());
        assertEquals(new ImageShape(1, 8, 8), m.spec().orElseThrow().image());
        assertEquals(2, m.spec().orElseThrow().layers());
        assertEquals(256, m.preprocessing().dequantizeLevels());
        assertEquals(null, m.preprocessing().data(), "pixels are modelled on the [0, 1) scale, not standardized");
    }

    @Test
    void evalReportsBitsPerDimOnTheEightBitScaleForTheFirstRows() throws IOException {
        CliEndToEndTest.Run r = CliEndToEndTest.run("eval", "--model", model.toString(), "--data", images.toString(),
                "--limit", "50");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(50, json.get("n").asInt());
        double nll = json.get("nll").asDouble();
        assertEquals(nll / (64 * Math.log(2)) + 8, json.get("bits_per_dim").asDouble(), 1e-9);
        assertTrue(json.get("bits_per_dim").asDouble() > 0 && json.get("bits_per_dim").asDouble() < 8,
                "a trained model beats the uniform density's 8 bits/dim: " + r.out());
    }

    @Test
    void sampleWritesAnImageGridAtATemperature() throws IOException {
        Path png = dir.resolve("grid.png");
        CliEndToEndTest.Run r = CliEndToEndTest.run("sample", "--model", model.toString(), "-n", "6", "--columns",
                "3", "--temperature", "0.7", "--png", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(3 * (8 + ImageGrid.GAP) + ImageGrid.GAP, img.getWidth());
        assertEquals(2 * (8 + ImageGrid.GAP) + ImageGrid.GAP, img.getHeight());
        int first = img.getRGB(ImageGrid.GAP + 3, ImageGrid.GAP + 3);
        int gap = img.getRGB(0, 0);
        assertEquals(0xff000000, gap, "the gap is black");
        int grey = first & 0xff;
        assertEquals(grey, first >> 8 & 0xff, "one channel is drawn grey");
        CliEndToEndTest.Run cold = CliEndToEndTest.run("sample", "--model", model.toString(), "-n", "6", "--columns",
                "3", "--temperature", "0.1", "--png", dir.resolve("cold.png").toString());
        assertEquals(0, cold.code(), cold.err());
        BufferedImage coldImg = ImageIO.read(dir.resolve("cold.png").toFile());
        assertNotEquals(java.util.Arrays.toString(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0,
                img.getWidth())), java.util.Arrays.toString(coldImg.getRGB(0, 0, img.getWidth(), img.getHeight(), null,
                0, img.getWidth())), "another temperature draws other images from the same seed");
    }

    @Test
    void aTemperatureScalesTheLatentsOfTheDraws() throws IOException {
        FlowModel m = ModelFile.load(model);
        double[][] cold = m.sample(200, null, new Rng(1), 0.5);
        double[][] z = m.flow().toLatent(cold);
        double ss = 0;
        for (double[] row : z) {
            for (double v : row) {
                ss += v * v;
            }
        }
        assertEquals(0.25, ss / (200.0 * 64), 0.02, "latents of draws at T = 0.5 have variance T^2");
    }

    @Test
    void theImageDemoTrainsForItsTimeAndWritesSamplesBesideData() throws IOException {
        Path out = dir.resolve("demo");
        CliEndToEndTest.Run r = CliEndToEndTest.run("demo", "--images", "--images-data", images.toString(),
                "--seconds", "2", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test bits/dim"), r.out());
        BufferedImage img = ImageIO.read(out.resolve("images.png").toFile());
        int grid = 8 * (8 + ImageGrid.GAP) + ImageGrid.GAP;
        assertEquals(2 * grid + 4 * ImageGrid.GAP, img.getWidth());
        assertEquals(grid, img.getHeight());
        assertEquals(0xffffffff, img.getRGB(grid + 1, 5), "a white band between samples and data");
        assertTrue(Files.exists(out.resolve("glow.flow")));
        CliEndToEndTest.Run missing = CliEndToEndTest.run("demo", "--images", "--images-data",
                dir.resolve("none.gz").toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.gz"), missing.err());
    }

    @Test
    void imageOptionsRefuseNonImageDataAndBadValuesInOneLine() {
        CliEndToEndTest.Run r = CliEndToEndTest.run("train", "--data", "toy:moons", "--flow", "glow", "--out",
                dir.resolve("x.flow").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("glow") && r.err().contains("IDX"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        r = CliEndToEndTest.run("sample", "--model", model.toString(), "-n", "4", "--temperature", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("temperature") && r.err().contains("0"), r.err());
        r = CliEndToEndTest.run("train", "--data", images.toString(), "--flow", "glow", "--levels", "4", "--out",
                dir.resolve("y.flow").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("divisible by 16") && r.err().contains("1x8x8"), r.err());
    }
}
