package org.flows4j.train;

import org.flows4j.data.Dequantizer;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ComputeContext;
import org.flows4j.tensor.Tensor;

/**
 * A {@link Fitter} run that is ready to train: the rows are split, the standardization is fitted on the
 * training rows and the flow is built, so the caller can report the plan (rows per part, parameters) before
 * {@link #train()} runs it. Trains once; not thread-safe.
 */
public final class PreparedFit {
    private final TrainConfig config;
    private final TrainListener listener;
    private final TrainState resume;
    private final FlowSpec spec;
    private final Flow flow;
    private final FitData data;
    private final FitSplit split;
    private final Preprocessing preprocessing;
    private final TrainData trainData;
    private boolean trained;

    PreparedFit(Fitter fitter, FlowSpec spec, Flow flow, FitData data, FitSplit split) {
        this.config = fitter.config();
        this.listener = fitter.listener();
        this.resume = fitter.resume();
        this.spec = spec;
        this.flow = flow;
        this.data = data;
        this.split = split;
        Standardizer sx = fitter.standardizes() ? Standardizer.fit(split.trainX()) : null;
        Standardizer sc = fitter.standardizes() && split.trainContext() != null ? Standardizer.fit(split.trainContext()) : null;
        this.preprocessing = new Preprocessing(sx, sc, data.levels());
        DType type = flow.dtype();
        Tensor first = tensor(sx, split.trainX(), type);
        boolean validation = split.validationX().length > 0;
        TrainData td = new TrainData(first, tensor(sc, split.trainContext(), type),
                validation ? tensor(sx, split.validationX(), type) : null,
                validation ? tensor(sc, split.validationContext(), type) : null);
        this.trainData = data.levels() == 0 ? td
                : td.withEpochRows(epoch -> epoch == 1 ? first : tensor(sx, split.trainRowsOf(epoch), type));
    }

    /** The spec the flow was built from, or null for a flow the caller built. */
    public FlowSpec spec() {
        return spec;
    }

    /** The flow to train, on preprocessed rows. */
    public Flow flow() {
        return flow;
    }

    /** The standardization fitted on the training rows, and the dequantization levels. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The rows being fitted. */
    public FitData data() {
        return data;
    }

    /** Rows in the training part. */
    public int trainRows() {
        return split.trainX().length;
    }

    /** Rows in the validation part (0: no early stopping, the last epoch's weights are kept). */
    public int validationRows() {
        return split.validationX().length;
    }

    /** Rows in the test part (0: no test NLL). */
    public int testRows() {
        return split.testX().length;
    }

    /**
     * Trains the flow, restores the best epoch's weights (with validation rows), evaluates the test rows and
     * returns the result; the flow is left in evaluation mode.
     *
     * @throws IllegalStateException if called a second time, or if the loss stops being finite
     */
    public FitResult train() {
        if (trained) {
            throw new IllegalStateException("PreparedFit: this run has been trained already; prepare a new one");
        }
        trained = true;
        long t0 = System.nanoTime();
        TrainResult r = new Trainer(config).fit(flow, trainData, listener, resume);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double testNll = testRows() == 0 ? Double.NaN
                : Evaluation.Nll.of(preprocessing.logProb(flow, split.testX(), split.testContext())).mean();
        TrainingSummary summary = new TrainingSummary(data.source(), trainRows(), validationRows(), testRows(),
                r.history(), r.bestEpoch(), testNll, seconds, config.seed(), ComputeContext.current().threads());
        double bitsPerDim = Dequantizer.bitsPerDim(testNll, data.features(), Math.max(1, data.levels()));
        return new FitResult(model(summary), flow, preprocessing, summary, r, testNll, bitsPerDim);
    }

    /** The one place that makes a {@link FlowModel}. */
    private FlowModel model(TrainingSummary summary) {
        FlowModel m = spec == null ? FlowModel.of(flow) : FlowModel.of(spec, flow);
        return m.withPreprocessing(preprocessing).withColumns(data.columns(), data.contextColumns())
                .withSummary(summary);
    }

    private static Tensor tensor(Standardizer s, double[][] rows, DType type) {
        if (rows == null) {
            return null;
        }
        return Tensor.of(s == null ? rows : s.forward(rows)).to(type);
    }
}
