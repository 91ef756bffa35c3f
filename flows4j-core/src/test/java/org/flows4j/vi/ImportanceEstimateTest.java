package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ImportanceEstimateTest {
    @Test
    void handMadeWeightsGiveTheDefinitions() {
        double[] w = {Math.log(1), Math.log(2), Math.log(3), Math.log(6)};
        ImportanceEstimate e = ImportanceEstimate.of(w);
        assertEquals(4, e.samples());
        assertEquals(Math.log(3), e.logZ(), 1e-15, "log of the mean weight (1 + 2 + 3 + 6) / 4");
        assertEquals(144.0 / 50, e.ess(), 1e-13, "(sum w)^2 / sum w^2 = 12^2 / 50");
        assertEquals(0.72, e.essFraction(), 1e-14);
        assertEquals(Math.sqrt(14.0 / 3) / (2 * 3), e.stderr(), 1e-14, "sd(1, 2, 3, 6) / (sqrt(4) * 3)");
        assertEquals((Math.log(2) + Math.log(3) + Math.log(6)) / 4, e.elbo(), 1e-15);
        assertEquals(new SampleCounts(4, 0, 0, 0), e.counts());
    }

    @Test
    void largeLogWeightsNeitherOverflowNorChangeTheShapeStatistics() {
        double[] w = {1000 + Math.log(1), 1000 + Math.log(2), 1000 + Math.log(3), 1000 + Math.log(6)};
        ImportanceEstimate e = ImportanceEstimate.of(w);
        assertEquals(1000 + Math.log(3), e.logZ(), 1e-12);
        assertEquals(0.72, e.essFraction(), 1e-13);
        assertEquals(Math.sqrt(14.0 / 3) / 6, e.stderr(), 1e-13);
        ImportanceEstimate equal = ImportanceEstimate.of(new double[] {-700, -700, -700});
        assertEquals(-700, equal.logZ(), 1e-12);
        assertEquals(1.0, equal.essFraction(), 0.0);
        assertEquals(0.0, equal.stderr(), 0.0);
    }

    @Test
    void badWeightsAreCountedOutsideTheSupportWeighsZeroInvalidOnesAreLeftOut() {
        double inf = Double.POSITIVE_INFINITY;
        ImportanceEstimate e = ImportanceEstimate.of(new double[] {0, Double.NaN, Math.log(3), inf, -inf});
        assertEquals(new SampleCounts(5, 0, 2, 1), e.counts());
        assertEquals(3, e.samples(), "the -inf weight counts in M, NaN and +inf do not");
        assertEquals(Math.log(4.0 / 3), e.logZ(), 1e-15, "(1 + 3 + 0) / 3");
        assertEquals(16.0 / 10 / 3, e.essFraction(), 1e-15);
        assertEquals(Math.log(3) / 2, e.elbo(), 1e-15, "the mean of the finite log-weights");

        ImportanceEstimate none = ImportanceEstimate.of(new double[] {-inf, -inf});
        assertEquals(-inf, none.logZ(), 0.0);
        assertEquals(0.0, none.ess(), 0.0);
        assertTrue(Double.isNaN(none.stderr()));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> ImportanceEstimate.of(new double[0]));
        assertTrue(x.getMessage().contains("none"), x.getMessage());
    }

    /**
     * A flow equal to the target up to its normalizer: every weight is {@code log Z}, so the estimate is exact, its
     * standard error 0 and the ESS fraction 1.
     */
    @Test
    void aFlowEqualToANormalizedGaussianEstimatesItsLogZExactly() {
        double[] shift = {0.5, -1.0};
        double[] logScale = {0.3, -0.2};
        Flow q = TestTargets.affineFlow(shift, logScale);
        Target p = TestTargets.affineFlowTarget(shift, logScale, 1.7);
        ImportanceEstimate e = ImportanceEstimate.estimate(q, p, 1 << 16, new Rng(3));
        assertEquals(1 << 16, e.samples());
        assertEquals(1.7, e.logZ(), 1e-12);
        assertEquals(1.0, e.essFraction(), 1e-12);
        assertEquals(0.0, e.stderr(), 1e-10);
        assertEquals(1.7, e.elbo(), 1e-9, "a plain sum of 2^16 log-weights");
        assertTrue(q.isTraining(), "the flow's mode is restored");
    }

    @Test
    void theEstimateFromSamplesCountsBadTargetValuesAndGivesTheRestTheirWeights() {
        Flow q = TestTargets.affineFlow(new double[] {0, 0}, new double[] {0, 0});
        Target p = TestTargets.of(2, Double.NaN, x -> {
            Tensor out = Tensor.zeros(DType.FLOAT64, x.size(0));
            for (int i = 0; i < x.size(0); i++) {
                double x0 = x.value().at(i, 0);
                out.set(i, x0 > 1.5 ? Double.NaN : x0 < -1.5 ? Double.NEGATIVE_INFINITY : 0.0);
            }
            return Variable.constant(out);
        });
        int m = ImportanceEstimate.CHUNK + 1000;
        ImportanceEstimate e = ImportanceEstimate.estimate(q, p, m, new Rng(4));
        double[][] x = q.sampleArray(m, new Rng(4));
        int nan = 0;
        int outside = 0;
        for (double[] row : x) {
            nan += row[0] > 1.5 ? 1 : 0;
            outside += row[0] < -1.5 ? 1 : 0;
        }
        assertTrue(nan > 100 && outside > 100, nan + " and " + outside);
        assertEquals(new SampleCounts(m, 0, nan, outside), e.counts());
        assertEquals(m - nan, e.samples());
    }
}
