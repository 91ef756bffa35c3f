package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void fitMatchesAHandComputation() {
        double[][] train = {{1, 10, 5}, {3, 10, -5}, {5, 10, 5}, {7, 10, -5}};
        Standardizer s = Standardizer.fit(train);
        assertArrayEquals(new double[] {4, 10, 0}, s.mean(), 1e-15);
        assertArrayEquals(new double[] {Math.sqrt(5), 1, 5}, s.scale(), 1e-15);
        assertEquals(-(0.5 * Math.log(5) + 0 + Math.log(5)), s.logDet(), 1e-15);
        double[][] z = s.forward(new double[][] {{6, 12, 2.5}});
        assertArrayEquals(new double[] {2 / Math.sqrt(5), 2, 0.5}, z[0], 1e-15);
        assertArrayEquals(new double[] {6, 12, 2.5}, s.inverse(z)[0], 1e-14);
    }

    @Test
    void logDetTurnsAStandardNormalDensityIntoTheDensityInDataUnits() {
        Standardizer s = new Standardizer(new double[] {1, -2, 0.5}, new double[] {2, 0.5, 4});
        assertEquals(-Math.log(2 * 0.5 * 4), s.logDet(), 1e-15);
        double[] x = {0.3, -1.1, 2.0};
        double direct = 0;
        double[] mu = {1, -2, 0.5};
        double[] sigma = {2, 0.5, 4};
        for (int j = 0; j < 3; j++) {
            double u = (x[j] - mu[j]) / sigma[j];
            direct += -0.5 * u * u - Math.log(sigma[j]) - 0.5 * Math.log(2 * Math.PI);
        }
        double[] z = s.forward(new double[][] {x})[0];
        double standardNormal = 0;
        for (double v : z) {
            standardNormal += -0.5 * v * v - 0.5 * Math.log(2 * Math.PI);
        }
        assertEquals(direct, s.logProbInDataUnits(standardNormal), 1e-13);
    }

    @Test
    void standardizedTrainingDataHasZeroMeanAndUnitVariance() {
        Rng rng = new Rng(2);
        double[][] train = new double[500][3];
        for (double[] row : train) {
            row[0] = 3 + 7 * rng.nextGaussian();
            row[1] = -1e4 + 1e-3 * rng.nextDouble();
            row[2] = 0.25;
        }
        Standardizer s = Standardizer.fit(train);
        double[][] z = s.forward(train);
        for (int j = 0; j < 2; j++) {
            double m = 0;
            double v = 0;
            for (double[] r : z) {
                m += r[j] / z.length;
            }
            for (double[] r : z) {
                v += (r[j] - m) * (r[j] - m) / z.length;
            }
            assertEquals(0, m, 1e-9, "column " + j);
            assertEquals(1, v, 1e-9, "column " + j);
        }
        assertEquals(1.0, s.scale()[2], 0.0, "a constant column is centred, not divided by zero");
        for (double[] r : z) {
            assertEquals(0.0, r[2], 1e-15);
        }
        Standardizer constant = Standardizer.fit(new double[][] {{0.1}, {0.1}, {0.1}});
        assertEquals(1.0, constant.scale()[0], 0.0);
        assertEquals(0.0, constant.logDet(), 0.0);
    }

    @Test
    void badInputIsExplained() {
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(new double[0][]));
        String ragged = assertThrows(IllegalArgumentException.class,
                () -> Standardizer.fit(new double[][] {{1, 2}, {3}})).getMessage();
        assertTrue(ragged.contains("row 1 has 1 columns, expected 2"), ragged);
        String nan = assertThrows(IllegalArgumentException.class,
                () -> Standardizer.fit(new double[][] {{1, 2}, {3, Double.NaN}})).getMessage();
        assertTrue(nan.contains("row 1, column 1 is NaN"), nan);
        Standardizer s = Standardizer.fit(new double[][] {{1, 2}, {3, 5}});
        assertThrows(IllegalArgumentException.class, () -> s.forward(new double[][] {{1, 2, 3}}));
        assertThrows(IllegalArgumentException.class, () -> s.inverse(new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> new Standardizer(new double[] {0}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Standardizer(new double[] {0}, new double[] {1, 2}));
        assertEquals(s, new Standardizer(new double[] {2, 3.5}, new double[] {1, 1.5}));
    }
}
