package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.nn.Parameter;
import org.flows4j.optim.GradClip;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.ShardedLoss;
import org.flows4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

class SyncTrainingTest {
    /** Fixed batches: partition p gives its rows i with (i + step + p) % 4 == 0, at most 40 of them. */
    private static final StepRows FIXED = (p, n, step) -> java.util.stream.IntStream.range(0, n)
            .filter(i -> (i + step + p) % 4 == 0).limit(40).toArray();

    @Test
    void synchronousStepsEqualTheSingleJvmStepsOnTheSameBatches() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        double[][] x = Fixtures.rows(600, 3, 21);
        double[][] all = new double[x.length][4];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, all[i], 0, 3);
            all[i][3] = x[i][0] * 0.5 - 1;
        }
        Dataset<Row> df = Fixtures.frame(all, new String[] {"a", "b", "c", "ctx"}, 3);
        RowColumns cols = RowColumns.resolve("test", df.schema(), "features", new String[] {"a", "b", "c"},
                new String[] {"ctx"}, 3);
        JavaRDD<Block> raw = Blocks.raw(df, cols, false).cache();
        Standardizer[] st = Blocks.fit(raw, 3, 1);
        JavaRDD<Block> blocks = Blocks.standardize(raw, st).cache();
        List<Block> local = blocks.collect();
        assertEquals(3, local.size());

        FlowSpec spec = FlowSpec.defaults("realnvp", 3).withContext(1).withLayers(2).withHidden(16, 16).withSeed(4);
        TrainConfig config = TrainConfig.defaults().withLearningRate(1e-2).withClipNorm(1.0).withShards(1);
        Broadcast<byte[]> run = jsc.broadcast(ModelFile.encode(FlowModel.untrained(spec)));
        Flow distributed = Flows.build(spec);
        Optimizer optD = config.optimizerFor(distributed.parameters());
        Flow single = Flows.build(spec);
        Optimizer optS = config.optimizerFor(single.parameters());
        float[] start = FlatParams.values(single.parameters());
        DistributedTrainer trainer = new DistributedTrainer(jsc, config, DistributedTrainer.Mode.SYNC, 1);
        for (long step = 0; step < 6; step++) {
            Tensor[] batch = gather(local, step);
            double lossD = trainer.syncStep(distributed, optD, run, blocks, FIXED, step, batch[0].size(0));
            optS.zeroGrad();
            double lossS = ShardedLoss.meanNllBackward(single, batch[0], batch[1], 1);
            GradClip.clipGlobalNorm(single.parameters().values(), config.clipNorm());
            optS.step();
            assertEquals(lossS, lossD, 1e-5 * Math.max(1, Math.abs(lossS)), "loss of step " + step);
        }
        float[] d = FlatParams.values(distributed.parameters());
        float[] s = FlatParams.values(single.parameters());
        double moved = 0;
        for (int i = 0; i < s.length; i++) {
            moved = Math.max(moved, Math.abs(s[i] - start[i]));
            assertEquals(s[i], d[i], 2e-5 * Math.max(1, Math.abs(s[i])), "parameter element " + i);
        }
        assertTrue(moved > 1e-2, "the steps must move the weights, moved " + moved);
        raw.unpersist();
        blocks.unpersist();
    }

    /** The rows of FIXED for {@code step} from every block, in partition order: {data, context}. */
    private static Tensor[] gather(List<Block> blocks, long step) {
        int total = 0;
        for (Block b : blocks) {
            total += FIXED.rows(b.partition, b.n, step).length;
        }
        float[] x = new float[total * 3];
        float[] c = new float[total];
        int at = 0;
        for (Block b : blocks) {
            int[] rows = FIXED.rows(b.partition, b.n, step);
            System.arraycopy(b.gatherX(rows), 0, x, at * 3, rows.length * 3);
            System.arraycopy(b.gatherC(rows), 0, c, at, rows.length);
            at += rows.length;
        }
        return new Tensor[] {Tensor.wrap(x, total, 3), Tensor.wrap(c, total, 1)};
    }

    @Test
    void standardizationIsFittedOnTheTrainingRowsAsInOneJvm() {
        double[][] x = Fixtures.rows(500, 3, 5);
        for (double[] r : x) {
            r[1] = 1e6 + r[1];
        }
        Dataset<Row> df = Fixtures.frame(x, new String[] {"a", "b", "c"}, 3);
        FlowSparkModel m = new FlowEstimator().setInputCols("a", "b", "c").setValidationFraction(0).setEpochs(1)
                .setLayers(1).setHidden(4).setBatchSize(250).fit(df);
        Standardizer expected = Standardizer.fit(x);
        Standardizer actual = m.flowModel().preprocessing().data();
        assertArrayEquals(expected.mean(), actual.mean(), 1e-9);
        assertArrayEquals(expected.scale(), actual.scale(), 1e-9);
        assertEquals(500, m.flowModel().summary().orElseThrow().trainRows());
    }

    @Test
    void bothModesLearnAndKeepTheBestEpoch() {
        double[][] x = Fixtures.rows(3000, 2, 8);
        Dataset<Row> df = Fixtures.frame(x, new String[] {"a", "b"}, 2);
        for (String mode : new String[] {"sync", "averaging"}) {
            FlowSparkModel m = new FlowEstimator().setInputCols("a", "b").setTrainingMode(mode).setLocalSteps(4)
                    .setEpochs(4).setLayers(2).setHidden(16).setBatchSize(200).setLearningRate(1e-2).setSeed(3).fit(df);
            List<org.flows4j.flows.EpochStats> h = m.flowModel().summary().orElseThrow().epochs();
            assertEquals(4, h.size(), mode);
            assertTrue(h.get(3).valNll() < h.get(0).valNll() + 1e-9 || h.get(3).trainLoss() < h.get(0).trainLoss(),
                    mode + " must learn: " + h);
            int best = m.flowModel().summary().orElseThrow().bestEpoch();
            double min = h.stream().mapToDouble(org.flows4j.flows.EpochStats::valNll).min().orElseThrow();
            assertEquals(min, h.get(best - 1).valNll(), 0.0, mode);
            double[] lp = m.flowModel().logProb(x, null);
            double mean = java.util.Arrays.stream(lp).average().orElseThrow();
            FlowModel untrained = FlowModel.untrained(m.flowModel().spec().orElseThrow(),
                    m.flowModel().preprocessing());
            double before = java.util.Arrays.stream(untrained.logProb(x, null)).average().orElseThrow();
            assertTrue(mean > before + 0.05, mode + ": mean log p " + mean + " after training, " + before + " before");
        }
    }

    @Test
    void parameterOrderIsTheSameOnEveryBuild() {
        FlowSpec spec = FlowSpec.defaults("maf", 3).withLayers(2).withHidden(8, 8);
        Map<String, Parameter> a = Flows.build(spec).parameters();
        Map<String, Parameter> b = Flows.build(spec).parameters();
        assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
        assertArrayEquals(FlatParams.values(a), FlatParams.values(b));
    }
}
