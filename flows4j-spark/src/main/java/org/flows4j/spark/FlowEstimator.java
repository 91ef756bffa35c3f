package org.flows4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.io.ModelFile;
import org.flows4j.train.TrainConfig;

/**
 * Fits a normalizing flow by maximum likelihood on a DataFrame, data-parallel on the executors, and returns a
 * {@link FlowSparkModel}. The data is an ML vector column ({@code inputCol}) or numeric columns
 * ({@code inputCols}), with optional numeric {@code contextCols} for a conditional flow; the flow is a preset
 * ({@code preset}: nice, realnvp, maf, iaf, nsf, nsf-ar) of {@code layers} steps with two hidden layers of
 * {@code hidden} units and {@code bins} spline bins.
 *
 * <p>As {@code flows4j train}: a {@code validationFraction} of the rows is held out (Spark's {@code randomSplit}
 * with the seed) for early stopping ({@code patience} epochs, best weights restored); the standardization of data
 * and context columns is fitted on the training rows (two distributed passes) and saved in the model, so
 * densities are in data units; Adam with a cosine-decayed {@code learningRate}, global-norm clipping at
 * {@code clipNorm}, {@code epochs} epochs of batches of {@code batchSize} rows. {@code trainingMode} chooses
 * synchronous gradient aggregation ({@code "sync"}: one job per step, the single-JVM trainer's steps) or
 * parameter averaging ({@code "averaging"}: one job per {@code localSteps} steps), see {@link DistributedTrainer}.
 * Training uses the input's partitions, or {@code numPartitions} when set. Rows with missing, NaN or infinite
 * values fail the fit naming the row ({@code handleInvalid = "error"}) or are left out and counted
 * ({@code "skip"}, {@link FlowSparkModel#skippedRows()}).
 *
 * <p>Saved and loaded with Spark's default parameter persistence ({@link #read()}), so it can stand unfitted in a
 * saved {@code Pipeline} or {@code CrossValidator}.
 */
public final class FlowEstimator extends Estimator<FlowSparkModel>
        implements DefaultParamsWritable, FlowColumnParams<FlowEstimator> {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "FlowEstimator";
    /** Values of {@code trainingMode}. */
    public static final List<String> MODES = List.of("sync", "averaging");

    private final String uid;
    private final Param<String> inputCol;
    private final StringArrayParam inputCols;
    private final StringArrayParam contextCols;
    private final Param<String> outputCol;
    private final Param<String> latentCol;
    private final Param<String> handleInvalid;
    private final IntParam chunkSize;
    private final Param<String> preset;
    private final IntParam layers;
    private final IntParam hidden;
    private final IntParam bins;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final DoubleParam clipNorm;
    private final LongParam seed;
    private final IntParam patience;
    private final DoubleParam validationFraction;
    private final Param<String> trainingMode;
    private final IntParam localSteps;
    private final IntParam numPartitions;

    /** An estimator with a fresh uid and the defaults. */
    public FlowEstimator() {
        this(Identifiable$.MODULE$.randomUID("flowEstimator"));
    }

    /** An estimator with this uid and the defaults (Spark's copy and load use this constructor). */
    public FlowEstimator(String uid) {
        this.uid = uid;
        inputCol = FlowParams.inputCol(this);
        inputCols = FlowParams.inputCols(this);
        contextCols = FlowParams.contextCols(this);
        outputCol = FlowParams.outputCol(this);
        latentCol = FlowParams.latentCol(this);
        handleInvalid = FlowParams.handleInvalid(this);
        chunkSize = FlowParams.chunkSize(this);
        preset = new Param<>(this, "preset", "flow preset: " + FlowSpec.KINDS, ParamValidators.inArray(FlowSpec.KINDS));
        layers = new IntParam(this, "layers", "flow steps", ParamValidators.gtEq(1));
        hidden = new IntParam(this, "hidden", "units in each of the conditioners' two hidden layers",
                ParamValidators.gtEq(1));
        bins = new IntParam(this, "bins", "spline bins (nsf, nsf-ar)", ParamValidators.gtEq(2));
        epochs = new IntParam(this, "epochs", "passes over the training rows", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "rows of a global batch (all partitions together)",
                ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adam's peak learning rate (cosine decay to 0)",
                ParamValidators.gt(0));
        clipNorm = new DoubleParam(this, "clipNorm", "global gradient-norm bound (0: no clipping)",
                ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "seed of the weights, the split and the batches");
        patience = new IntParam(this, "patience", "epochs without a better validation NLL before stopping (0: never)",
                ParamValidators.gtEq(0));
        validationFraction = new DoubleParam(this, "validationFraction", "share of rows held out for early stopping",
                ParamValidators.inRange(0, 1, true, false));
        trainingMode = new Param<>(this, "trainingMode", "'sync' (gradients summed every step) or 'averaging' "
                + "(weights averaged every localSteps steps)", ParamValidators.inArray(MODES));
        localSteps = new IntParam(this, "localSteps", "local steps per averaging round", ParamValidators.gtEq(1));
        numPartitions = new IntParam(this, "numPartitions", "partitions to train on (0: the input's)",
                ParamValidators.gtEq(0));
        setColumnDefaults();
        setDefault(preset, "realnvp");
        setDefault(layers, FlowSpec.DEFAULT_LAYERS);
        setDefault(hidden, FlowSpec.DEFAULT_WIDTH);
        setDefault(bins, FlowSpec.DEFAULT_BINS);
        setDefault(epochs, 20);
        setDefault(batchSize, TrainConfig.DEFAULT_BATCH);
        setDefault(learningRate, TrainConfig.DEFAULT_LEARNING_RATE);
        setDefault(clipNorm, TrainConfig.DEFAULT_CLIP);
        setDefault(seed, 0L);
        setDefault(patience, TrainConfig.DEFAULT_PATIENCE);
        setDefault(validationFraction, 0.1);
        setDefault(trainingMode, "sync");
        setDefault(localSteps, 10);
        setDefault(numPartitions, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** ML vector column of the data, used when {@link #inputCols} is empty; default {@code features}. */
    @Override
    public Param<String> inputCol() {
        return inputCol;
    }

    /** Numeric data columns in order; default empty. */
    @Override
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** Numeric context columns; default empty (an unconditional flow). */
    @Override
    public StringArrayParam contextCols() {
        return contextCols;
    }

    /** The model's log-density column; default {@code logProb}. */
    @Override
    public Param<String> outputCol() {
        return outputCol;
    }

    /** The model's latent column, or empty (default) for none. */
    @Override
    public Param<String> latentCol() {
        return latentCol;
    }

    /** {@code "error"} (default) or {@code "skip"}. */
    @Override
    public Param<String> handleInvalid() {
        return handleInvalid;
    }

    /** Rows the model evaluates at once on an executor; default 4096. */
    @Override
    public IntParam chunkSize() {
        return chunkSize;
    }

    /** Flow preset; default {@code realnvp}. */
    public Param<String> preset() {
        return preset;
    }

    /** Flow steps; default 5. */
    public IntParam layers() {
        return layers;
    }

    /** Conditioner hidden width; default 64. */
    public IntParam hidden() {
        return hidden;
    }

    /** Spline bins; default 8. */
    public IntParam bins() {
        return bins;
    }

    /** Epochs; default 20. */
    public IntParam epochs() {
        return epochs;
    }

    /** Global batch rows; default 512. */
    public IntParam batchSize() {
        return batchSize;
    }

    /** Peak learning rate; default 5e-3. */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** Gradient-norm bound; default 5. */
    public DoubleParam clipNorm() {
        return clipNorm;
    }

    /** Seed; default 0. */
    public LongParam seed() {
        return seed;
    }

    /** Early-stopping patience in epochs; default 20. */
    public IntParam patience() {
        return patience;
    }

    /** Validation share; default 0.1. */
    public DoubleParam validationFraction() {
        return validationFraction;
    }

    /** {@code "sync"} (default) or {@code "averaging"}. */
    public Param<String> trainingMode() {
        return trainingMode;
    }

    /** Local steps per averaging round; default 10. */
    public IntParam localSteps() {
        return localSteps;
    }

    /** Training partitions (0, the default: the input's). */
    public IntParam numPartitions() {
        return numPartitions;
    }







    /** Sets {@link #preset}. */
    public FlowEstimator setPreset(String v) {
        set(preset, v);
        return this;
    }

    /** Sets {@link #layers}. */
    public FlowEstimator setLayers(int v) {
        set(layers, v);
        return this;
    }

    /** Sets {@link #hidden}. */
    public FlowEstimator setHidden(int v) {
        set(hidden, v);
        return this;
    }

    /** Sets {@link #bins}. */
    public FlowEstimator setBins(int v) {
        set(bins, v);
        return this;
    }

    /** Sets {@link #epochs}. */
    public FlowEstimator setEpochs(int v) {
        set(epochs, v);
        return this;
    }

    /** Sets {@link #batchSize}. */
    public FlowEstimator setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    /** Sets {@link #learningRate}. */
    public FlowEstimator setLearningRate(double v) {
        set(learningRate, v);
        return this;
    }

    /** Sets {@link #clipNorm}. */
    public FlowEstimator setClipNorm(double v) {
        set(clipNorm, v);
        return this;
    }

    /** Sets {@link #seed}. */
    public FlowEstimator setSeed(long v) {
        set(seed, v);
        return this;
    }

    /** Sets {@link #patience}. */
    public FlowEstimator setPatience(int v) {
        set(patience, v);
        return this;
    }

    /** Sets {@link #validationFraction}. */
    public FlowEstimator setValidationFraction(double v) {
        set(validationFraction, v);
        return this;
    }

    /** Sets {@link #trainingMode}. */
    public FlowEstimator setTrainingMode(String v) {
        set(trainingMode, v);
        return this;
    }

    /** Sets {@link #localSteps}. */
    public FlowEstimator setLocalSteps(int v) {
        set(localSteps, v);
        return this;
    }

    /** Sets {@link #numPartitions}. */
    public FlowEstimator setNumPartitions(int v) {
        set(numPartitions, v);
        return this;
    }

    private int intValue(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    private double doubleValue(DoubleParam p) {
        return (Double) getOrDefault(p);
    }

    /** The training configuration the params give (one shard: a partition's share is one graph). */
    TrainConfig trainConfig() {
        return TrainConfig.defaults().withEpochs(intValue(epochs)).withBatchSize(intValue(batchSize))
                .withLearningRate(doubleValue(learningRate)).withClipNorm(doubleValue(clipNorm))
                .withPatience(intValue(patience)).withSeed((Long) getOrDefault(seed)).withShards(1);
    }

    /** The preset spec the params give for {@code d} data and {@code k} context columns. */
    FlowSpec spec(int d, int k) {
        FlowSpec s = FlowSpec.defaults(getOrDefault(preset), d);
        int[] h = new int[s.hidden().length];
        Arrays.fill(h, intValue(hidden));
        return s.withContext(k).withLayers(intValue(layers)).withHidden(h).withSpline(intValue(bins), s.tailBound())
                .withSeed((Long) getOrDefault(seed));
    }

    private RowColumns columns(StructType schema) {
        String[] data = getOrDefault(inputCols);
        String[] context = getOrDefault(contextCols);
        if (isSet(inputCol) && data.length > 0) {
            throw new IllegalArgumentException(STAGE + ": set inputCol (a vector column) or inputCols (numeric "
                    + "columns), not both; got inputCol '" + getOrDefault(inputCol) + "' and inputCols "
                    + Arrays.toString(data));
        }
        if (!getOrDefault(latentCol).isEmpty() && context.length > 0) {
            throw new IllegalArgumentException(STAGE + ": latentCol needs an unconditional flow; got contextCols "
                    + Arrays.toString(context) + " (expected latentCol empty)");
        }
        return RowColumns.resolve(STAGE, schema, getOrDefault(inputCol), data, context, data.length > 0 ? data.length : -1);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        columns(schema);
        return schema.add(getOrDefault(outputCol), org.apache.spark.sql.types.DataTypes.DoubleType, true);
    }

    @Override
    public FlowSparkModel fit(Dataset<?> dataset) {
        long t0 = System.nanoTime();
        RowColumns cols = columns(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        if (cols.vectorInput()) {
            cols = cols.withFeatures(vectorSize(df, cols.vectorColumn()));
        }
        int parts = intValue(numPartitions);
        if (parts > 0 && parts != df.rdd().getNumPartitions()) {
            df = df.repartition(parts);
        }
        double v = doubleValue(validationFraction);
        long s = (Long) getOrDefault(seed);
        Dataset<Row>[] split = v > 0 ? df.randomSplit(new double[] {1 - v, v}, s) : null;
        boolean skip = "skip".equals(getOrDefault(handleInvalid));
        int d = cols.features();
        int k = cols.contextFeatures();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        JavaRDD<Block> rawTrain = Blocks.raw(split == null ? df : split[0], cols, skip).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Block> train = null;
        JavaRDD<Block> validation = null;
        Broadcast<byte[]> run = null;
        try {
            Standardizer[] st = Blocks.fit(rawTrain, d, k);
            train = Blocks.standardize(rawTrain, st).persist(StorageLevel.MEMORY_AND_DISK());
            List<Block> sizes = train.map(b -> Block.standardized(b.partition, b.n, 0, 0, null, null, b.skipped))
                    .collect();
            int[] rows = new int[sizes.size()];
            long skipped = 0;
            for (Block b : sizes) {
                rows[b.partition] = b.n;
                skipped += b.skipped;
            }
            rawTrain.unpersist(false);
            long validationRows = 0;
            if (split != null) {
                validation = Blocks.standardize(Blocks.raw(split[1], cols, skip), st)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                for (Block b : validation.map(b -> Block.standardized(b.partition, b.n, 0, 0, null, null, b.skipped))
                        .collect()) {
                    validationRows += b.n;
                    skipped += b.skipped;
                }
            }
            FlowSpec spec = spec(d, k);
            Flow flow = Flows.build(spec);
            run = jsc.broadcast(ModelFile.encode(FlowModel.untrained(spec)));
            TrainConfig config = trainConfig();
            DistributedTrainer.Mode mode = "averaging".equals(getOrDefault(trainingMode))
                    ? DistributedTrainer.Mode.AVERAGING : DistributedTrainer.Mode.SYNC;
            DistributedTrainer.Result r = new DistributedTrainer(jsc, config, mode, intValue(localSteps))
                    .fit(flow, run, train, rows, validation, validationRows);
            long trainRows = Arrays.stream(rows).asLongStream().sum();
            TrainingSummary summary = new TrainingSummary("spark", (int) Math.min(Integer.MAX_VALUE, trainRows),
                    (int) Math.min(Integer.MAX_VALUE, validationRows), 0, r.history(), r.bestEpoch(), Double.NaN,
                    (System.nanoTime() - t0) / 1e9, s, jsc.defaultParallelism());
            FlowModel model = FlowModel.of(spec, r.flow()).withPreprocessing(new Preprocessing(st[0], st[1], 0))
                    .withColumns(List.of(cols.dataNames()), List.of(cols.contextNames())).withSummary(summary);
            FlowSparkModel out = new FlowSparkModel(Identifiable$.MODULE$.randomUID("flowModel"), ModelFile.encode(model))
                    .withSkippedRows(skipped);
            return copyValues(out, ParamMap.empty()).setParent(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            rawTrain.unpersist(false);
            if (train != null) {
                train.unpersist(false);
            }
            if (validation != null) {
                validation.unpersist(false);
            }
            if (run != null) {
                FlowPool.drop(run);
                run.destroy();
            }
        }
    }

    private static int vectorSize(Dataset<Row> df, String column) {
        List<Row> first = df.select(column).where(functions.col(column).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(STAGE + ": the vector column '" + column + "' has no values; expected "
                    + "at least one training row");
        }
        return ((Vector) first.get(0).get(0)).size();
    }

    @Override
    public FlowEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The reader of saved estimators (Spark's default parameter persistence). */
    public static MLReader<FlowEstimator> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads an estimator saved by {@code write().save(path)}. */
    public static FlowEstimator load(String path) {
        return read().load(path);
    }
}
