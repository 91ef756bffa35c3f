package org.flows4j.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.optim.GradClip;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.ShardedLoss;
import org.flows4j.train.TrainConfig;

/**
 * Measurements for docs/SPARK.md, not run by the tests. {@code steps D LAYERS HIDDEN BATCH} times synchronous
 * steps and averaging rounds on local[2] against the same step in this JVM; {@code score ROWS D} times
 * {@code FlowSparkModel.transform} over generated rows against {@code FlowModel.logProb} in this JVM. Run with the
 * test classpath and the surefire JVM flags.
 */
public final class SparkBench {
    private SparkBench() {
    }

    static SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("flows4j-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.default.parallelism", "2")
                .getOrCreate();
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "steps" -> steps(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "overhead" -> overhead();
            default -> throw new IllegalArgumentException("expected steps or score, got " + args[0]);
        }
    }

    static void steps(int d, int layers, int hidden, int batch, int count) throws Exception {
        SparkSession spark = session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(20 * batch, d, 1), Fixtures.names("x", d), 2);
        RowColumns cols = RowColumns.resolve("bench", df.schema(), "features", Fixtures.names("x", d), new String[0], d);
        JavaRDD<Block> raw = Blocks.raw(df, cols, false).cache();
        Standardizer[] st = Blocks.fit(raw, d, 0);
        JavaRDD<Block> blocks = Blocks.standardize(raw, st).cache();
        List<Block> local = blocks.collect();
        int[] sizes = local.stream().mapToInt(b -> b.n).toArray();
        FlowSpec spec = FlowSpec.defaults("realnvp", d).withLayers(layers).withHidden(hidden, hidden);
        TrainConfig config = TrainConfig.defaults().withShards(1);
        Broadcast<byte[]> run = jsc.broadcast(ModelFile.encode(FlowModel.untrained(spec)));
        Flow flow = Flows.build(spec);
        Optimizer opt = config.optimizerFor(flow.parameters());
        EpochPlan plan = new EpochPlan(1, 20);
        DistributedTrainer sync = new DistributedTrainer(jsc, config, DistributedTrainer.Mode.SYNC, 1);
        System.out.printf("parameters %d, batch %d, partitions %d%n", FlatParams.size(flow.parameters()), batch,
                sizes.length);
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < count; s++) {
                sync.syncStep(flow, opt, run, blocks, plan, s, plan.globalRows(sizes, s));
            }
            double ms = (System.nanoTime() - t0) / 1e6 / count;
            Flow one = Flows.build(spec);
            Optimizer o1 = config.optimizerFor(one.parameters());
            ShardedLoss loss = new ShardedLoss(2);
            long t1 = System.nanoTime();
            for (int s = 0; s < count; s++) {
                Tensor x = batchOf(local, plan, s, d);
                o1.zeroGrad();
                loss.meanNllBackward(one, x, null);
                GradClip.clipGlobalNorm(one.parameters().values(), 5.0);
                o1.step();
            }
            double ms1 = (System.nanoTime() - t1) / 1e6 / count;
            DistributedTrainer.AveragingState state = new DistributedTrainer.AveragingState(
                    FlatParams.size(flow.parameters()));
            DistributedTrainer avg = new DistributedTrainer(jsc, config, DistributedTrainer.Mode.AVERAGING, 10);
            double[] lrs = new double[10];
            Arrays.fill(lrs, 1e-3);
            long t2 = System.nanoTime();
            int rounds = Math.max(1, count / 10);
            for (int r = 0; r < rounds; r++) {
                avg.averagingRound(flow, state, run, blocks, plan, r * 10L, lrs);
            }
            double ms2 = (System.nanoTime() - t2) / 1e6 / (rounds * 10);
            System.out.printf("rep %d: sync %.1f ms/step, one JVM (2 shards) %.1f ms/step, averaging K=10 %.1f ms/step%n",
                    rep, ms, ms1, ms2);
        }
        spark.stop();
    }

    static void overhead() {
        SparkSession spark = session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Integer> rdd = jsc.parallelize(List.of(1, 2), 2).cache();
        rdd.count();
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                rdd.treeAggregate(0, (a, b) -> a + b, Integer::sum, 2);
            }
            double job = (System.nanoTime() - t0) / 1e6 / 40;
            long t1 = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                Broadcast<float[]> b = jsc.broadcast(new float[25_000]);
                rdd.treeAggregate(0, (a, x) -> a + b.value().length, Integer::sum, 2);
                b.destroy();
            }
            double withBroadcast = (System.nanoTime() - t1) / 1e6 / 40;
            long t2 = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                rdd.treeAggregate(new float[25_001], (a, x) -> a, DistributedTrainer::addFloats, 2);
            }
            double withZero = (System.nanoTime() - t2) / 1e6 / 40;
            System.out.printf("empty job %.1f ms, with a 100 kB broadcast %.1f ms, with a 100 kB zero value %.1f ms%n",
                    job, withBroadcast, withZero);
        }
        spark.stop();
    }

    private static Tensor batchOf(List<Block> blocks, EpochPlan plan, long step, int d) {
        int total = 0;
        for (Block b : blocks) {
            total += plan.rows(b.partition, b.n, step).length;
        }
        float[] x = new float[total * d];
        int at = 0;
        for (Block b : blocks) {
            int[] rows = plan.rows(b.partition, b.n, step);
            System.arraycopy(b.gatherX(rows), 0, x, at * d, rows.length * d);
            at += rows.length;
        }
        return Tensor.wrap(x, total, d);
    }

    static double sum(Dataset<Row> scored) {
        return scored.agg(functions.sum("logProb")).first().getDouble(0);
    }
}
