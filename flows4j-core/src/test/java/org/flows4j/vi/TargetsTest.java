package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The built-in targets' values at chosen points against the formulas written out here with {@link Math} (products
 * of densities and sums of exponentials, not the library's log-sum-exp form), their supports, and the lookup.
 */
class TargetsTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private static double logNormal(double x, double mean, double sd) {
        double t = (x - mean) / sd;
        return -0.5 * t * t - Math.log(sd) - 0.5 * LOG_2PI;
    }

    private static double sq(double x) {
        return x * x;
    }

    /** U1 to U4 of Rezende and Mohamed, Table 1, as energies. */
    private static double energy(int which, double z1, double z2) {
        double w1 = Math.sin(2 * Math.PI * z1 / 4);
        double w2 = 3 * Math.exp(-0.5 * sq((z1 - 1) / 0.6));
        double w3 = 3 / (1 + Math.exp(-(z1 - 1) / 0.3));
        switch (which) {
            case 1:
                return 0.5 * sq((Math.hypot(z1, z2) - 2) / 0.4)
                        - Math.log(Math.exp(-0.5 * sq((z1 - 2) / 0.6)) + Math.exp(-0.5 * sq((z1 + 2) / 0.6)));
            case 2:
                return 0.5 * sq((z2 - w1) / 0.4);
            case 3:
                return -Math.log(Math.exp(-0.5 * sq((z2 - w1) / 0.35)) + Math.exp(-0.5 * sq((z2 - w1 + w2) / 0.35)));
            default:
                return -Math.log(Math.exp(-0.5 * sq((z2 - w1) / 0.4)) + Math.exp(-0.5 * sq((z2 - w1 + w3) / 0.35)));
        }
    }

    private static final double[][] PLANE = {{0.3, -1.2}, {2.1, 0.4}, {-1.7, 1.9}, {0.0, 0.0}, {3.5, -3.9}, {-0.9, 2.8}};

    @Test
    void rezendeMohamedEnergiesAreTheTableOnes() {
        Target[] targets = {Targets.u1(), Targets.u2(), Targets.u3(), Targets.u4()};
        for (int k = 0; k < 4; k++) {
            double[] got = Targets.logDensity(targets[k], PLANE);
            for (int i = 0; i < PLANE.length; i++) {
                double expected = -energy(k + 1, PLANE[i][0], PLANE[i][1]);
                assertEquals(expected, got[i], 1e-12 * Math.max(1, Math.abs(expected)), "u" + (k + 1) + " row " + i);
            }
        }
    }

    @Test
    void theFunnelIsAProductOfNormalDensities() {
        double[][] rows = new double[3][10];
        double[] vs = {-2.5, 0.0, 1.7};
        for (int i = 0; i < 3; i++) {
            rows[i][0] = vs[i];
            for (int j = 1; j < 10; j++) {
                rows[i][j] = 0.3 * j - 1.1 * i;
            }
        }
        double[] got = Targets.logDensity(Targets.funnel(), rows);
        for (int i = 0; i < 3; i++) {
            double expected = logNormal(rows[i][0], 0, 3);
            for (int j = 1; j < 10; j++) {
                expected += logNormal(rows[i][j], 0, Math.exp(rows[i][0] / 2));
            }
            assertEquals(expected, got[i], 1e-12 * Math.abs(expected), "row " + i);
        }
    }

    @Test
    void theRingIsTheMeanOfEightGaussianDensities() {
        double[][] rows = {{3.0, 0.0}, {0.0, 0.0}, {2.0, 2.2}, {-2.9, -0.4}, {0.5, -2.6}, {6.0, 1.0}};
        double[] got = Targets.logDensity(Targets.ring(), rows);
        for (int i = 0; i < rows.length; i++) {
            double density = 0;
            for (int k = 0; k < 8; k++) {
                double a = Math.PI * k / 4;
                density += Math.exp(logNormal(rows[i][0], 3 * Math.cos(a), 0.5)
                        + logNormal(rows[i][1], 3 * Math.sin(a), 0.5)) / 8;
            }
            assertEquals(Math.log(density), got[i], 1e-12 * Math.max(1, Math.abs(got[i])), "row " + i);
        }
    }

    @Test
    void theBoxedEnergiesAreMinusInfinityOutsideTheClosedBoxOnly() {
        double[][] rows = {{4.0, -4.0}, {-4.0, 3.0}, {4.0 + 1e-9, 0.0}, {0.0, -4.5}, {-7.0, 9.0}, {1.0, 1.0}};
        for (Target t : new Target[] {Targets.u2(), Targets.u3(), Targets.u4()}) {
            double[] got = Targets.logDensity(t, rows);
            for (int i = 0; i < rows.length; i++) {
                boolean outside = i >= 2 && i <= 4;
                assertEquals(outside, got[i] == Double.NEGATIVE_INFINITY, t.name() + " row " + i + ": " + got[i]);
                assertTrue(outside || Double.isFinite(got[i]), t.name() + " row " + i);
            }
            assertArrayEquals(new double[] {-4, -4}, t.support().low());
            assertArrayEquals(new double[] {4, 4}, t.support().high());
        }
        assertNull(Targets.u1().support());
        assertNull(Targets.funnel().support());
        assertNull(Targets.ring().support());
    }

    @Test
    void aNanCoordinateStaysNanInsteadOfCountingAsOutside() {
        double[] got = Targets.logDensity(Targets.u2(), new double[][] {{Double.NaN, 0.0}});
        assertTrue(Double.isNaN(got[0]), "got " + got[0]);
    }

    @Test
    void theKnownNormalizersAndFeaturesAreTheIssuesOnes() {
        double[] logZ = {1.8775, 2.0821, 2.6417, 2.6846, 0.0, 0.0};
        int[] features = {2, 2, 2, 2, 10, 2};
        for (int k = 0; k < Targets.NAMES.size(); k++) {
            Target t = Targets.byName(Targets.NAMES.get(k).toUpperCase(java.util.Locale.ROOT));
            assertEquals(Targets.NAMES.get(k), t.name());
            assertEquals(logZ[k], t.logNormalizer(), 0.0, t.name());
            assertEquals(features[k], t.features(), t.name());
        }
        assertEquals(4, Targets.funnel(4).features());
    }

    @Test
    void badInputIsRefusedWithTheExpectedAndActualValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Targets.byName("u5"));
        assertTrue(e.getMessage().contains("'u5'") && e.getMessage().contains("[u1, u2, u3, u4, funnel, ring]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Targets.logDensity(Targets.u1(), new double[][] {{1, 2, 3}}));
        assertTrue(e.getMessage().contains("u1") && e.getMessage().contains("[N, 2]")
                && e.getMessage().contains("[1, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Targets.funnel(1));
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
    }

    @Test
    void aFloat32BatchGivesFloat32ValuesCloseToTheFloat64Ones() {
        for (String name : Targets.NAMES) {
            Target t = Targets.byName(name);
            double[][] rows = new double[PLANE.length][t.features()];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < t.features(); j++) {
                    rows[i][j] = PLANE[i][j % 2] * (j < 2 ? 1 : 0.5);
                }
            }
            double[] exact = Targets.logDensity(t, rows);
            Tensor single;
            try (GradMode.Scope s = GradMode.noGrad()) {
                single = t.logDensity(Variable.constant(Tensor.of(rows).to(DType.FLOAT32))).value();
            }
            assertEquals(DType.FLOAT32, single.dtype(), name);
            for (int i = 0; i < rows.length; i++) {
                assertEquals(exact[i], single.get(i), 1e-4 * Math.max(1, Math.abs(exact[i])), name + " row " + i);
            }
        }
    }
}
