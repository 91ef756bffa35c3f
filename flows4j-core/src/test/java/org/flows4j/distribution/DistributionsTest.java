package org.flows4j.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DistributionsTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private static double normalLogPdf(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return -0.5 * z * z - Math.log(sigma) - 0.5 * LOG_2PI;
    }

    private static void set(Parameter p, double... values) {
        for (int i = 0; i < values.length; i++) {
            p.value().set(i, values[i]);
        }
    }

    @Test
    void standardNormalMatchesTheFormula() {
        StandardNormal n = new StandardNormal(2, DType.FLOAT64);
        double[] lp = n.logProb(new double[][] {{0, 0}, {1, 2}, {-3, 0.5}});
        assertEquals(-LOG_2PI, lp[0], 1e-12);
        assertEquals(-2.5 - LOG_2PI, lp[1], 1e-12);
        assertEquals(-0.5 * 9.25 - LOG_2PI, lp[2], 1e-12);
    }

    @Test
    void diagonalNormalMatchesTheFormulaAndItsSamples() {
        DiagonalNormal d = new DiagonalNormal(2, DType.FLOAT64);
        set(d.mean(), 1.0, -2.0);
        set(d.logScale(), Math.log(2.0), Math.log(0.5));
        double[] lp = d.logProb(new double[][] {{0.3, -1.1}});
        assertEquals(normalLogPdf(0.3, 1.0, 2.0) + normalLogPdf(-1.1, -2.0, 0.5), lp[0], 1e-12);

        double[][] s = d.sampleArray(40000, new Rng(5));
        double[] mean = new double[2];
        double[] sq = new double[2];
        for (double[] row : s) {
            for (int j = 0; j < 2; j++) {
                mean[j] += row[j] / s.length;
                sq[j] += row[j] * row[j] / s.length;
            }
        }
        assertEquals(1.0, mean[0], 4 * 2.0 / Math.sqrt(s.length));
        assertEquals(-2.0, mean[1], 4 * 0.5 / Math.sqrt(s.length));
        assertEquals(2.0, Math.sqrt(sq[0] - mean[0] * mean[0]), 0.05);
        assertEquals(0.5, Math.sqrt(sq[1] - mean[1] * mean[1]), 0.0125);
    }

    @Test
    void diagonalNormalGradientMatchesTheAnalyticScore() {
        DiagonalNormal d = new DiagonalNormal(1, DType.FLOAT64);
        set(d.mean(), 0.5);
        set(d.logScale(), Math.log(1.5));
        Variable x = Variable.constant(Tensor.of(new double[] {2.0, -1.0}, 2, 1));
        ReduceOps.sum(d.logProb(x)).backward();
        double expectedMu = (2.0 - 0.5) / 2.25 + (-1.0 - 0.5) / 2.25;
        double expectedS = ((2.0 - 0.5) * (2.0 - 0.5) / 2.25 - 1) + ((-1.5) * (-1.5) / 2.25 - 1);
        assertEquals(expectedMu, d.mean().grad().get(0), 1e-12);
        assertEquals(expectedS, d.logScale().grad().get(0), 1e-12);
    }

    @Test
    void gaussianMixtureIsTheWeightedSumOfItsComponents() {
        GaussianMixture m = new GaussianMixture(2, 3, DType.FLOAT64, new Rng(3));
        set(m.logits(), 0.2, -1.0, 0.7);
        set(m.means(), 0, 1, -2, 0.5, 3, -1);
        set(m.logScales(), 0.1, -0.3, 0.4, 0.0, -0.5, 0.2);
        double[][] xs = {{0.4, -0.3}, {2.5, -1.2}, {-9, 9}};
        double[] lp = m.logProb(xs);
        double[] a = {0.2, -1.0, 0.7};
        double z = Math.exp(a[0]) + Math.exp(a[1]) + Math.exp(a[2]);
        for (int i = 0; i < xs.length; i++) {
            double p = 0;
            for (int k = 0; k < 3; k++) {
                double logN = 0;
                for (int j = 0; j < 2; j++) {
                    logN += normalLogPdf(xs[i][j], m.means().value().get(k * 2 + j),
                            Math.exp(m.logScales().value().get(k * 2 + j)));
                }
                p += Math.exp(a[k]) / z * Math.exp(logN);
            }
            assertEquals(Math.log(p), lp[i], 1e-10);
        }
    }

    @Test
    void gaussianMixtureSamplesFollowTheWeights() {
        GaussianMixture m = new GaussianMixture(1, 2, DType.FLOAT64, new Rng(3));
        set(m.logits(), 0.0, Math.log(3.0));
        set(m.means(), -20, 20);
        double[][] s = m.sampleArray(20000, new Rng(9));
        int right = 0;
        for (double[] row : s) {
            right += row[0] > 0 ? 1 : 0;
        }
        assertEquals(0.75, right / 20000.0, 0.015);
    }

    @Test
    void uniformIsFlatInsideAndMinusInfinityOutsideNeverNaN() {
        Uniform u = new Uniform(new double[] {0, -1}, new double[] {2, 3}, DType.FLOAT64);
        double[] lp = u.logProb(new double[][] {{1, 0}, {0, -1}, {2, 3}, {2.0001, 0}, {-5, 100}});
        assertEquals(-Math.log(8), lp[0], 1e-15);
        assertEquals(-Math.log(8), lp[1], 1e-15);
        assertEquals(-Math.log(8), lp[2], 1e-15);
        assertEquals(Double.NEGATIVE_INFINITY, lp[3]);
        assertEquals(Double.NEGATIVE_INFINITY, lp[4]);
        for (double[] row : u.sampleArray(1000, new Rng(1))) {
            assertTrue(row[0] >= 0 && row[0] < 2 && row[1] >= -1 && row[1] < 3);
        }
        assertThrows(IllegalArgumentException.class, () -> new Uniform(new double[] {1}, new double[] {1}, DType.FLOAT64));
    }

    @Test
    void conditionalNormalStartsStandardAndFollowsItsNetwork() {
        ConditionalDiagonalNormal c = new ConditionalDiagonalNormal(2, 3, new int[] {8}, DType.FLOAT64, new Rng(4));
        double[][] x = {{0.5, -1.0}, {2.0, 0.1}};
        double[][] ctx = {{1, 2, 3}, {-1, 0, 4}};
        double[] lp = c.logProb(x, ctx);
        double[] ref = new StandardNormal(2, DType.FLOAT64).logProb(x);
        assertEquals(ref[0], lp[0], 1e-12);
        assertEquals(ref[1], lp[1], 1e-12);

        Rng rng = new Rng(6);
        for (Parameter p : c.parameters().values()) {
            for (int i = 0; i < p.numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.3 * rng.nextGaussian());
            }
        }
        double[][] out = c.contextNet().forward(Variable.constant(Tensor.of(ctx))).value().toDoubleMatrix();
        lp = c.logProb(x, ctx);
        for (int i = 0; i < 2; i++) {
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                expected += normalLogPdf(x[i][j], out[i][j], Math.exp(out[i][2 + j]));
            }
            assertEquals(expected, lp[i], 1e-12);
        }
        assertEquals(2, c.sampleArray(2, ctx, new Rng(1)).length);
        assertEquals(5, c.sampleArray(5, new double[][] {{1, 2, 3}}, new Rng(1)).length);
    }

    @Test
    void sampleAndLogProbAgreesWithLogProbOfTheSamples() {
        GaussianMixture m = new GaussianMixture(3, 4, DType.FLOAT64, new Rng(8));
        Sampled s = m.sampleAndLogProb(50, new Rng(2));
        Tensor again = m.logProb(s.samples()).value();
        for (int i = 0; i < 50; i++) {
            assertEquals(again.get(i), s.logProb().value().get(i), 1e-12);
        }
    }

    @Test
    void badInputIsAClearError() {
        StandardNormal n = new StandardNormal(2, DType.FLOAT64);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> n.logProb(new double[][] {{1, 2, 3}}));
        assertTrue(shape.getMessage().contains("[N, 2]") && shape.getMessage().contains("[1, 3]"), shape.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> n.logProb(new double[][] {{1, Double.NaN}}));
        assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("column 1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> n.sampleArray(-1, new Rng(1)));
        ConditionalDiagonalNormal c = new ConditionalDiagonalNormal(2, 3, new int[] {4}, DType.FLOAT64, new Rng(4));
        assertThrows(IllegalArgumentException.class, () -> c.logProb(new double[][] {{1, 2}}));
    }

    @Test
    void float32AndFloat64Agree() {
        double[][] x = {{0.3, -0.7}, {1.5, 2.5}};
        double[] d64 = new StandardNormal(2, DType.FLOAT64).logProb(x);
        double[] d32 = new StandardNormal(2, DType.FLOAT32).logProb(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(d64[i], d32[i], 1e-5 * Math.abs(d64[i]));
        }
    }
}
