package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.distribution.DiagonalNormal;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.guide.ContextScaleShift;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static Tensor gaussian(long seed, int n, double mean, double sd) {
        Rng rng = new Rng(seed);
        Tensor t = Tensor.zeros(DType.FLOAT64, n, 2);
        for (int i = 0; i < t.numel(); i++) {
            t.set(i, mean + sd * rng.nextGaussian() * (i % 2 == 0 ? 1 : 2));
        }
        return t;
    }

    /** A conditional flow: x = mu(c) + exp(s(c)) z, trained on data whose mean is 2c. */
    private static Flow conditionalFlow(long seed) {
        return new Flow(new ContextScaleShift(2, 1, DType.FLOAT64, new Rng(seed)), new StandardNormal(2, DType.FLOAT64));
    }

    private static TrainData conditionalData() {
        Rng rng = new Rng(3);
        int n = 300;
        Tensor x = Tensor.zeros(DType.FLOAT64, n, 2);
        Tensor c = Tensor.zeros(DType.FLOAT64, n, 1);
        for (int i = 0; i < n; i++) {
            double ci = rng.nextGaussian();
            c.set(i, ci);
            x.set(2 * i, 2 * ci + 0.5 * rng.nextGaussian());
            x.set(2 * i + 1, -ci + 0.3 * rng.nextGaussian());
        }
        Tensor vx = x.copy();
        return new TrainData(x, c, vx, c.copy());
    }

    @Test
    void aTimeLimitEndsTrainingAfterTheStepThatPassesItAndValidatesThatEpoch() {
        Tensor x = gaussian(2, 2000, 1.5, 0.7);
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1_000_000).withBatchSize(10).withLearningRate(0.01)
                .withPatience(0).withTimeLimit(0.3);
        long t0 = System.nanoTime();
        TrainResult r = new Trainer(cfg).fit(model, TrainData.of(x, x), null);
        assertTrue(System.nanoTime() - t0 < 60e9, "a 0.3 s budget must end a run of a million epochs");
        assertTrue(r.stoppedEarly());
        assertTrue(r.steps() >= 1 && r.steps() < 1_000_000L * 200, "steps " + r.steps());
        EpochStats last = r.history().get(r.history().size() - 1);
        assertEquals(r.steps(), last.steps());
        assertTrue(Double.isFinite(last.valNll()) && Double.isFinite(last.trainLoss()), last.toString());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().withTimeLimit(-1));
    }

    @Test
    void fitsAGaussianToItsMaximumLikelihoodSolution() {
        Tensor x = gaussian(1, 2000, 1.5, 0.7);
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(60).withBatchSize(200).withLearningRate(0.05).withPatience(0);
        TrainResult r = new Trainer(cfg).fit(model, TrainData.of(x, x), null);
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            double m = 0;
            for (int i = 0; i < 2000; i++) {
                m += x.at(i, j) / 2000;
            }
            double v = 0;
            for (int i = 0; i < 2000; i++) {
                v += (x.at(i, j) - m) * (x.at(i, j) - m) / 2000;
            }
            expected += 0.5 * Math.log(2 * Math.PI * v) + 0.5;
        }
        assertEquals(expected, r.bestValNll(), 2e-3, "the MLE Gaussian's NLL is the lower bound the fit must reach");
        assertEquals(60, r.history().size());
        assertFalse(r.stoppedEarly());
    }

    @Test
    void resumingFromACheckpointContinuesBitForBit() {
        TrainConfig cfg = TrainConfig.defaults().withEpochs(4).withBatchSize(64).withLearningRate(0.01).withSeed(9);
        Flow straight = conditionalFlow(5);
        TrainResult full = new Trainer(cfg).fit(straight, conditionalData(), null);

        Flow first = conditionalFlow(5);
        TrainState[] saved = new TrainState[1];
        new Trainer(cfg).fit(first, conditionalData(), new TrainListener() {
            @Override
            public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
                if (stats.epoch() == 2) {
                    saved[0] = checkpoint.get();
                }
            }
        });
        assertNotNull(saved[0]);
        Flow resumed = conditionalFlow(77);
        TrainResult rest = new Trainer(cfg).fit(resumed, conditionalData(), null, saved[0]);

        assertEquals(full.steps(), rest.steps());
        assertEquals(full.bestEpoch(), rest.bestEpoch());
        for (int e = 0; e < 4; e++) {
            assertEquals(full.history().get(e).trainLoss(), rest.history().get(e).trainLoss(), 0.0, "epoch " + (e + 1));
            assertEquals(full.history().get(e).valNll(), rest.history().get(e).valNll(), 0.0, "epoch " + (e + 1));
        }
        assertSameWeights(straight.stateDict(), resumed.stateDict());
    }

    @Test
    void sameSeedSameWeightsOnOneAndTwoThreads() {
        TrainConfig cfg = TrainConfig.defaults().withEpochs(2).withBatchSize(32).withLearningRate(0.01);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Flow a = conditionalFlow(2);
            new Trainer(cfg).fit(a, conditionalData(), null);
            Parallel.setThreads(2);
            Flow b = conditionalFlow(2);
            new Trainer(cfg).fit(b, conditionalData(), null);
            assertSameWeights(a.stateDict(), b.stateDict());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        Tensor train = gaussian(1, 500, 0, 0.05);
        Tensor val = gaussian(2, 200, 3, 1);
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        List<Double> vals = new ArrayList<>();
        TrainConfig cfg = TrainConfig.defaults().withEpochs(40).withBatchSize(100).withLearningRate(0.05).withPatience(2);
        TrainResult r = new Trainer(cfg).fit(model, TrainData.of(train, val), new TrainListener() {
            @Override
            public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
                vals.add(stats.valNll());
            }
        });
        assertTrue(r.stoppedEarly(), "validation data far from the training data must stop the run");
        assertTrue(r.history().size() < 40);
        int argmin = 0;
        for (int i = 1; i < vals.size(); i++) {
            if (vals.get(i) < vals.get(argmin)) {
                argmin = i;
            }
        }
        assertEquals(argmin + 1, r.bestEpoch());
        assertEquals(vals.get(argmin), Evaluation.meanNll(model, val, null, 64), 0.0,
                "the model must hold the best epoch's weights, not the last");
        assertEquals(r.history().size() - r.bestEpoch(), 2, "stops after exactly `patience` epochs without improvement");
    }

    @Test
    void evaluationReportsMeanAndStandardError() {
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        Tensor x = Tensor.of(new double[][] {{0, 0}, {1, 0}, {0, 2}});
        Evaluation.Nll nll = Evaluation.nll(model, x, null, 2);
        double c = Math.log(2 * Math.PI);
        double[] per = {c, c + 0.5, c + 2};
        double mean = (per[0] + per[1] + per[2]) / 3;
        double var = 0;
        for (double p : per) {
            var += (p - mean) * (p - mean) / 2;
        }
        assertEquals(3, nll.n());
        assertEquals(mean, nll.mean(), 1e-12);
        assertEquals(Math.sqrt(var / 3), nll.stderr(), 1e-12);
    }

    @Test
    void badInputIsRejectedWithBothValues() {
        DiagonalNormal model = new DiagonalNormal(3, DType.FLOAT64);
        Trainer t = new Trainer(TrainConfig.defaults().withEpochs(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> t.fit(model, TrainData.of(gaussian(1, 10, 0, 1)), null));
        assertTrue(e.getMessage().contains("3 features") && e.getMessage().contains("2 columns"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.defaults().withBatchSize(0));
        assertTrue(bad.getMessage().contains("got 0"), bad.getMessage());
    }

    @Test
    void eachEpochTrainsOnTheRowsItsEpochRowsGive() {
        Tensor base = gaussian(1, 400, 0, 1);
        List<Integer> asked = new ArrayList<>();
        TrainData data = TrainData.of(base).withEpochRows(epoch -> {
            asked.add(epoch);
            Tensor t = base.copy();
            for (int i = 0; i < t.numel(); i++) {
                t.set(i, t.get(i) + 10 * epoch);
            }
            return t;
        });
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        TrainResult r = new Trainer(TrainConfig.defaults().withEpochs(3).withBatchSize(400)).fit(model, data, null);
        assertEquals(List.of(1, 2, 3), asked);
        assertTrue(r.history().get(2).trainLoss() > r.history().get(0).trainLoss() + 100,
                "epoch 3's rows lie 20 units further out than epoch 1's: " + r.history());

        TrainData wrong = TrainData.of(base).withEpochRows(epoch -> gaussian(1, 10, 0, 1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new Trainer(TrainConfig.defaults().withEpochs(1)).fit(new DiagonalNormal(2, DType.FLOAT64), wrong, null));
        assertTrue(e.getMessage().contains("[400, 2]") && e.getMessage().contains("[10, 2]"), e.getMessage());
    }

    @Test
    void automaticEpochsComeFromTheTrainingRows() {
        TrainConfig cfg = TrainConfig.defaults().withEpochs(TrainConfig.AUTO_EPOCHS).withBatchSize(100).withPatience(0);
        TrainResult r = new Trainer(cfg).fit(new DiagonalNormal(2, DType.FLOAT64), TrainData.of(gaussian(2, 2000, 0, 1)), null);
        assertEquals(TrainConfig.autoEpochs(2000, 100), r.history().size());
        assertEquals(150, r.history().size(), "3,000 steps of 20 per epoch");
    }

    @Test
    void aDivergingRunStopsWithAClearError() {
        DiagonalNormal model = new DiagonalNormal(2, DType.FLOAT64);
        Tensor x = gaussian(1, 100, 0, 1);
        x.set(0, 1e300);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(100);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(cfg).fit(model, TrainData.of(x), null));
        assertTrue(e.getMessage().contains("loss became"), e.getMessage());
    }

    private static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
        }
    }
}
