package org.flows4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;

/**
 * A trained flow as a Spark ML {@link Model}. {@link #transform} appends {@code outputCol}, the log-density
 * {@code log p(x | c)} of every row (natural log, in the data's units, as {@code flows4j score} prints it), and
 * optionally {@code latentCol}, the latent vector {@code z = f(standardize(x))}. Every input row is kept, in
 * order; under {@code handleInvalid = "skip"} a row with a missing, NaN or infinite value gets a null
 * log-density (and latent), under {@code "error"} the job fails naming the row and column.
 *
 * <p>Scoring is distributed: the model file ({@code .flow} bytes, {@link ModelFile#encode}) is broadcast once per
 * model, each executor JVM decodes it once ({@link ModelCache}) and evaluates its partitions in chunks of
 * {@code chunkSize} rows without gradients. {@link #sample} draws rows on the executors the same way.
 *
 * <p>Persistence ({@link MLWritable}, {@link #read()}): Spark's parameter metadata plus the model file at
 * {@code path/data/model.flow}, so the model saves and loads alone or inside a {@code PipelineModel}.
 */
public final class FlowSparkModel extends Model<FlowSparkModel>
        implements MLWritable, FlowColumnParams<FlowSparkModel> {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "FlowSparkModel";
    private static final String FILE = "data/model.flow";

    private final String uid;
    private final byte[] modelFile;
    private final Param<String> inputCol;
    private final StringArrayParam inputCols;
    private final StringArrayParam contextCols;
    private final Param<String> outputCol;
    private final Param<String> latentCol;
    private final Param<String> handleInvalid;
    private final IntParam chunkSize;
    private transient FlowModel decoded;
    private transient Broadcast<byte[]> broadcast;
    private long skippedRows;

    /**
     * A model of the encoded model file {@code modelFile} (as written by {@link ModelFile#encode}), with the
     * default columns: vector column {@code features} in, {@code logProb} out.
     *
     * @throws IllegalArgumentException if the bytes are not a model file
     */
    public FlowSparkModel(String uid, byte[] modelFile) {
        this.uid = uid;
        this.modelFile = modelFile.clone();
        this.decoded = ModelFile.decode(this.modelFile, STAGE);
        this.inputCol = FlowParams.inputCol(this);
        this.inputCols = FlowParams.inputCols(this);
        this.contextCols = FlowParams.contextCols(this);
        this.outputCol = FlowParams.outputCol(this);
        this.latentCol = FlowParams.latentCol(this);
        this.handleInvalid = FlowParams.handleInvalid(this);
        this.chunkSize = FlowParams.chunkSize(this);
        setColumnDefaults();
    }

    /** A model of {@code model} with a fresh uid. */
    public static FlowSparkModel of(FlowModel model) {
        try {
            return new FlowSparkModel(Identifiable$.MODULE$.randomUID("flowModel"), ModelFile.encode(model));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The flow with its preprocessing and column names, decoded on the driver. */
    public FlowModel flowModel() {
        if (decoded == null) {
            decoded = ModelFile.decode(modelFile, STAGE);
        }
        return decoded;
    }

    /** The model file's bytes (a copy), as {@code flows4j score} and {@code ModelFile.decode} read them. */
    public byte[] modelFile() {
        return modelFile.clone();
    }

    /** Training rows the estimator left out under {@code handleInvalid = "skip"} (0 for a loaded model). */
    public long skippedRows() {
        return skippedRows;
    }

    FlowSparkModel withSkippedRows(long n) {
        skippedRows = n;
        return this;
    }

    /** The ML vector column of the data (when {@link #inputCols} is empty); default {@code features}. */
    @Override
    public Param<String> inputCol() {
        return inputCol;
    }

    /** Numeric data columns in order; default empty (use {@link #inputCol}). */
    @Override
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** Numeric context columns of a conditional flow; default empty. */
    @Override
    public StringArrayParam contextCols() {
        return contextCols;
    }

    /** Output column of {@code log p(x | c)}; default {@code logProb}. */
    @Override
    public Param<String> outputCol() {
        return outputCol;
    }

    /** Output column of the latent vector, or empty for none (the default). */
    @Override
    public Param<String> latentCol() {
        return latentCol;
    }

    /** {@code "error"} (default) or {@code "skip"}: see the class comment. */
    @Override
    public Param<String> handleInvalid() {
        return handleInvalid;
    }

    /** Rows evaluated at once on an executor; default 4096. */
    @Override
    public IntParam chunkSize() {
        return chunkSize;
    }








    /** The input columns of this model resolved against {@code schema}, with the flow's sizes checked. */
    RowColumns columns(StructType schema) {
        FlowModel m = flowModel();
        String[] data = getOrDefault(inputCols);
        String[] context = getOrDefault(contextCols);
        if (data.length > 0 && data.length != m.features()) {
            throw new IllegalArgumentException(STAGE + ": the flow has " + m.features() + " data columns, inputCols "
                    + "names " + data.length + ": " + Arrays.toString(data));
        }
        if (context.length != m.contextFeatures()) {
            throw new IllegalArgumentException(STAGE + ": the flow has " + m.contextFeatures() + " context columns, "
                    + "contextCols names " + context.length + ": " + Arrays.toString(context));
        }
        return RowColumns.resolve(STAGE, schema, getOrDefault(inputCol), data, context, m.features());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        columns(schema);
        String out = getOrDefault(outputCol);
        String latent = getOrDefault(latentCol);
        if (!latent.isEmpty() && flowModel().contextFeatures() > 0) {
            throw new IllegalArgumentException(STAGE + ": latentCol needs an unconditional flow; this one has "
                    + flowModel().contextFeatures() + " context columns (expected latentCol empty)");
        }
        for (String name : latent.isEmpty() ? new String[] {out} : new String[] {out, latent}) {
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(STAGE + ": the output column '" + name + "' exists already in "
                        + Arrays.toString(schema.fieldNames()) + "; expected a new name");
            }
        }
        if (out.equals(latent)) {
            throw new IllegalArgumentException(STAGE + ": outputCol and latentCol are both '" + out
                    + "'; expected two names");
        }
        StructType s = schema.add(new StructField(out, DataTypes.DoubleType, true,
                org.apache.spark.sql.types.Metadata.empty()));
        return latent.isEmpty() ? s : s.add(new StructField(latent, SQLDataTypes.VectorType(), true,
                org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        RowColumns cols = columns(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(new ScorePartition(broadcast(spark), cols,
                (Integer) getOrDefault(chunkSize), "skip".equals(getOrDefault(handleInvalid)), !getOrDefault(latentCol).isEmpty()));
        return spark.createDataFrame(rows, out);
    }

    /** The model file broadcast to the executors, once per model and Spark context. */
    synchronized Broadcast<byte[]> broadcast(SparkSession spark) {
        if (broadcast == null || !broadcast.isValid()) {
            broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(modelFile);
        }
        return broadcast;
    }

    /** {@link #sample(SparkSession, long, long)} in the active Spark session. */
    public Dataset<Row> sample(long n, long seed) {
        return sample(SparkSession.active(), n, seed, null);
    }

    /**
     * {@code n} rows drawn from an unconditional flow, as a DataFrame with the input's column names: the numeric
     * {@code inputCols} (double), or the one vector column {@code inputCol}. Drawn on the executors in
     * {@code defaultParallelism} parts, part {@code p} from a generator seeded by {@code seed} and {@code p}, so
     * the rows depend on the seed and the parallelism only.
     *
     * @throws IllegalArgumentException if {@code n < 0} or the flow is conditional
     */
    public Dataset<Row> sample(SparkSession spark, long n, long seed) {
        return sample(spark, n, seed, null);
    }

    /**
     * As {@link #sample(SparkSession, long, long)} for a conditional flow: every row is drawn given the one
     * {@code context} row, and the context columns follow the data columns with those values.
     *
     * @throws IllegalArgumentException if {@code n < 0} or the context does not match the flow's context columns
     */
    public Dataset<Row> sample(SparkSession spark, long n, long seed, double[] context) {
        FlowModel m = flowModel();
        if (n < 0) {
            throw new IllegalArgumentException(STAGE + ".sample: expected n >= 0, got " + n);
        }
        int k = m.contextFeatures();
        if ((context == null ? 0 : context.length) != k) {
            throw new IllegalArgumentException(STAGE + ".sample: the flow has " + k + " context columns, got a context"
                    + " of " + (context == null ? "none" : context.length + " values"));
        }
        String[] data = getOrDefault(inputCols);
        String[] ctx = getOrDefault(contextCols);
        List<StructField> fields = new ArrayList<>();
        if (data.length == 0) {
            fields.add(new StructField(getOrDefault(inputCol), SQLDataTypes.VectorType(), false,
                    org.apache.spark.sql.types.Metadata.empty()));
        } else {
            for (String c : data) {
                fields.add(new StructField(c, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()));
            }
        }
        for (int j = 0; j < k; j++) {
            String name = j < ctx.length ? ctx[j] : m.contextColumns().get(j);
            fields.add(new StructField(name, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = (int) Math.max(1, Math.min(jsc.defaultParallelism(), n));
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        JavaRDD<Row> rows = jsc.parallelize(ids, parts).flatMap(new SamplePart(broadcast(spark), n, parts, seed,
                context == null ? null : context.clone(), data.length == 0));
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    @Override
    public FlowSparkModel copy(ParamMap extra) {
        FlowSparkModel copy = new FlowSparkModel(uid, modelFile).withSkippedRows(skippedRows);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** The reader of saved models, which Spark's {@code Pipeline} loader calls by reflection. */
    public static MLReader<FlowSparkModel> read() {
        return new Reader();
    }

    /** Loads a model saved by {@link #write()}. */
    public static FlowSparkModel load(String path) {
        return read().load(path);
    }

    /** Saves the parameter metadata and the model file. */
    private static final class Writer extends MLWriter {
        private final FlowSparkModel model;

        Writer(FlowSparkModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            Path file = new Path(path, FILE);
            try {
                FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
                try (OutputStream out = fs.create(file, true)) {
                    out.write(model.modelFile);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(STAGE + ": cannot write " + file, e);
            }
        }
    }

    /** Reads the parameter metadata and the model file. */
    private static final class Reader extends MLReader<FlowSparkModel> {
        @Override
        public FlowSparkModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    FlowSparkModel.class.getName());
            Path file = new Path(path, FILE);
            byte[] bytes;
            try {
                FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
                try (InputStream in = fs.open(file)) {
                    bytes = in.readAllBytes();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(STAGE + ": cannot read the model file " + file, e);
            }
            FlowSparkModel m = new FlowSparkModel(meta.uid(), bytes);
            meta.getAndSetParams(m, scala.Option.empty());
            return m;
        }
    }
}
