package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.PropertyResult;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BatchNormTest {
    private static final double EPS = BatchNorm.DEFAULT_EPS;

    private static Tensor batch(long seed, int n, int d) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(DType.FLOAT64, n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.set(i * d + j, (j - 1.0) + (0.5 + j) * rng.nextGaussian());
            }
        }
        return x;
    }

    /** Column means and population (divide by N) variances by plain loops. */
    private static double[][] meanAndVar(Tensor x) {
        int n = x.size(0);
        int d = x.size(1);
        double[] m = new double[d];
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                m[j] += x.at(i, j) / n;
            }
            for (int i = 0; i < n; i++) {
                v[j] += (x.at(i, j) - m[j]) * (x.at(i, j) - m[j]) / n;
            }
        }
        return new double[][] {m, v};
    }

    private static BatchNorm withAffine(int d) {
        BatchNorm t = new BatchNorm(d, DType.FLOAT64);
        Tensor lg = t.parameters().get("logGamma").value();
        Tensor b = t.parameters().get("beta").value();
        for (int j = 0; j < d; j++) {
            lg.set(j, 0.3 * j - 0.2);
            b.set(j, 1.0 - 0.5 * j);
        }
        return t;
    }

    private static Transformed forward(Transform t, Tensor x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return t.forward(Variable.constant(x));
        }
    }

    /** z = (x - m) / sqrt(v + eps) exp(lg) + beta and logDet = sum(lg - 0.5 log(v + eps)), by hand. */
    private static void assertAffine(Transformed r, Tensor x, double[] m, double[] v, BatchNorm t) {
        double[] lg = t.parameters().get("logGamma").value().toDoubleArray();
        double[] b = t.parameters().get("beta").value().toDoubleArray();
        double logDet = 0;
        for (int j = 0; j < m.length; j++) {
            logDet += lg[j] - 0.5 * Math.log(v[j] + EPS);
        }
        for (int i = 0; i < x.size(0); i++) {
            for (int j = 0; j < m.length; j++) {
                double z = (x.at(i, j) - m[j]) / Math.sqrt(v[j] + EPS) * Math.exp(lg[j]) + b[j];
                assertEquals(z, r.output().value().at(i, j), 1e-12, "row " + i + ", feature " + j);
            }
            assertEquals(logDet, r.logDet().value().get(i), 1e-12, "log-det of row " + i);
        }
    }

    @Test
    void passesTheCheckerInEvalModeAfterTraining() {
        BatchNorm t = new BatchNorm(3, 0.5, EPS, DType.FLOAT64);
        for (int k = 0; k < 4; k++) {
            forward(t, batch(k, 20, 3));
        }
        CheckReport r = new TransformChecker().parameterNoise(0.2).check(t);
        assertTrue(r.passed(), r::toString);
        CheckReport one = new TransformChecker().parameterNoise(0.2).check(new BatchNorm(1, DType.FLOAT64));
        assertTrue(one.passed(), one::toString);
    }

    @Test
    void trainingModeIsNotRowIndependentByDesign() {
        CheckReport r = new TransformChecker().trainingMode(true).check(withAffine(3));
        assertTrue(r.failures().stream().map(PropertyResult::property).collect(Collectors.toList())
                .contains("batch independence"), r::toString);
    }

    @Test
    void trainingModeUsesBatchStatisticsWithTheRealNvpLogDet() {
        BatchNorm t = withAffine(3);
        Tensor x = batch(1, 9, 3);
        double[][] mv = meanAndVar(x);
        assertAffine(forward(t, x), x, mv[0], mv[1], t);
    }

    @Test
    void trainingGradientsFlowThroughTheBatchStatistics() {
        BatchNorm t = withAffine(3);
        Tensor x = batch(2, 5, 3);
        GradCheck.Result out = GradCheck.check(v -> t.forward(v[0]).output(), x);
        assertTrue(out.passed(), out::toString);
        GradCheck.Result logDet = GradCheck.check(v -> t.forward(v[0]).logDet(), x);
        assertTrue(logDet.passed(), logDet::toString);
        Variable xv = Variable.parameter(x.copy());
        t.forward(xv).logDet().backward(Tensor.ones(DType.FLOAT64, 5));
        double[][] mv = meanAndVar(x);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = -(x.at(i, j) - mv[0][j]) / (mv[1][j] + EPS);
                assertEquals(expected, xv.grad().at(i, j), 1e-9, "d sum(logDet) / dx at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void runningStatisticsFollowTheMomentumFormula() {
        double momentum = 0.3;
        BatchNorm t = new BatchNorm(2, momentum, EPS, DType.FLOAT64);
        double[] mean = {0, 0};
        double[] var = {1, 1};
        for (int k = 0; k < 3; k++) {
            Tensor x = batch(10 + k, 6 + k, 2);
            int n = x.size(0);
            double[][] mv = meanAndVar(x);
            for (int j = 0; j < 2; j++) {
                mean[j] = (1 - momentum) * mean[j] + momentum * mv[0][j];
                var[j] = (1 - momentum) * var[j] + momentum * mv[1][j] * n / (n - 1.0);
            }
            forward(t, x);
            assertArrayEquals(mean, t.runningMean(), 1e-12, "running mean after batch " + k);
            assertArrayEquals(var, t.runningVar(), 1e-12, "running variance after batch " + k);
        }
    }

    @Test
    void evalModeUsesRunningStatisticsAndDiffersFromTraining() {
        BatchNorm t = withAffine(3);
        forward(t, batch(20, 30, 3));
        Tensor x = batch(21, 8, 3);
        double[] rm = t.runningMean();
        double[] rv = t.runningVar();
        t.eval();
        Transformed evalOut = forward(t, x);
        assertAffine(evalOut, x, rm, rv, t);
        assertArrayEquals(rm, t.runningMean(), 0.0, "eval mode must not update the running mean");
        t.train(true);
        Transformed trainOut = forward(t, x);
        double diff = 0;
        for (int i = 0; i < x.numel(); i++) {
            diff = Math.max(diff, Math.abs(trainOut.output().value().get(i) - evalOut.output().value().get(i)));
        }
        assertTrue(diff > 0.1, "training and eval outputs should differ, max difference " + diff);
    }

    @Test
    void inverseUsesRunningStatisticsInBothModes() {
        BatchNorm t = withAffine(3);
        forward(t, batch(30, 25, 3));
        double[] rm = t.runningMean();
        double[] rv = t.runningVar();
        Tensor z = batch(31, 4, 3);
        Transformed trainInv;
        try (GradMode.Scope s = GradMode.noGrad()) {
            trainInv = t.inverse(Variable.constant(z));
        }
        assertArrayEquals(rm, t.runningMean(), 0.0, "the inverse must not update the running mean");
        assertArrayEquals(rv, t.runningVar(), 0.0, "the inverse must not update the running variance");
        t.eval();
        Transformed back = forward(t, trainInv.output().value());
        assertArrayEquals(z.toDoubleArray(), back.output().value().toDoubleArray(), 1e-12);
        assertEquals(-back.logDet().value().get(0), trainInv.logDet().value().get(0), 1e-12);
    }

    @Test
    void stateDictCarriesTheRunningStatistics() {
        BatchNorm source = withAffine(3);
        forward(source, batch(40, 12, 3));
        BatchNorm restored = new BatchNorm(3, DType.FLOAT64);
        restored.loadStateDict(source.stateDict());
        source.eval();
        restored.eval();
        Tensor x = batch(41, 5, 3);
        assertArrayEquals(forward(source, x).output().value().toDoubleArray(),
                forward(restored, x).output().value().toDoubleArray(), 0.0);
    }

    @Test
    void badInputIsRejected() {
        BatchNorm t = new BatchNorm(2, DType.FLOAT64);
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> forward(t, Tensor.of(new double[][] {{1, 2}})));
        assertTrue(one.getMessage().contains("BatchNorm.forward") && one.getMessage().contains("got 1"),
                one.getMessage());
        t.eval();
        assertEquals(1, forward(t, Tensor.of(new double[][] {{1, 2}})).output().value().size(0));
        IllegalArgumentException momentum = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm(2, 0.0, EPS, DType.FLOAT64));
        assertTrue(momentum.getMessage().contains("momentum must be in (0, 1], got 0.0"), momentum.getMessage());
        IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm(2, 0.1, -1e-5, DType.FLOAT64));
        assertTrue(eps.getMessage().contains("eps must be positive"), eps.getMessage());
    }
}
