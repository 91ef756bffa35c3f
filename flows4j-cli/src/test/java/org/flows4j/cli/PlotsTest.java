package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.flows4j.flows.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO could not decode " + png);
        return image;
    }

    static int distinctColors(BufferedImage image) {
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colors.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return colors.size();
    }

    static double[][] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return rows;
    }

    static double[][] shifted(double[][] rows, double dx) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
            out[i][0] += dx;
        }
        return out;
    }

    static long count(BufferedImage image, IntPredicate rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += rgb.test(image.getRGB(x, y) & 0xFFFFFF) ? 1 : 0;
            }
        }
        return n;
    }

    static int red(int rgb) {
        return rgb >> 16 & 0xFF;
    }

    static int green(int rgb) {
        return rgb >> 8 & 0xFF;
    }

    static int blue(int rgb) {
        return rgb & 0xFF;
    }

    static List<Path> listing(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.toList();
        }
    }

    static final Function<double[][], double[]> STANDARD_NORMAL = q -> {
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = -0.5 * (q[i][0] * q[i][0] + q[i][1] * q[i][1]) - Math.log(2 * Math.PI);
        }
        return out;
    };

    @Test
    void density2dWritesADecodablePngOfTheDocumentedSize() throws IOException {
        Path out = dir.resolve("density.png");
        Plots.density2d(out, STANDARD_NORMAL, gaussian(500, 2, 1), "standard normal");
        BufferedImage image = read(out);
        assertEquals(800, image.getWidth());
        assertEquals(700, image.getHeight());
        assertTrue(distinctColors(image) > 200, "distinct colors " + distinctColors(image));
        assertEquals(List.of(out), listing(dir));
    }

    @Test
    void scatterWritesSamplesAndOptionalDataInTwoColors() throws IOException {
        Path both = dir.resolve("both.png");
        Path alone = dir.resolve("alone.png");
        double[][] samples = gaussian(400, 2, 2);
        Plots.scatter(both, samples, shifted(gaussian(400, 2, 3), 5), "samples vs data");
        Plots.scatter(alone, samples, null, "samples");
        BufferedImage withData = read(both);
        BufferedImage withoutData = read(alone);
        assertEquals(800, withData.getWidth());
        assertEquals(700, withData.getHeight());
        assertTrue(distinctColors(withData) > 20, "distinct colors " + distinctColors(withData));
        long blueish = count(withData, c -> blue(c) - red(c) > 80);
        long orangeish = count(withData, c -> red(c) - blue(c) > 80);
        assertTrue(blueish > 200 && orangeish > 200, "blue " + blueish + ", orange " + orangeish);
        assertTrue(count(withoutData, c -> blue(c) - red(c) > 80) > 200);
        assertEquals(0, count(withoutData, c -> red(c) - blue(c) > 80));
    }

    @Test
    void pairPlotComposesOnePanelPerDimensionPair() throws IOException {
        Path out = dir.resolve("pairs.png");
        Plots.pairPlot(out, gaussian(300, 4, 4), shifted(gaussian(200, 4, 5), 1), new String[] {"a", "b", "c", "d"}, 3);
        BufferedImage image = read(out);
        assertEquals(3 * 240, image.getWidth());
        assertEquals(3 * 240, image.getHeight());
        assertTrue(distinctColors(image) > 20, "distinct colors " + distinctColors(image));

        Path wide = dir.resolve("wide.png");
        Plots.pairPlot(wide, gaussian(100, 8, 6), null, null);
        assertEquals(6 * 240, read(wide).getWidth());

        Path single = dir.resolve("single.png");
        Plots.pairPlot(single, gaussian(100, 1, 7), gaussian(50, 1, 8), null, 6);
        BufferedImage one = read(single);
        assertEquals(240, one.getWidth());
        assertEquals(240, one.getHeight());
    }

    @Test
    void histogramOutlineHasUnitAreaAndCountsTheLastEdge() {
        double[] values = {0.0, 0.02, 0.5, 1.0};
        double[][] xy = PairPlot.outline(values, new double[] {0, 1}, new double[] {-0.1, 1.1});
        double w = 1.0 / PairPlot.BINS;
        assertEquals(-0.1, xy[0][0], 0);
        assertEquals(1.1, xy[0][xy[0].length - 1], 0);
        double area = 0;
        for (int i = 1; i < xy[0].length; i++) {
            if (xy[1][i] == xy[1][i - 1]) {
                area += (xy[0][i] - xy[0][i - 1]) * xy[1][i];
            }
        }
        assertEquals(1.0, area, 1e-12);
        assertEquals(2 / (4 * w), xy[1][2], 1e-9);
        assertEquals(1 / (4 * w), xy[1][2 * PairPlot.BINS + 1], 1e-9);
    }

    @Test
    void trainingCurveWritesAPngAndSkipsMissingValidation() throws IOException {
        List<EpochStats> history = new ArrayList<>();
        for (int e = 1; e <= 20; e++) {
            history.add(new EpochStats(e, 10L * e, 3.0 / e + 1, e % 4 == 0 ? Double.NaN : 3.3 / e + 1.1, 1e-3, 0.2));
        }
        Path out = dir.resolve("curve.png");
        Plots.trainingCurve(out, history);
        BufferedImage image = read(out);
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
        assertTrue(distinctColors(image) > 20, "distinct colors " + distinctColors(image));

        Path one = dir.resolve("one.png");
        Plots.trainingCurve(one, List.of(new EpochStats(1, 5, 2.0, Double.NaN, 1e-3, 0.1)));
        assertEquals(800, read(one).getWidth());
    }

    @Test
    void rendersHeadless() throws IOException {
        Plots.trainingCurve(dir.resolve("c.png"), List.of(new EpochStats(1, 5, 2.0, 2.5, 1e-3, 0.1)));
        assertNotNull(System.getProperty("java.awt.headless"));
    }

    @Test
    void badInputThrowsANamedErrorAndWritesNothing() {
        Path out = dir.resolve("bad.png");
        double[][] threeColumns = gaussian(10, 3, 9);
        assertMessage(() -> Plots.density2d(out, STANDARD_NORMAL, threeColumns, "t"), "Plots.density2d", "2 columns");
        assertMessage(() -> Plots.density2d(out, STANDARD_NORMAL, new double[0][], "t"), "Plots.density2d", "0 rows");
        assertMessage(() -> Plots.density2d(out, q -> new double[3], gaussian(10, 2, 1), "t"), "Plots.density2d",
                "14400");
        assertMessage(() -> Plots.density2d(out, q -> nan(q.length), gaussian(10, 2, 1), "t"), "Plots.density2d",
                "finite");
        assertMessage(() -> Plots.density2d(out, STANDARD_NORMAL, new double[][] {{0, Double.NaN}}, "t"),
                "Plots.density2d", "NaN");
        assertMessage(() -> Plots.scatter(out, threeColumns, null, "t"), "Plots.scatter", "row 0 has 3");
        assertMessage(() -> Plots.scatter(out, gaussian(5, 2, 1), threeColumns, "t"), "Plots.scatter", "reference");
        assertMessage(() -> Plots.pairPlot(out, gaussian(5, 3, 1), gaussian(5, 2, 1), null), "Plots.pairPlot",
                "3 columns");
        assertMessage(() -> Plots.pairPlot(out, gaussian(5, 3, 1), null, new String[] {"a"}), "Plots.pairPlot",
                "3 names");
        assertMessage(() -> Plots.pairPlot(out, gaussian(5, 3, 1), null, null, 0), "Plots.pairPlot", "maxDims");
        assertMessage(() -> Plots.trainingCurve(out, List.of()), "Plots.trainingCurve", "empty");
        assertMessage(() -> Plots.trainingCurve(out, List.of(new EpochStats(1, 1, Double.NaN, Double.NaN, 0, 0))),
                "Plots.trainingCurve", "finite");
        assertFalse(Files.exists(out));
    }

    private static double[] nan(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    @FunctionalInterface
    interface Plot {
        void run() throws IOException;
    }

    private static void assertMessage(Plot plot, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, plot::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void missingOutputDirectoryFailsWithoutCreatingIt() {
        Path missing = dir.resolve("no-such-dir");
        Path out = missing.resolve("density.png");
        IOException e = assertThrows(IOException.class,
                () -> Plots.density2d(out, STANDARD_NORMAL, gaussian(50, 2, 1), "t"));
        assertTrue(e.getMessage().contains("no-such-dir"), e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void existingFileIsUntouchedWhenThePlotThrows() throws IOException {
        Path out = dir.resolve("keep.png");
        Files.writeString(out, "old content");
        assertThrows(IllegalStateException.class, () -> Plots.density2d(out, q -> {
            throw new IllegalStateException("model failed");
        }, gaussian(50, 2, 1), "t"));
        assertThrows(IllegalArgumentException.class, () -> Plots.scatter(out, new double[0][], null, "t"));
        assertEquals("old content", Files.readString(out));
        assertEquals(List.of(out), listing(dir));
    }
}
