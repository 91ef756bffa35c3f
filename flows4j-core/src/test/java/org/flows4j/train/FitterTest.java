package org.flows4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.autodiff.Variable;
import org.flows4j.data.Dequantizer;
import org.flows4j.data.Split;
import org.flows4j.data.Standardizer;
import org.flows4j.data.Toys;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.optim.Constant;
import org.flows4j.optim.Cosine;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.optim.SGD;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training pipeline of {@link Fitter}: split, standardization, dequantization, early stopping, test figures. */
class FitterTest {
    private static final FlowSpec SMALL = FlowSpec.defaults("nsf", 2).withLayers(2).withHidden(16, 16);

    private static Fitter fitter(TrainConfig config) {
        return Fitter.builder().config(config).build();
    }

    @Test
    void theSplitHasTheConfiguredSizesAndIsTheSplitOfTheCommandLine() {
        double[][] x = Toys.generate("moons", 1000, 3);
        Fitter f = Fitter.builder().config(TrainConfig.defaults().withSeed(7)).validationFraction(0.2)
                .testFraction(0.1).build();
        PreparedFit p = f.prepare(SMALL, FitData.of(x));
        assertEquals(700, p.trainRows());
        assertEquals(200, p.validationRows());
        assertEquals(100, p.testRows());
        Split cli = Split.of(x, 1 - 0.2 - 0.1, 0.2, 7);
        assertEquals(Standardizer.fit(cli.train()), p.preprocessing().data(),
                "the standardization is fitted on exactly the training rows of Split.of with the same seed");
        PreparedFit defaults = Fitter.builder().build().prepare(SMALL, FitData.of(x));
        assertEquals(List.of(800, 100, 100), List.of(defaults.trainRows(), defaults.validationRows(), defaults.testRows()));
    }

    @Test
    void theStandardizationIsFittedOnTheTrainingRowsAndSavedWithTheModel(@TempDir Path dir) throws Exception {
        Rng rng = new Rng(2);
        double[][] x = new double[600][];
        double[][] c = new double[600][];
        for (int i = 0; i < x.length; i++) {
            c[i] = new double[] {100 + 10 * rng.nextGaussian()};
            x[i] = new double[] {5 + 3 * rng.nextGaussian(), -2 + 0.1 * rng.nextGaussian() + 0.01 * c[i][0]};
        }
        FlowSpec spec = FlowSpec.defaults("maf", 2).withLayers(1).withHidden(8).withContext(1);
        FitData data = FitData.of(x, c).withColumns(List.of("a", "b"), List.of("t")).withSource("table");
        FitResult r = fitter(TrainConfig.defaults().withEpochs(2).withSeed(4)).fit(spec, data);

        Split split = Split.of(x, 0.8, 0.1, 4);
        Split contextSplit = Split.of(c, 0.8, 0.1, 4);
        assertEquals(Standardizer.fit(split.train()), r.model().preprocessing().data());
        assertEquals(Standardizer.fit(contextSplit.train()), r.model().preprocessing().context());
        assertEquals(List.of("a", "b"), r.model().columns());
        assertEquals(List.of("t"), r.model().contextColumns());
        assertEquals("table", r.summary().data());

        Path file = dir.resolve("m.flow");
        ModelFile.save(r.model(), file);
        FlowModel loaded = ModelFile.load(file);
        assertEquals(r.model().preprocessing(), loaded.preprocessing());
        double[][] probe = {{5, -1}, {8, -2}};
        double[][] probeContext = {{100}, {90}};
        assertArrayEquals(r.model().logProb(probe, probeContext), loaded.logProb(probe, probeContext), 0.0);
        assertEquals(r.summary().testNll(), loaded.summary().orElseThrow().testNll(), 0.0);
    }

    /** A transform that records its training-mode inputs and passes them through (log-det 0). */
    private static final class Recorder extends Transform {
        final List<double[][]> seen = new ArrayList<>();

        Recorder(int features) {
            super(features, 0);
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            if (isTraining()) {
                seen.add(x.value().toDoubleMatrix());
            }
            return new Transformed(x, Variable.constant(Tensor.zeros(x.value().dtype(), x.size(0))));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            return new Transformed(y, Variable.constant(Tensor.zeros(y.value().dtype(), y.size(0))));
        }
    }

    private static double[][] integers(int n, int d, int levels, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextInt(levels);
            }
        }
        return x;
    }

    private static List<String> sortedRows(double[][] rows, int levels) {
        return Arrays.stream(rows).map(r -> levels == 0 ? Arrays.toString(r)
                : Arrays.toString(new Dequantizer(levels).quantize(new double[][] {r})[0])).sorted().toList();
    }

    @Test
    void integerDataIsDequantizedAfreshEveryEpochFromTheSameIntegers() {
        int levels = 4;
        double[][] x = integers(250, 2, levels, 5);
        Recorder recorder = new Recorder(2);
        Flow flow = new Flow(new Composite(List.of(recorder, Affine.learnable(2, DType.FLOAT64))),
                new StandardNormal(2, DType.FLOAT64));
        TrainConfig config = TrainConfig.defaults().withEpochs(3).withBatchSize(1000).withShards(1).withSeed(8);
        FitResult r = Fitter.builder().config(config).standardize(false).build().fit(flow, FitData.of(x).withLevels(levels));

        assertTrue(r.model().spec().isEmpty(), "a flow given without a spec gives a model without a preset");
        assertEquals(3, recorder.seen.size(), "one batch per epoch");
        for (double[][] epochRows : recorder.seen) {
            assertEquals(r.summary().trainRows(), epochRows.length);
            assertEquals(sortedRows(recorder.seen.get(0), levels), sortedRows(epochRows, levels),
                    "every epoch dequantizes the same integers");
        }
        assertFalse(sortedRows(recorder.seen.get(0), 0).equals(sortedRows(recorder.seen.get(1), 0)),
                "epoch 2 draws new noise");
        assertFalse(sortedRows(recorder.seen.get(1), 0).equals(sortedRows(recorder.seen.get(2), 0)),
                "epoch 3 draws new noise");
        double[][] firstDraw = new Dequantizer(levels).dequantize(x, new Rng(8 ^ 0x5DEECE66DL));
        assertEquals(sortedRows(Split.of(firstDraw, 0.8, 0.1, 8).train(), 0), sortedRows(recorder.seen.get(0), 0),
                "epoch 1 sees the draw the command line has always made");
    }

    @Test
    void aResumedRunOfIntegerDataRepeatsTheUninterruptedRun() {
        double[][] x = integers(400, 2, 16, 6);
        FitData data = FitData.of(x).withLevels(16);
        TrainConfig config = TrainConfig.defaults().withEpochs(4).withBatchSize(64).withSeed(3);
        FlowSpec spec = FlowSpec.defaults("realnvp", 2).withLayers(2).withHidden(8);
        List<TrainState> states = new ArrayList<>();
        TrainListener keepEpoch2 = new TrainListener() {
            @Override
            public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
                if (stats.epoch() == 2) {
                    states.add(checkpoint.get());
                }
            }
        };
        FitResult whole = Fitter.builder().config(config).listener(keepEpoch2).build().fit(spec, data);
        FitResult resumed = Fitter.builder().config(config).resume(states.get(0)).build().fit(spec, data);
        Map<String, Tensor> a = whole.flow().stateDict();
        Map<String, Tensor> b = resumed.flow().stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
        }
        assertEquals(whole.testNll(), resumed.testNll(), 0.0);
    }

    @Test
    void earlyStoppingRestoresTheBestEpochsWeights() {
        double[][] x = Toys.generate("moons", 80, 4);
        TrainConfig config = TrainConfig.defaults().withEpochs(100).withBatchSize(32).withSchedule(new Constant(0.02))
                .withPatience(0).withSeed(1);
        Fitter f = Fitter.builder().config(config).validationFraction(0.3).testFraction(0).build();
        FitResult r = f.fit(FlowSpec.defaults("nsf", 2).withHidden(128, 128), FitData.of(x));

        List<EpochStats> history = r.training().history();
        int best = r.training().bestEpoch();
        assertEquals(100, history.size());
        assertTrue(best < history.size(), "the validation NLL rose after epoch " + best + ": the test needs overfitting");
        Tensor validation = Tensor.of(r.preprocessing().data().forward(Split.of(x, 0.7, 0.3, 1).validation()))
                .to(DType.FLOAT32);
        double now = Evaluation.meanNll(r.flow(), validation, null, 4096);
        assertEquals(history.get(best - 1).valNll(), now, 0.0, "the returned flow has the best epoch's weights");
        assertEquals(r.training().bestValNll(), now, 0.0);
        assertNotEquals(history.get(history.size() - 1).valNll(), now, "not the last epoch's");
        assertEquals(best, r.summary().bestEpoch());
        assertTrue(Double.isNaN(r.testNll()), "no test rows, no test NLL");
    }

    @Test
    void aGivenOptimizerAndScheduleAreTheOnesUsed() {
        double[][] x = Toys.generate("moons", 400, 5);
        List<Optimizer> made = new ArrayList<>();
        FlowSpec spec = SMALL.withHidden(8);
        TrainConfig frozen = TrainConfig.defaults().withEpochs(2).withBatchSize(100).withSchedule(new Constant(0))
                .withOptimizer(p -> {
                    Optimizer o = new SGD(p, 0.5, 0, 0);
                    made.add(o);
                    return o;
                });
        FitResult r = fitter(frozen).fit(spec, FitData.of(x));
        assertEquals(1, made.size());
        assertEquals(r.training().steps(), made.get(0).steps(), "the factory's optimizer took every step");
        Map<String, Tensor> start = Flows.build(spec).stateDict();
        r.flow().stateDict().forEach((k, v) -> assertArrayEquals(start.get(k).toDoubleArray(), v.toDoubleArray(), 0.0,
                "a learning rate of 0 leaves " + k + " unchanged"));

        LrSchedule warmCosine = new Cosine(0.01, 30, 0.001).withWarmup(5);
        FitResult s = fitter(TrainConfig.defaults().withEpochs(5).withBatchSize(100).withSchedule(warmCosine))
                .fit(spec, FitData.of(x));
        for (EpochStats e : s.training().history()) {
            assertEquals(warmCosine.lr(e.steps() - 1), e.lr(), 0.0, "epoch " + e.epoch() + " ends at the schedule's rate");
        }
    }

    @Test
    void theTestNllIsTheMeanOverTheTestRowsInDataUnitsAndBitsPerDimFollowFromIt() {
        double[][] x = Toys.generate("8gaussians", 500, 6);
        FitResult r = fitter(TrainConfig.defaults().withEpochs(2).withSeed(2)).fit(SMALL, FitData.of(x));
        double[][] test = Split.of(x, 0.8, 0.1, 2).test();
        double nll = Evaluation.Nll.of(r.model().logProb(test, null)).mean();
        assertEquals(nll, r.testNll(), 0.0);
        assertEquals(nll, r.summary().testNll(), 0.0);
        assertEquals(nll / (2 * Math.log(2)), r.testBitsPerDim(), 1e-12);
        assertEquals(50, r.summary().testRows());

        int levels = 8;
        double[][] pixels = integers(500, 3, levels, 9);
        FitResult q = fitter(TrainConfig.defaults().withEpochs(2).withSeed(5))
                .fit(FlowSpec.defaults("maf", 3).withLayers(1).withHidden(8), FitData.of(pixels).withLevels(levels));
        double[][] dequantized = new Dequantizer(levels).dequantize(pixels, new Rng(5 ^ 0x5DEECE66DL));
        double qNll = Evaluation.Nll.of(q.model().logProb(Split.of(dequantized, 0.8, 0.1, 5).test(), null)).mean();
        assertEquals(qNll, q.testNll(), 0.0, "test rows keep the first draw, on the [0, 1) scale");
        assertEquals((qNll + 3 * Math.log(levels)) / (3 * Math.log(2)), q.testBitsPerDim(), 1e-12);
        assertEquals(levels, q.model().preprocessing().dequantizeLevels());
    }

    @Test
    void badValuesAreRefusedWithTheExpectedAndTheActualValue() {
        String[][] cases = {
            {message(() -> TrainConfig.defaults().withEpochs(-1)), "epochs", ">= 1", "got -1"},
            {message(() -> TrainConfig.defaults().withBatchSize(0)), "batchSize", ">= 1", "got 0"},
            {message(() -> TrainConfig.defaults().withBatchSize(-5)), "batchSize", "got -5"},
            {message(() -> TrainConfig.defaults().withShards(0)), "shards must be >= 1, got 0"},
            {message(() -> TrainConfig.defaults().withWeightDecay(0.1).withOptimizer(p -> new SGD(p, 1, 0, 0))),
                "weightDecay", "expected weightDecay 0", "got 0.1"},
            {message(() -> Fitter.builder().validationFraction(0.6).testFraction(0.5).build()), "0.6", "0.5"},
            {message(() -> Fitter.builder().build().prepare(FlowSpec.defaults("nsf", 3), FitData.of(new double[5][2]))),
                "3 data", "has 2"},
            {message(() -> Fitter.builder().build().prepare(SMALL, FitData.of(new double[2][2]))), "too few rows",
                "need at least 2"},
        };
        for (String[] c : cases) {
            for (int i = 1; i < c.length; i++) {
                assertTrue(c[0].contains(c[i]), "'" + c[i] + "' in: " + c[0]);
            }
        }
        assertEquals(TrainConfig.AUTO_EPOCHS, TrainConfig.defaults().withEpochs(0).epochs());
        assertEquals(TrainConfig.autoEpochs(800, 512), TrainConfig.defaults().withEpochs(0).epochsFor(800));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void theMemoryEstimateCountsEveryParameterAndRefusesAModelThatCannotFit() {
        for (FlowSpec spec : List.of(SMALL.withLayers(3), FlowSpec.defaults("nice", 4).withLuMixing(true),
                FlowSpec.defaults("maf", 3).withContext(2), FlowSpec.defaults("realnvp", 5).withConditioner("resnet"))) {
            assertEquals(Flows.build(spec).numParameters(), MemoryEstimate.of(spec, 512).parameters(),
                    spec.toString());
        }
        FlowSpec huge = FlowSpec.defaults("nsf", 2).withLayers(100_000_000);
        MemoryEstimate e = MemoryEstimate.of(huge, 512);
        long one = Flows.build(huge.withLayers(1)).numParameters();
        long two = Flows.build(huge.withLayers(2)).numParameters();
        assertEquals(one + 99_999_999L * (two - one), e.parameters());
        assertEquals(4 * e.parameters(), e.parameterBytes());
        assertTrue(e.trainingBytes() >= 5 * e.parameterBytes());
        long heap = Runtime.getRuntime().maxMemory();
        String m = message(() -> e.requireFits(heap));
        assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d parameters", e.parameters())), m);
        assertTrue(m.contains(MemoryEstimate.size(heap)) && m.contains("heap"), m);
        String viaFitter = message(() -> Fitter.builder().build().prepare(huge, FitData.of(Toys.generate("moons", 50, 1))));
        assertEquals(m, viaFitter, "the fitter refuses before building");
        assertEquals("6.0 GiB", MemoryEstimate.size(6L << 30));
        assertEquals("512 B", MemoryEstimate.size(512));
    }
}
