package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActNormTest {
    /** Rows with feature j drawn as shift_j + spread_j * N(0, 1), so every feature has its own mean and scale. */
    private static Tensor batch(long seed, int n) {
        Rng rng = new Rng(seed);
        double[] shift = {3.0, -1.0, 0.5};
        double[] spread = {2.0, 0.3, 5.0};
        Tensor x = Tensor.zeros(DType.FLOAT64, n, 3);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x.set(i * 3 + j, shift[j] + spread[j] * rng.nextGaussian());
            }
        }
        return x;
    }

    private static double[] columnMean(Tensor x) {
        int n = x.size(0);
        int d = x.size(1);
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += x.at(i, j) / n;
            }
        }
        return m;
    }

    private static double[] columnStd(Tensor x) {
        double[] m = columnMean(x);
        int n = x.size(0);
        double[] s = new double[m.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m.length; j++) {
                s[j] += (x.at(i, j) - m[j]) * (x.at(i, j) - m[j]) / n;
            }
        }
        for (int j = 0; j < m.length; j++) {
            s[j] = Math.sqrt(s[j]);
        }
        return s;
    }

    private static Transformed forward(Transform t, Tensor x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return t.forward(Variable.constant(x));
        }
    }

    @Test
    void passesTheCheckerInEvalAndTrainingMode() {
        CheckReport eval = new TransformChecker().parameterNoise(0.2).check(new ActNorm(3, DType.FLOAT64));
        assertTrue(eval.passed(), eval::toString);
        CheckReport one = new TransformChecker().parameterNoise(0.2).check(new ActNorm(1, DType.FLOAT64));
        assertTrue(one.passed(), one::toString);
        ActNorm fresh = new ActNorm(4, DType.FLOAT64);
        CheckReport training = new TransformChecker().trainingMode(true).check(fresh);
        assertTrue(training.passed(), training::toString);
        assertTrue(fresh.isInitialized());
    }

    @Test
    void firstTrainingBatchIsStandardizedAndTheSecondDoesNotReinitialize() {
        ActNorm t = new ActNorm(3, DType.FLOAT64);
        Tensor x1 = batch(1, 50);
        Transformed r1 = forward(t, x1);
        assertTrue(t.isInitialized());
        double[] mean = columnMean(r1.output().value());
        double[] std = columnStd(r1.output().value());
        double[] std1 = columnStd(x1);
        double[] mean1 = columnMean(x1);
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, mean[j], 1e-12, "mean of feature " + j);
            assertEquals(1.0, std[j], 1e-12, "std of feature " + j);
        }
        double logDet = -(Math.log(std1[0]) + Math.log(std1[1]) + Math.log(std1[2]));
        assertEquals(logDet, r1.logDet().value().get(7), 1e-12);

        Tensor x2 = batch(2, 20);
        Transformed r2 = forward(t, x2);
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals((x2.at(i, j) - mean1[j]) / std1[j], r2.output().value().at(i, j), 1e-12);
            }
        }
        assertArrayEquals(mean1, t.loc(), 1e-12);
    }

    @Test
    void evalModeAndInverseBeforeInitializationAreTheIdentity() {
        ActNorm t = new ActNorm(3, DType.FLOAT64);
        Tensor x = batch(3, 10);
        t.eval();
        Transformed r = forward(t, x);
        assertFalse(t.isInitialized());
        assertArrayEquals(x.toDoubleArray(), r.output().value().toDoubleArray(), 0.0);
        assertEquals(0.0, r.logDet().value().get(0));
        t.train(true);
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed back = t.inverse(Variable.constant(x));
            assertArrayEquals(x.toDoubleArray(), back.output().value().toDoubleArray(), 0.0);
        }
        assertFalse(t.isInitialized());
    }

    @Test
    void stateDictCarriesTheFlagSoAReloadedModelNeverReinitializes() {
        ActNorm source = new ActNorm(3, DType.FLOAT64);
        forward(source, batch(4, 30));
        Map<String, Tensor> state = source.stateDict();
        assertEquals(1.0, state.get("initialized").get(0));
        ActNorm restored = new ActNorm(3, DType.FLOAT64);
        restored.loadStateDict(state);
        assertTrue(restored.isInitialized());
        Tensor x = batch(5, 12);
        Transformed a = forward(source, x);
        Transformed b = forward(restored, x);
        assertArrayEquals(a.output().value().toDoubleArray(), b.output().value().toDoubleArray(), 0.0);
        assertArrayEquals(a.logDet().value().toDoubleArray(), b.logDet().value().toDoubleArray(), 0.0);
        assertArrayEquals(source.loc(), restored.loc(), 0.0);
        assertArrayEquals(source.logScale(), restored.logScale(), 0.0);
    }

    @Test
    void constantFeatureGetsUnitScale() {
        ActNorm t = new ActNorm(2, DType.FLOAT64);
        Tensor x = Tensor.of(new double[][] {{4, 1}, {4, 3}, {4, 5}});
        Transformed r = forward(t, x);
        assertEquals(0.0, t.logScale()[0]);
        assertEquals(4.0, t.loc()[0]);
        assertEquals(0.0, r.output().value().at(2, 0));
        assertEquals(Math.log(Math.sqrt(8.0 / 3.0)), t.logScale()[1], 1e-12);
    }

    /** Threads race on the first training batch: exactly one batch's statistics win and every thread uses them. */
    @Test
    void concurrentFirstCallsInitializeExactlyOnce() throws Exception {
        int threads = 6;
        ActNorm t = new ActNorm(3, DType.FLOAT64);
        List<Tensor> batches = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            batches.add(batch(100 + k, 16 + k));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Transformed>> results = new ArrayList<>();
        try {
            for (Tensor x : batches) {
                results.add(pool.submit(() -> {
                    start.await();
                    return forward(t, x);
                }));
            }
            start.countDown();
            List<Tensor> outputs = new ArrayList<>();
            for (Future<Transformed> f : results) {
                outputs.add(f.get(30, TimeUnit.SECONDS).output().value());
            }
            int winners = 0;
            for (Tensor x : batches) {
                boolean same = true;
                double[] m = columnMean(x);
                double[] s = columnStd(x);
                for (int j = 0; j < 3; j++) {
                    same &= Math.abs(m[j] - t.loc()[j]) < 1e-12 && Math.abs(Math.log(s[j]) - t.logScale()[j]) < 1e-12;
                }
                winners += same ? 1 : 0;
            }
            assertEquals(1, winners, "exactly one batch should have set the statistics");
            for (int k = 0; k < threads; k++) {
                Tensor x = batches.get(k);
                for (int i = 0; i < x.size(0); i++) {
                    for (int j = 0; j < 3; j++) {
                        double expected = (x.at(i, j) - t.loc()[j]) * Math.exp(-t.logScale()[j]);
                        assertEquals(expected, outputs.get(k).at(i, j), 1e-12, "thread " + k + " row " + i);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
