package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ViCheckpointFile;
import org.flows4j.nn.Parameter;
import org.flows4j.optim.Cosine;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariationalTrainerTest {
    @TempDir
    Path dir;

    private static Flow realnvp(long seed) {
        return Flows.build(FlowSpec.defaults("realnvp", 2).withLayers(2).withHidden(16, 16).withSeed(seed));
    }

    private static Target target() {
        return TestTargets.gaussian(new double[] {0.5, -0.5}, new double[][] {{1.0, 0}, {0.8, 0.6}}, 1.2, DType.FLOAT32);
    }

    /** Every setting that carries state across steps is on: annealing, STL, checks, a schedule, clipping. */
    private static ViConfig resumableConfig() {
        return ViConfig.defaults().withSteps(40).withSamples(64).withLearningRate(5e-3).withAnnealing(0.2, 20)
                .withStickingTheLanding(true).withChecks(10, 256, 0).withClipNorm(1.0).withEstimateSamples(1024)
                .withSeed(3).withSchedule(new Cosine(5e-3, 40, 0));
    }

    @Test
    void aRunResumedFromACheckpointFileEndsBitForBitLikeTheUninterruptedRun() throws IOException {
        ViConfig cfg = resumableConfig();
        Flow straight = realnvp(1);
        ViResult full = new VariationalTrainer(cfg).fit(straight, target(), null);

        Path file = dir.resolve("vi.ckpt");
        new VariationalTrainer(cfg).fit(realnvp(1), target(), new ViListener() {
            @Override
            public void onStep(StepStats stats, Supplier<ViState> checkpoint) {
                if (stats.step() == 20) {
                    try {
                        ViCheckpointFile.save(checkpoint.get(), file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        });
        Flow resumed = realnvp(77);
        ViResult rest = new VariationalTrainer(cfg).fit(resumed, target(), null, ViCheckpointFile.load(file));

        assertEquals(full.history(), rest.history(), "every step's statistics, the restored ones included");
        assertEquals(full.checks(), rest.checks());
        assertEquals(full.estimate(), rest.estimate());
        assertEquals(full.bestStep(), rest.bestStep());
        assertSameWeights(straight.stateDict(), resumed.stateDict());
        assertEquals(4, full.checks().size());
    }

    @Test
    void theWeightsDoNotDependOnTheThreadCount() {
        ViConfig cfg = ViConfig.defaults().withSteps(15).withSamples(64).withEstimateSamples(0).withShards(2);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Flow a = realnvp(2);
            new VariationalTrainer(cfg).fit(a, target(), null);
            Parallel.setThreads(2);
            Flow b = realnvp(2);
            new VariationalTrainer(cfg).fit(b, target(), null);
            assertSameWeights(a.stateDict(), b.stateDict());
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** An optimizer that climbs the loss, so every held-out check after the first is worse. */
    private static final class Ascent extends Optimizer {
        Ascent(Map<String, Parameter> params) {
            super("Ascent", params, 0.05);
        }

        @Override
        protected void update(int index, Tensor param, Tensor grad, double lr) {
            param.addInPlace(grad, lr);
        }
    }

    @Test
    void patienceStopsTheRunAndTheBestCheckedWeightsAreRestored() {
        ViConfig cfg = ViConfig.defaults().withSteps(100).withSamples(64).withOptimizer(Ascent::new)
                .withChecks(5, 512, 2).withEstimateSamples(0);
        Map<Long, Map<String, Tensor>> weights = new HashMap<>();
        List<HeldOutCheck> seen = new ArrayList<>();
        Flow q = realnvp(3);
        ViResult r = new VariationalTrainer(cfg).fit(q, target(), new ViListener() {
            @Override
            public void onCheck(HeldOutCheck check) {
                seen.add(check);
            }

            @Override
            public void onStep(StepStats stats, Supplier<ViState> checkpoint) {
                if (stats.step() % 5 == 0) {
                    weights.put(stats.step(), checkpoint.get().model());
                }
            }
        });
        assertTrue(r.stoppedEarly());
        assertEquals(15, r.steps(), "a check after steps 5, 10 and 15; the last two without improvement");
        assertEquals(seen, r.checks());
        assertTrue(seen.get(0).improved() && !seen.get(1).improved() && !seen.get(2).improved(), seen.toString());
        assertEquals(5, r.bestStep());
        assertSameWeights(weights.get(5L), q.stateDict());
    }

    @Test
    void aTargetWithSomeBadValuesIsFittedOnTheRestAndTheCountsAreReported() {
        Target holed = TestTargets.of(2, Double.NaN, x -> ArithmeticOps.add(target().logDensity(x),
                ArithmeticOps.mulScalar(TestTargets.logOfFirstPlus(x, 1.5), 0.01)));
        ViConfig cfg = ViConfig.defaults().withSteps(30).withSamples(128).withLearningRate(5e-3).withEstimateSamples(2048);
        Flow q = realnvp(4);
        ViResult r = new VariationalTrainer(cfg).fit(q, holed, null);
        SampleCounts c = r.counts();
        assertEquals(30 * 128, c.total());
        assertTrue(c.invalid() > 30, "log of a negative number is NaN for x_0 < -1.5: " + c);
        assertEquals(0, r.refusedSteps());
        for (double loss : r.losses()) {
            assertTrue(Double.isFinite(loss), "a step's loss is " + loss);
        }
        for (Tensor t : q.stateDict().values()) {
            for (int i = 0; i < t.numel(); i++) {
                assertTrue(Double.isFinite(t.get(i)), "a weight became " + t.get(i));
            }
        }
        assertNotNull(r.estimate());
        assertTrue(r.estimate().counts().invalid() > 0, r.estimate().toString());
        assertEquals(r.estimate().elbo(), r.finalElbo(), 0.0);
    }

    @Test
    void aTargetThatIsMostlyNanStopsTheRunWithTheCounts() {
        Target nan = TestTargets.of(2, Double.NaN, x -> TestTargets.logOfFirstPlus(x, -0.5));
        ViConfig cfg = ViConfig.defaults().withSteps(50).withSamples(64).withEstimateSamples(0);
        List<StepStats> steps = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new VariationalTrainer(cfg).fit(realnvp(5), nan, new ViListener() {
                    @Override
                    public void onStep(StepStats stats, Supplier<ViState> checkpoint) {
                        steps.add(stats);
                    }
                }));
        assertEquals(VariationalTrainer.MAX_REFUSED_IN_A_ROW, steps.size());
        for (StepStats s : steps) {
            assertTrue(s.refused() && s.counts().invalid() > 32, s.toString());
        }
        assertTrue(e.getMessage().contains("invalid=") && e.getMessage().contains("10 steps"), e.getMessage());
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ViConfig.defaults().withSamples(0));
        assertTrue(e.getMessage().contains("samples") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ViConfig.defaults().withChecks(0, 100, 3));
        assertTrue(e.getMessage().contains("patience") && e.getMessage().contains("checkEvery"), e.getMessage());
        assertFalse(ViConfig.defaults().stickingTheLanding());
    }

    private static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
        }
    }
}
