package org.flows4j.spark;

import java.util.List;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.param.Params;

/**
 * The parameters that {@link FlowEstimator} and {@link FlowSparkModel} share (where the columns are and what to
 * do with bad rows), made for one owner each, so that both stages declare them under the same names and an
 * estimator's values reach its model by {@code copyValues}.
 */
final class FlowParams {
    /** Values of {@code handleInvalid}. */
    static final List<String> HANDLE_INVALID = List.of("error", "skip");

    private FlowParams() {
    }

    static Param<String> inputCol(Params owner) {
        return new Param<>(owner, "inputCol", "ML vector column of the data (used when inputCols is empty)");
    }

    static StringArrayParam inputCols(Params owner) {
        return new StringArrayParam(owner, "inputCols", "numeric data columns, in order (empty: use inputCol)");
    }

    static StringArrayParam contextCols(Params owner) {
        return new StringArrayParam(owner, "contextCols", "numeric context columns of a conditional flow (empty: none)");
    }

    static Param<String> outputCol(Params owner) {
        return new Param<>(owner, "outputCol", "column of log p(x | c), natural log, in data units");
    }

    static Param<String> latentCol(Params owner) {
        return new Param<>(owner, "latentCol", "column of the latent vector z = f(x), or empty for none "
                + "(unconditional flows only)");
    }

    static Param<String> handleInvalid(Params owner) {
        return new Param<>(owner, "handleInvalid", "rows with a missing, NaN or infinite value: 'error' fails naming "
                + "the row, 'skip' leaves them out of training and gives them a null log-density in transform",
                ParamValidators.inArray(HANDLE_INVALID));
    }

    static IntParam chunkSize(Params owner) {
        return new IntParam(owner, "chunkSize", "rows evaluated at once on an executor", ParamValidators.gtEq(1));
    }
}
