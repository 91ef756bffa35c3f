package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tails that behave: every tabular preset trained on moons with the command-line defaults gives every point of a
 * 41 x 41 grid over +-6 standardized units a log-density of at least -200 nats (a 2-D standard normal gives
 * about -38 at the corners). Far points are what anomaly scores are computed on; before the issue-11 fixes the
 * affine presets gave -8,000 to -180,000,000 there. The splines' identity tails and the affine kinds' final
 * {@code LogTails} are what hold it (docs/FIT_QUALITY.md).
 */
class TailsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nsf", "nsf-ar", "realnvp", "maf", "iaf", "nice"})
    void aFarGridPointGetsASaneLogDensity(String kind) throws IOException {
        Path model = dir.resolve(kind + ".flow");
        CliEndToEndTest.Run r = CliEndToEndTest.run("train", "--data", "toy:moons", "--flow", kind, "--seed", "1",
                "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        FlowModel m = ModelFile.load(model);
        Standardizer s = m.preprocessing().data();
        double[][] grid = new double[41 * 41][];
        for (int i = 0; i < 41; i++) {
            for (int j = 0; j < 41; j++) {
                grid[i * 41 + j] = new double[] {-6 + 0.3 * i, -6 + 0.3 * j};
            }
        }
        double[] lp = m.logProb(s.inverse(grid), null);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : lp) {
            min = Math.min(min, v - s.logDet());
            max = Math.max(max, v - s.logDet());
        }
        System.out.printf("%s on moons: grid log-density (standardized units) from %.1f to %.2f%n", kind, min, max);
        assertTrue(min >= -200, kind + ": lowest grid log-density " + min + ", expected >= -200");
        assertTrue(max > -3, kind + ": the grid covers the data, where the density is high; got at most " + max);
    }
}
