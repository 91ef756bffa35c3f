package org.flows4j.spark;

import java.util.Arrays;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The mean log-likelihood {@code (1/n) sum_i log p(x_i)} of the rows a {@link FlowSparkModel} scored (its
 * {@code logProbCol}, default {@code logProb}), over the rows with a log-density (null ones, which skipped
 * invalid rows get, are left out). Larger is better, so {@code CrossValidator} and {@code TrainValidationSplit}
 * pick the flow with the highest held-out likelihood. One aggregation job.
 */
public final class FlowLogLikelihoodEvaluator extends Evaluator implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final String STAGE = "FlowLogLikelihoodEvaluator";

    private final String uid;
    private final Param<String> logProbCol;

    /** An evaluator with a fresh uid, reading {@code logProb}. */
    public FlowLogLikelihoodEvaluator() {
        this(Identifiable$.MODULE$.randomUID("flowLogLikelihood"));
    }

    /** An evaluator with this uid (Spark's copy and load use this constructor). */
    public FlowLogLikelihoodEvaluator(String uid) {
        this.uid = uid;
        logProbCol = new Param<>(this, "logProbCol", "column of log p(x) written by a FlowSparkModel");
        setDefault(logProbCol, "logProb");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The log-density column; default {@code logProb}. */
    public Param<String> logProbCol() {
        return logProbCol;
    }

    /** Sets {@link #logProbCol}. */
    public FlowLogLikelihoodEvaluator setLogProbCol(String v) {
        set(logProbCol, v);
        return this;
    }

    /**
     * The mean of the non-null values of the log-density column.
     *
     * @throws IllegalArgumentException if the column is missing, not a double column, or has no values
     */
    @Override
    public double evaluate(Dataset<?> dataset) {
        String col = getOrDefault(logProbCol);
        if (!Arrays.asList(dataset.schema().fieldNames()).contains(col)) {
            throw new IllegalArgumentException(STAGE + ": the log-density column '" + col + "' is missing; the input "
                    + "has " + Arrays.toString(dataset.schema().fieldNames()));
        }
        DataType type = dataset.schema().apply(col).dataType();
        if (!type.equals(DataTypes.DoubleType)) {
            throw new IllegalArgumentException(STAGE + ": column '" + col + "' must hold log-densities; expected type "
                    + "double, got " + type.simpleString());
        }
        Row r = dataset.agg(functions.avg(col), functions.count(col)).first();
        if (r.getLong(1) == 0) {
            throw new IllegalArgumentException(STAGE + ": column '" + col + "' has no values; expected at least one "
                    + "scored row");
        }
        return r.getDouble(0);
    }

    @Override
    public boolean isLargerBetter() {
        return true;
    }

    @Override
    public FlowLogLikelihoodEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The reader of saved evaluators (Spark's default parameter persistence). */
    public static MLReader<FlowLogLikelihoodEvaluator> read() {
        return new DefaultParamsReader<>();
    }
}
