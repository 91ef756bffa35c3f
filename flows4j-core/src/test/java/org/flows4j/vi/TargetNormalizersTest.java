package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The stated {@code log Z} against integrals of the targets' own log-densities: trapezoidal quadrature in the plane
 * (U1 to U4, the ring) and importance sampling from a wider funnel (the funnel).
 */
class TargetNormalizersTest {
    /** {@code log} of the trapezoidal rule on an {@code n x n} grid over {@code [lo, hi]^2}. */
    private static double logTrapezoid(Target t, double lo, double hi, int n) {
        double h = (hi - lo) / (n - 1);
        double[][] line = new double[n][2];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double wi = i == 0 || i == n - 1 ? 0.5 : 1.0;
            for (int j = 0; j < n; j++) {
                line[j][0] = lo + i * h;
                line[j][1] = lo + j * h;
            }
            double[] logp = Targets.logDensity(t, line);
            for (int j = 0; j < n; j++) {
                double wj = j == 0 || j == n - 1 ? 0.5 : 1.0;
                sum += wi * wj * Math.exp(logp[j]);
            }
        }
        return Math.log(sum * h * h);
    }

    @Test
    void u1IntegratesToTheStatedNormalizerOverThePlane() {
        assertEquals(1.8775, logTrapezoid(Targets.u1(), -8, 8, 801), 1e-4);
    }

    @Test
    void theBoxedEnergiesIntegrateToTheStatedNormalizersOverTheBox() {
        assertEquals(2.0821, logTrapezoid(Targets.u2(), -4, 4, 801), 1e-4);
        assertEquals(2.6417, logTrapezoid(Targets.u3(), -4, 4, 801), 1e-4);
        assertEquals(2.6846, logTrapezoid(Targets.u4(), -4, 4, 801), 1e-4);
    }

    @Test
    void theRingIsNormalized() {
        assertEquals(0.0, logTrapezoid(Targets.ring(), -8, 8, 801), 1e-6);
    }

    /**
     * {@code Z = E_q[p~ / q]} with {@code q}: {@code v ~ N(0, 3.5^2)}, {@code x_i | v ~ N(0, 1.2 e^v)}, wider than the
     * funnel in every direction so the weights have a small variance ({@code E_q[w^2]} about 1.2).
     */
    @Test
    void theFunnelIsNormalizedByImportanceSampling() {
        int n = 100_000;
        int d = 10;
        Rng rng = new Rng(42);
        double[][] rows = new double[n][d];
        double[] logq = new double[n];
        for (int i = 0; i < n; i++) {
            double v = 3.5 * rng.nextGaussian();
            rows[i][0] = v;
            logq[i] = logNormal(v, 3.5);
            double sd = Math.sqrt(1.2 * Math.exp(v));
            for (int j = 1; j < d; j++) {
                rows[i][j] = sd * rng.nextGaussian();
                logq[i] += logNormal(rows[i][j], sd);
            }
        }
        double[] logp = Targets.logDensity(Targets.funnel(), rows);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp(logp[i] - logq[i]);
            sum += w;
            sumSq += w * w;
        }
        double mean = sum / n;
        double stderr = Math.sqrt((sumSq / n - mean * mean) / n);
        assertTrue(stderr < 0.005, "the estimate must be precise enough to matter: stderr " + stderr);
        assertEquals(1.0, mean, 4 * stderr, "Z estimate " + mean + " +- " + stderr);
    }

    private static double logNormal(double x, double sd) {
        return -0.5 * (x / sd) * (x / sd) - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    }
}
