package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.Rng;
import org.flows4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    /**
     * Training rows in two clusters (x0 near -2 or +2), validation rows in the gap between them: the better the flow
     * learns the clusters, the worse the validation NLL, so training stops after {@code patience} bad epochs and the
     * weights of the best epoch come back.
     */
    @Test
    void stopsAfterPatienceAndRestoresTheBestEpochsWeights() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        Rng rng = new Rng(5);
        double[][] train = new double[2000][2];
        for (double[] r : train) {
            r[0] = (rng.nextDouble() < 0.5 ? -2 : 2) + 0.3 * rng.nextGaussian();
            r[1] = rng.nextGaussian();
        }
        double[][] gap = new double[200][2];
        for (double[] r : gap) {
            r[0] = 0.2 * rng.nextGaussian();
            r[1] = rng.nextGaussian();
        }
        String[] names = {"a", "b"};
        RowColumns cols = RowColumns.resolve("test", Fixtures.frame(gap, names, 1).schema(), "features", names,
                new String[0], 2);
        Dataset<Row> trainDf = Fixtures.frame(train, names, 2);
        JavaRDD<Block> rawTrain = Blocks.raw(trainDf, cols, false).cache();
        Standardizer[] st = Blocks.fit(rawTrain, 2, 0);
        JavaRDD<Block> blocks = Blocks.standardize(rawTrain, st).cache();
        JavaRDD<Block> validation = Blocks.standardize(Blocks.raw(Fixtures.frame(gap, names, 1), cols, false), st)
                .cache();
        int[] sizes = blocks.collect().stream().mapToInt(b -> b.n).toArray();

        FlowSpec spec = FlowSpec.defaults("realnvp", 2).withLayers(3).withHidden(16, 16).withSeed(2);
        Broadcast<byte[]> run;
        try {
            run = jsc.broadcast(ModelFile.encode(FlowModel.untrained(spec)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TrainConfig config = TrainConfig.defaults().withEpochs(12).withBatchSize(250).withLearningRate(1e-2)
                .withPatience(2).withShards(1);
        DistributedTrainer.Result r = new DistributedTrainer(jsc, config, DistributedTrainer.Mode.SYNC, 1)
                .fit(Flows.build(spec), run, blocks, sizes, validation, gap.length);
        List<EpochStats> h = r.history();
        assertTrue(r.stoppedEarly() && h.size() < 12, "expected an early stop, got " + h);
        int best = r.bestEpoch();
        assertEquals(h.size() - 2, best, "two bad epochs after the best one: " + h);
        for (EpochStats e : h) {
            assertTrue(e.valNll() >= h.get(best - 1).valNll(), "epoch " + e.epoch() + " beats the best: " + h);
        }
        assertTrue(h.get(h.size() - 1).valNll() > h.get(best - 1).valNll() + 1e-3, h.toString());
        Flow restored = r.flow();
        double nll = 0;
        for (Block b : validation.collect()) {
            nll += ShareLoss.nllSum(restored, b, 64);
        }
        assertEquals(h.get(best - 1).valNll(), nll / gap.length, 1e-5, "the restored weights are the best epoch's");
        rawTrain.unpersist();
        blocks.unpersist();
        validation.unpersist();
    }
}
