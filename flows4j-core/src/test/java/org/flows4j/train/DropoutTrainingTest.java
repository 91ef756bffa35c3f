package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.data.Toys;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Dropout;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Training with dropout stays reproducible: the masks of shard {@code s} of step {@code t} come from
 * {@code Dropout.key(t, s)}, so the same seed gives the same weights on any thread count, a resumed run
 * continues exactly, and the masks change from step to step and from shard to shard.
 */
class DropoutTrainingTest {
    /** One spec per conditioner network: MLP (realnvp), ResidualNet (nsf), MADE (maf) and the D-pass IAF density. */
    private static final FlowSpec[] SPECS = {
        spec("realnvp", "mlp"), spec("nsf", "resnet"), spec("maf", "mlp"), spec("iaf", "mlp")};

    private static FlowSpec spec(String kind, String conditioner) {
        return FlowSpec.defaults(kind, 2).withLayers(2).withHidden(16, 16).withDtype(DType.FLOAT64).withSeed(3)
                .withConditioner(conditioner).withDropout(0.2);
    }

    private static final Tensor DATA = Tensor.of(Toys.generate("moons", 600, 1));
    private static final TrainConfig CONFIG = TrainConfig.defaults().withEpochs(3).withBatchSize(100)
            .withLearningRate(5e-3).withSeed(4).withShards(3);

    private static Flow trained(FlowSpec spec, int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            Flow f = Flows.build(spec);
            new Trainer(CONFIG).fit(f, TrainData.of(DATA), null);
            return f;
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b, String what) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, what + ": " + k);
        }
    }

    private static boolean sameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        return a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray()));
    }

    @Test
    void theSameSeedGivesTheSameWeightsOnOneAndOnFourThreads() {
        for (FlowSpec s : SPECS) {
            Map<String, Tensor> one = trained(s, 1).stateDict();
            assertSameWeights(one, trained(s, 4).stateDict(), s + " on 1 and 4 threads");
            assertSameWeights(one, trained(s, 4).stateDict(), s + " twice on 4 threads");
            assertFalse(sameWeights(one, trained(s.withDropout(0), 1).stateDict()), s + ": dropout changes the run");
        }
    }

    @Test
    void aRunResumedFromACheckpointContinuesExactly() {
        for (FlowSpec s : new FlowSpec[] {SPECS[0], SPECS[3]}) {
            Flow straight = Flows.build(s);
            new Trainer(CONFIG).fit(straight, TrainData.of(DATA), null);
            TrainState[] saved = new TrainState[1];
            new Trainer(CONFIG).fit(Flows.build(s), TrainData.of(DATA), new TrainListener() {
                @Override
                public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
                    if (stats.epoch() == 1) {
                        saved[0] = checkpoint.get();
                    }
                }
            });
            assertNotNull(saved[0]);
            Flow resumed = Flows.build(s);
            resumed.parameters().values().forEach(p -> p.value().fillInPlace(0.3));
            new Trainer(CONFIG).fit(resumed, TrainData.of(DATA), null, saved[0]);
            assertSameWeights(straight.stateDict(), resumed.stateDict(), s + " resumed after epoch 1");
        }
    }

    /** {@code -sum log p(rows)} of the flow in training mode under one dropout key, with gradients. */
    private static double nllSum(Flow f, Tensor rows, long key) {
        try (Dropout.Scope k = Dropout.withKey(key)) {
            return -ReduceOps.sum(f.logProb(Variable.constant(rows))).value().item();
        }
    }

    @Test
    void shardSOfStepTUsesTheKeyOfTAndS() {
        Flow f = Flows.build(SPECS[0]);
        f.parameters().values().forEach(p -> p.value().fillInPlace(0.05));
        Tensor half = DATA.rows(0, 40);
        Tensor twice = Tensor.zeros(DType.FLOAT64, 80, 2);
        twice.setRows(0, half);
        twice.setRows(40, half);
        ShardedLoss loss = new ShardedLoss(2);
        double shard0 = nllSum(f, half, Dropout.key(7, 0));
        double shard1 = nllSum(f, half, Dropout.key(7, 1));
        assertNotEquals(shard0, shard1, "two shards of one step have masks of their own");
        assertEquals((shard0 + shard1) / 80, loss.meanNllBackwardAt(7, f, twice, null), 1e-12);
        assertEquals(loss.meanNllBackwardAt(7, f, twice, null), loss.meanNllBackwardAt(7, f, twice, null), 0.0,
                "the same step: the same masks");
        assertNotEquals(loss.meanNllBackwardAt(7, f, twice, null), loss.meanNllBackwardAt(8, f, twice, null),
                "the next step: new masks");
        ShardedLoss counting = new ShardedLoss(2);
        assertEquals(loss.meanNllBackwardAt(0, f, twice, null), counting.meanNllBackward(f, twice, null), 0.0,
                "without a step number the first call is step 0");
        assertEquals(loss.meanNllBackwardAt(1, f, twice, null), counting.meanNllBackward(f, twice, null), 0.0,
                "and the next one step 1");
    }
}
