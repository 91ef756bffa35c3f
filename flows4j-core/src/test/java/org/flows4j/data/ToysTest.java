package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToysTest {
    private static final int N = 40000;

    private static double[] mean(double[][] x) {
        double[] m = new double[2];
        for (double[] p : x) {
            m[0] += p[0] / x.length;
            m[1] += p[1] / x.length;
        }
        return m;
    }

    /** Population covariance [c00, c01, c11]. */
    private static double[] cov(double[][] x) {
        double[] m = mean(x);
        double[] c = new double[3];
        for (double[] p : x) {
            double a = p[0] - m[0];
            double b = p[1] - m[1];
            c[0] += a * a / x.length;
            c[1] += a * b / x.length;
            c[2] += b * b / x.length;
        }
        return c;
    }

    private static double meanSquaredNorm(double[][] x) {
        double s = 0;
        for (double[] p : x) {
            s += (p[0] * p[0] + p[1] * p[1]) / x.length;
        }
        return s;
    }

    @Test
    void everyToyIsSeededAndHasTheRequestedShape() {
        assertEquals(List.of("moons", "circles", "8gaussians", "checkerboard", "2spirals", "pinwheel", "rings",
                "swissroll"), Toys.names());
        for (String name : Toys.names()) {
            double[][] a = Toys.generate(name, 101, 7);
            double[][] b = Toys.generate(name, 101, 7);
            double[][] c = Toys.generate(name, 101, 8);
            assertEquals(101, a.length, name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(2, a[i].length, name);
                assertArrayEquals(a[i], b[i], name);
                assertTrue(Double.isFinite(a[i][0]) && Double.isFinite(a[i][1]), name);
            }
            assertFalse(a[0][0] == c[0][0] && a[0][1] == c[0][1], name);
            assertEquals(0, Toys.generate(name, 0, 1).length, name);
            assertEquals(1, Toys.generate(name, 1, 1).length, name);
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Toys.generate("swirl", 5, 1));
        assertTrue(e.getMessage().contains("'swirl'"), e.getMessage());
        for (String name : Toys.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Toys.entropy("swirl"));
        assertThrows(IllegalArgumentException.class, () -> Toys.generate("moons", -1, 1));
    }

    @Test
    void quotedEntropiesAgreeWithClosedFormsWhereTheyExist() {
        assertEquals(2.391, Toys.entropy("moons").getAsDouble(), 0);
        assertEquals(Math.log(32), Toys.entropy("checkerboard").getAsDouble(), 1e-3);
        double sigma = 0.5 / 1.414;
        double wellSeparatedMixture = Math.log(8) + Math.log(2 * Math.PI * Math.E * sigma * sigma);
        assertEquals(wellSeparatedMixture, Toys.entropy("8gaussians").getAsDouble(), 0.01);
        assertTrue(Toys.entropy("pinwheel").isEmpty());
    }

    @Test
    void ringsHaveFourRadiiTimesThreeWithNoiseAdded() {
        double[][] x = Toys.generate("rings", N, 6);
        double sigma2 = 0.08 * 0.08;
        double[] radii = {3, 2.25, 1.5, 0.75};
        double[] sum = new double[4];
        int[] count = new int[4];
        for (double[] p : x) {
            double r = Math.hypot(p[0], p[1]);
            int nearest = 0;
            for (int k = 1; k < 4; k++) {
                if (Math.abs(r - radii[k]) < Math.abs(r - radii[nearest])) {
                    nearest = k;
                }
            }
            sum[nearest] += r * r;
            count[nearest]++;
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(N / 4.0, count[k], 0.005 * N, "ring " + k);
            assertEquals(radii[k] * radii[k] + 2 * sigma2, sum[k] / count[k], 4 * 2 * radii[k] * 0.08 / Math.sqrt(N / 4.0), "ring " + k);
        }
        assertEquals(2.624, Toys.entropy("rings").getAsDouble(), 0);
        assertEquals(3.268, Toys.entropy("circles").getAsDouble(), 0);
    }

    @Test
    void swissRollMomentsMatchTheDefinition() {
        int steps = 200_000;
        double ex = 0;
        double ey = 0;
        double exx = 0;
        for (int i = 0; i < steps; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * (i + 0.5) / steps);
            ex += t * Math.cos(t) / 5 / steps;
            ey += t * Math.sin(t) / 5 / steps;
            exx += (t * Math.cos(t) / 5) * (t * Math.cos(t) / 5) / steps;
        }
        double[][] x = Toys.generate("swissroll", N, 7);
        double[] mu = mean(x);
        double[] c = cov(x);
        assertEquals(ex, mu[0], 0.03);
        assertEquals(ey, mu[1], 0.03);
        assertEquals(exx - ex * ex + 1.0 / 25, c[0], 0.03);
    }

    @Test
    void moonsMomentsMatchTheDefinition() {
        int m = N / 2;
        double[][] clean = new double[N][];
        for (int k = 0; k < m; k++) {
            double t = Math.PI * k / (m - 1);
            clean[k] = new double[] {2 * Math.cos(t) - 1, 2 * Math.sin(t) - 0.2};
            clean[m + k] = new double[] {2 * (1 - Math.cos(t)) - 1, 2 * (0.5 - Math.sin(t)) - 0.2};
        }
        double[] expectedCov = cov(clean);
        double noiseVar = 4 * 0.01;
        double[][] x = Toys.generate("moons", N, 3);
        double[] mu = mean(x);
        double[] c = cov(x);
        assertEquals(0.0, mu[0], 4 * 0.2 / Math.sqrt(N));
        assertEquals(0.3, mu[1], 4 * 0.2 / Math.sqrt(N));
        assertEquals(expectedCov[0] + noiseVar, c[0], 0.01);
        assertEquals(expectedCov[1], c[1], 0.01);
        assertEquals(expectedCov[2] + noiseVar, c[2], 0.01);
    }

    @Test
    void circlesHaveRadiiOneAndHalfTimesThree() {
        double[][] x = Toys.generate("circles", N, 4);
        double sigma2 = 0.08 * 0.08;
        int innerCount = 0;
        double innerR2 = 0;
        double outerR2 = 0;
        for (double[] p : x) {
            double r2 = (p[0] * p[0] + p[1] * p[1]) / 9;
            if (r2 < 0.75 * 0.75) {
                innerCount++;
                innerR2 += r2;
            } else {
                outerR2 += r2;
            }
        }
        assertEquals(N / 2.0, innerCount, 0.005 * N);
        assertEquals(0.25 + 2 * sigma2, innerR2 / innerCount, 0.003);
        assertEquals(1.0 + 2 * sigma2, outerR2 / (N - innerCount), 0.004);
        double[] mu = mean(x);
        assertEquals(0, mu[0], 4 * 3 * 0.8 / Math.sqrt(N));
        assertEquals(0, mu[1], 4 * 3 * 0.8 / Math.sqrt(N));
    }

    @Test
    void eightGaussiansComponentsSitAtRadius28289() {
        double radius = 4 / 1.414;
        double sigma = 0.5 / 1.414;
        double[][] x = Toys.generate("8gaussians", N, 5);
        double[][] sum = new double[8][2];
        double[] sq = new double[8];
        int[] count = new int[8];
        for (double[] p : x) {
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                double a = Math.PI * k / 4;
                double d = Math.hypot(p[0] - radius * Math.cos(a), p[1] - radius * Math.sin(a));
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            count[best]++;
            sum[best][0] += p[0];
            sum[best][1] += p[1];
            double a = Math.PI * best / 4;
            double dx = p[0] - radius * Math.cos(a);
            double dy = p[1] - radius * Math.sin(a);
            sq[best] += dx * dx + dy * dy;
        }
        for (int k = 0; k < 8; k++) {
            double a = Math.PI * k / 4;
            double tol = 5 * sigma / Math.sqrt(count[k]);
            assertEquals(radius * Math.cos(a), sum[k][0] / count[k], tol, "component " + k);
            assertEquals(radius * Math.sin(a), sum[k][1] / count[k], tol, "component " + k);
            assertEquals(Math.hypot(sum[k][0], sum[k][1]) / count[k], 2.8289, 2 * tol);
            assertEquals(sigma, Math.sqrt(sq[k] / (2 * count[k])), 0.03 * sigma, "component " + k);
            assertEquals(N / 8.0, count[k], 5 * Math.sqrt(N / 8.0), "component " + k);
        }
    }

    @Test
    void checkerboardFillsTheEvenCellsUniformly() {
        double[][] x = Toys.generate("checkerboard", N, 6);
        int[][] cells = new int[4][4];
        for (double[] p : x) {
            assertTrue(p[0] >= -4 && p[0] < 4 && p[1] >= -4 && p[1] < 4, () -> p[0] + ", " + p[1]);
            int i = (int) Math.floor(p[0] / 2);
            int j = (int) Math.floor(p[1] / 2);
            assertEquals(0, Math.floorMod(i + j, 2), () -> "point in an odd cell: " + p[0] + ", " + p[1]);
            cells[i + 2][j + 2]++;
        }
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if ((i + j) % 2 == 0) {
                    assertEquals(N / 8.0, cells[i][j], 5 * Math.sqrt(N / 8.0), "cell " + i + "," + j);
                }
            }
        }
        double[] c = cov(x);
        double uniformOnMinus4To4 = 8.0 * 8.0 / 12;
        assertEquals(uniformOnMinus4To4, c[0], 0.1);
        assertEquals(uniformOnMinus4To4, c[2], 0.1);
    }

    @Test
    void twoSpiralsMomentsMatchTheDefinition() {
        double meanX = 4 / (3 * Math.PI);
        double meanY = 2 - 8 / (9 * Math.PI * Math.PI);
        double armSecondMoment = 4.5 * Math.PI * Math.PI + 0.5 * meanX + 0.5 * meanY + 2.0 / 12;
        double expected = armSecondMoment / 9 + 2 * 0.01;
        double[][] x = Toys.generate("2spirals", N, 7);
        assertEquals(expected, meanSquaredNorm(x), 0.02 * expected);
        double[] mu = mean(x);
        assertEquals(0, mu[0], 0.03);
        assertEquals(0, mu[1], 0.03);
    }

    @Test
    void pinwheelArmsFollowTheirAngleLaw() {
        double[][] x = Toys.generate("pinwheel", N, 8);
        assertEquals(4 * (1 + 0.09 + 0.01), meanSquaredNorm(x), 0.05);
        double[] mu = mean(x);
        assertEquals(0, mu[0], 0.05);
        assertEquals(0, mu[1], 0.05);
        int onArm = 0;
        double armGap = 2 * Math.PI / 5;
        for (double[] p : x) {
            double r = Math.hypot(p[0], p[1]) / 2;
            double phase = -Math.atan2(p[1], p[0]) - 0.25 * Math.exp(r);
            double residual = phase - armGap * Math.rint(phase / armGap);
            if (Math.abs(residual) < 0.3) {
                onArm++;
            }
        }
        assertTrue(onArm > 0.95 * N, "points near an arm: " + onArm);
    }
}
