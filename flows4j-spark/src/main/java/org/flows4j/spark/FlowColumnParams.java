package org.flows4j.spark;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The column parameters that {@link FlowEstimator} and {@link FlowSparkModel} share, with their setters: where the
 * data ({@code inputCol}, a vector, or {@code inputCols}, numeric columns) and the context ({@code contextCols})
 * are, where the log-density ({@code outputCol}) and the latent vector ({@code latentCol}) go, what happens to rows
 * with missing, NaN or infinite values ({@code handleInvalid}) and how many rows an executor evaluates at once
 * ({@code chunkSize}). Each stage holds its own {@link Param} objects (Spark finds them through these accessors);
 * an estimator's values reach its model by name.
 *
 * @param <S> the stage type the setters return
 */
public interface FlowColumnParams<S extends FlowColumnParams<S>> extends Params {
    /** ML vector column of the data, used when {@link #inputCols} is empty; default {@code features}. */
    Param<String> inputCol();

    /** Numeric data columns in order; default empty. */
    StringArrayParam inputCols();

    /** Numeric context columns of a conditional flow; default empty. */
    StringArrayParam contextCols();

    /** Column of {@code log p(x | c)}; default {@code logProb}. */
    Param<String> outputCol();

    /** Column of the latent vector, or empty (the default) for none; unconditional flows only. */
    Param<String> latentCol();

    /** {@code "error"} (default) or {@code "skip"}: see docs/SPARK.md, "Bad input". */
    Param<String> handleInvalid();

    /** Rows evaluated at once on an executor; default 4096. */
    IntParam chunkSize();

    /** This stage, typed. */
    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** Sets {@link #inputCol}. */
    default S setInputCol(String v) {
        set(inputCol(), v);
        return self();
    }

    /** Sets {@link #inputCols}. */
    default S setInputCols(String... v) {
        set(inputCols(), v);
        return self();
    }

    /** Sets {@link #contextCols}. */
    default S setContextCols(String... v) {
        set(contextCols(), v);
        return self();
    }

    /** Sets {@link #outputCol}. */
    default S setOutputCol(String v) {
        set(outputCol(), v);
        return self();
    }

    /** Sets {@link #latentCol}. */
    default S setLatentCol(String v) {
        set(latentCol(), v);
        return self();
    }

    /** Sets {@link #handleInvalid}. */
    default S setHandleInvalid(String v) {
        set(handleInvalid(), v);
        return self();
    }

    /** Sets {@link #chunkSize}. */
    default S setChunkSize(int v) {
        set(chunkSize(), v);
        return self();
    }

    /** Gives every column parameter its default. */
    default void setColumnDefaults() {
        setDefault(inputCol(), "features");
        setDefault(inputCols(), new String[0]);
        setDefault(contextCols(), new String[0]);
        setDefault(outputCol(), "logProb");
        setDefault(latentCol(), "");
        setDefault(handleInvalid(), "error");
        setDefault(chunkSize(), 4096);
    }
}
