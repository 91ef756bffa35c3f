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
            case "makemodel" -> makeModel(args[1], args[2], Integer.parseInt(args[3]));
            case "score" -> score(Long.parseLong(args[1]), args[2], Integer.parseInt(args[3]));
            case "fmnist" -> fmnist(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "local" -> local(Integer.parseInt(args[1]), args[2]);
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
            System.out.printf("rep %d: sync %.1f ms/step, one JVM (2 shards, flows4j.threads=%s) %.1f ms/step, averaging K=10 %.1f ms/step%n",
                    rep, ms, System.getProperty("flows4j.threads", "all"), ms1, ms2);
        }
        spark.stop();
    }

    /** Writes a realnvp (D 8, 5 layers, hidden 128, weights moved off their start) and a CSV of {@code rows} rows. */
    static void makeModel(String modelFile, String csv, int rows) throws Exception {
        FlowSpec spec = FlowSpec.defaults("realnvp", 8).withLayers(5).withHidden(128, 128).withSeed(1);
        Flow flow = Flows.build(spec);
        org.flows4j.tensor.Rng rng = new org.flows4j.tensor.Rng(2);
        for (org.flows4j.nn.Parameter p : flow.parameters().values()) {
            float[] v = p.value().floatData();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.05 * rng.nextGaussian());
            }
        }
        ModelFile.save(FlowModel.of(spec, flow).withColumns(List.of(Fixtures.names("x", 8)), List.of()),
                java.nio.file.Path.of(modelFile));
        try (java.io.BufferedWriter w = java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(csv))) {
            w.write(String.join(",", Fixtures.names("x", 8)));
            w.newLine();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < rows; i++) {
                sb.setLength(0);
                for (int j = 0; j < 8; j++) {
                    sb.append(j == 0 ? "" : ",").append(rng.nextGaussian());
                }
                w.write(sb.toString());
                w.newLine();
            }
        }
    }

    /** Scores {@code rows} generated rows (cached first) with the model on local[2]; prints rows/s. */
    static void score(long rows, String modelFile, int parts) throws Exception {
        SparkSession spark = session();
        FlowModel m = ModelFile.load(java.nio.file.Path.of(modelFile));
        String[] names = m.columns().toArray(new String[0]);
        org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[names.length];
        for (int j = 0; j < names.length; j++) {
            cols[j] = functions.randn(j).as(names[j]);
        }
        Dataset<Row> df = spark.range(0, rows, 1, parts).select(cols).cache();
        long t0 = System.nanoTime();
        System.out.printf("cached %d rows in %d partitions in %.1f s%n", df.count(), parts, (System.nanoTime() - t0) / 1e9);
        FlowSparkModel model = FlowSparkModel.of(m).setInputCols(names);
        sum(model.transform(df.limit(200_000)));
        for (int rep = 0; rep < 2; rep++) {
            long t1 = System.nanoTime();
            double total = sum(model.transform(df));
            double s = (System.nanoTime() - t1) / 1e9;
            System.out.printf("rep %d: %d rows in %.2f s = %.0f rows/s (sum %.6g)%n", rep, rows, s, rows / s, total);
        }
        spark.stop();
    }

    /** {@code FlowModel.logProb} of {@code rows} rows in this JVM (its kernel threads), in chunks of 100,000. */
    static void local(int rows, String modelFile) throws Exception {
        FlowModel m = ModelFile.load(java.nio.file.Path.of(modelFile));
        org.flows4j.tensor.Rng rng = new org.flows4j.tensor.Rng(3);
        double[][] x = new double[rows][8];
        for (double[] r : x) {
            for (int j = 0; j < 8; j++) {
                r[j] = rng.nextGaussian();
            }
        }
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            double total = 0;
            for (int i = 0; i < rows; i += 100_000) {
                double[] lp = m.logProb(Arrays.copyOfRange(x, i, Math.min(rows, i + 100_000)), null);
                total += lp[0];
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("rep %d: %d rows in %.2f s = %.0f rows/s, flows4j.threads=%s (%g)%n", rep, rows, s,
                    rows / s, System.getProperty("flows4j.threads", "all"), total);
        }
    }

    /**
     * Trains the default estimator flow (realnvp, 5 layers, hidden 64) on fmnist49's 10,000 training rows in two
     * partitions, in {@code mode} ("sync", "averaging" with {@code k} local steps, or "jvm": the library's Fitter in
     * this JVM with the same settings), and prints the epochs, the wall time and the test NLL (5,000 test rows).
     */
    static void fmnist(String mode, int epochs, int k) throws Exception {
        double[][][] data = org.flows4j.data.Fmnist49.build(org.flows4j.data.Fmnist49.DEBIAN_DIR, 0);
        String[] names = Fixtures.names("p", 49);
        FlowModel model;
        long t0 = System.nanoTime();
        if (mode.equals("jvm")) {
            FlowEstimator est = new FlowEstimator().setEpochs(epochs);
            org.flows4j.train.FitResult r = org.flows4j.train.Fitter.builder()
                    .config(est.trainConfig().withShards(2)).validationFraction(0.1).testFraction(0).build()
                    .fit(est.spec(49, 0), org.flows4j.train.FitData.of(data[0]));
            model = r.model();
        } else {
            SparkSession spark = session();
            Dataset<Row> df = Fixtures.frame(data[0], names, 2).cache();
            df.count();
            t0 = System.nanoTime();
            model = new FlowEstimator().setInputCols(names).setEpochs(epochs).setTrainingMode(mode).setLocalSteps(k)
                    .fit(df).flowModel();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (org.flows4j.flows.EpochStats e : model.summary().orElseThrow().epochs()) {
            System.out.printf("epoch %d: train loss %.3f, validation NLL %.3f, %.1f s%n", e.epoch(), e.trainLoss(),
                    e.valNll(), e.seconds());
        }
        double nll = -Arrays.stream(model.logProb(data[1], null)).average().orElseThrow();
        System.out.printf("%s (K=%d): %.1f s, best epoch %d, test NLL %.3f nats (data units)%n", mode, k, seconds,
                model.summary().orElseThrow().bestEpoch(), nll);
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
