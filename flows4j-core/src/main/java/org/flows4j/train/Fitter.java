package org.flows4j.train;

import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;

/**
 * The training pipeline of {@code flows4j train}, for Java callers: from rows in the data's own units to a
 * trained, saveable model. A fit
 * <ol>
 *   <li>dequantizes integer data ({@link FitData#levels()} {@code L > 0}) to {@code (x + u) / L} with
 *       {@code u ~ U[0, 1)} seeded by {@code seed ^ 0x5DEECE66D};</li>
 *   <li>splits the rows with {@link org.flows4j.data.Split} (seed {@link TrainConfig#seed()}) into
 *       {@code 1 - v - t} training, {@code v} validation and {@code t} test rows;</li>
 *   <li>fits a {@link org.flows4j.data.Standardizer} on the training rows (data and context columns) and
 *       applies it to every part; it is saved with the model, so densities stay in data units;</li>
 *   <li>trains the flow with a {@link Trainer} on the standardized rows; for integer data every epoch after
 *       the first sees training rows with fresh noise {@code u} (seeded by the seed and the epoch, so resumed
 *       runs repeat it), while validation and test rows keep the first draw; with validation rows the best
 *       epoch's weights are restored (early stopping with {@link TrainConfig#patience()});</li>
 *   <li>reports the test NLL in data units and bits per dimension, and a
 *       {@link org.flows4j.flows.TrainingSummary}, in a {@link FitResult}.</li>
 * </ol>
 * Before a flow is built from a {@link FlowSpec}, {@link MemoryEstimate} refuses a model that cannot fit the
 * heap. {@link #prepare} does steps 1 to 3 and builds the flow, so a caller can report the split before
 * training; {@link #fit} also trains.
 *
 * <p>A fitter is an immutable configuration, made by {@link #builder()}; one fitter may fit many data sets.
 * Defaults: {@link TrainConfig#defaults()} (automatic epochs), 10% validation and 10% test
 * rows, standardization on, no listener: the defaults of {@code flows4j train}. The cost is the trainer's
 * (see {@link Trainer}) plus a few passes over the rows (and one dequantization pass per epoch for integer data).
 */
public final class Fitter {
    /** Default share of the rows held out for validation (early stopping). */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;
    /** Default share of the rows held out for the test NLL. */
    public static final double DEFAULT_TEST_FRACTION = 0.1;

    private final TrainConfig config;
    private final double validationFraction;
    private final double testFraction;
    private final boolean standardize;
    private final TrainListener listener;
    private final TrainState resume;

    private Fitter(Builder b) {
        this.config = b.config;
        this.validationFraction = b.validationFraction;
        this.testFraction = b.testFraction;
        this.standardize = b.standardize;
        this.listener = b.listener;
        this.resume = b.resume;
    }

    /** A builder with the defaults of {@code flows4j train}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The training hyperparameters. */
    public TrainConfig config() {
        return config;
    }

    /** The share of the rows held out for validation. */
    public double validationFraction() {
        return validationFraction;
    }

    /** The share of the rows held out for testing. */
    public double testFraction() {
        return testFraction;
    }

    /** Whether the rows are standardized (and the standardization saved with the model). */
    public boolean standardizes() {
        return standardize;
    }

    /** Splits, standardizes and builds the flow of {@code spec} (after the memory check), then trains it. */
    public FitResult fit(FlowSpec spec, FitData data) {
        return prepare(spec, data).train();
    }

    /**
     * Splits, standardizes and trains {@code flow}, a flow the caller built; the result has no
     * {@link FitResult#model()}, since a model file needs the flow's spec.
     */
    public FitResult fit(Flow flow, FitData data) {
        return prepare(flow, data).train();
    }

    /**
     * Steps 1 to 3 of a fit and the flow of {@code spec}, not yet trained.
     *
     * @throws IllegalArgumentException if the spec does not match the data's columns, the model cannot fit the
     *                                  heap ({@link MemoryEstimate}), or too few rows are left for training
     */
    public PreparedFit prepare(FlowSpec spec, FitData data) {
        requireColumns(spec.features(), spec.contextFeatures(), data);
        MemoryEstimate.of(spec, config.batchSize()).requireFits(Runtime.getRuntime().maxMemory());
        FitSplit split = FitSplit.of(data, validationFraction, testFraction, config.seed());
        return new PreparedFit(this, spec, Flows.build(spec), data, split);
    }

    /**
     * Steps 1 to 3 of a fit of {@code flow}, a flow the caller built, not yet trained.
     *
     * @throws IllegalArgumentException if the flow does not match the data's columns, training its weights cannot
     *                                  fit the heap ({@link MemoryEstimate#of(Flow)}), or too few rows are left
     */
    public PreparedFit prepare(Flow flow, FitData data) {
        requireColumns(flow.features(), flow.contextFeatures(), data);
        MemoryEstimate.of(flow).requireFits(Runtime.getRuntime().maxMemory());
        FitSplit split = FitSplit.of(data, validationFraction, testFraction, config.seed());
        return new PreparedFit(this, null, flow, data, split);
    }

    TrainListener listener() {
        return listener;
    }

    TrainState resume() {
        return resume;
    }

    private static void requireColumns(int features, int contextFeatures, FitData data) {
        if (features != data.features() || contextFeatures != data.contextFeatures()) {
            throw new IllegalArgumentException("Fitter: the flow takes " + features + " data and " + contextFeatures
                    + " context columns, the data " + data.source() + " has " + data.features() + " and "
                    + data.contextFeatures());
        }
    }

    /**
     * Makes a {@link Fitter}. Every setter checks its value at once; {@link #build()} checks that the
     * validation and test shares leave rows for training.
     */
    public static final class Builder {
        private TrainConfig config = TrainConfig.defaults();
        private double validationFraction = DEFAULT_VALIDATION_FRACTION;
        private double testFraction = DEFAULT_TEST_FRACTION;
        private boolean standardize = true;
        private TrainListener listener;
        private TrainState resume;

        private Builder() {
        }

        /** The training hyperparameters (default: {@link TrainConfig#defaults()}, automatic epochs). */
        public Builder config(TrainConfig c) {
            if (c == null) {
                throw new IllegalArgumentException("Fitter: expected a TrainConfig, got null");
            }
            this.config = c;
            return this;
        }

        /** The share of rows held out for validation, in [0, 1) (default 0.1); 0 trains without early stopping. */
        public Builder validationFraction(double v) {
            this.validationFraction = v;
            return this;
        }

        /** The share of rows held out for the test NLL, in [0, 1) (default 0.1); 0 reports no test NLL. */
        public Builder testFraction(double t) {
            this.testFraction = t;
            return this;
        }

        /**
         * Whether to standardize data and context columns with statistics of the training rows (default true);
         * without it the flow sees the rows as they are (after dequantization).
         */
        public Builder standardize(boolean on) {
            this.standardize = on;
            return this;
        }

        /** Progress callbacks of the training (default none). */
        public Builder listener(TrainListener l) {
            this.listener = l;
            return this;
        }

        /**
         * Continue the run saved in {@code state} (a checkpoint of a run with the same data, configuration and
         * architecture) instead of starting afresh; null starts afresh.
         */
        public Builder resume(TrainState state) {
            this.resume = state;
            return this;
        }

        /**
         * The fitter.
         *
         * @throws IllegalArgumentException unless both shares are {@code >= 0} with a sum below 1
         */
        public Fitter build() {
            if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1)) {
                throw new IllegalArgumentException("Fitter: validationFraction and testFraction must be >= 0 with a sum "
                        + "below 1, got " + validationFraction + " and " + testFraction);
            }
            return new Fitter(this);
        }
    }
}
