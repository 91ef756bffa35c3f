package org.flows4j.flows;

import java.util.List;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * A trained flow with everything needed to use it on raw data: the architecture ({@link FlowSpec}),
 * the flow and its weights, the {@link Preprocessing}, the column names, and an optional
 * {@link TrainingSummary}. {@link #logProb} and {@link #sample} work in the original data units:
 * {@code log p(x) = log p_flow(standardize(x) | standardize(c)) - sum_j log scale_j}. Saved and loaded
 * by {@link ModelFile}. Safe for concurrent {@code logProb}/{@code sample} calls (evaluation mode).
 */
public final class FlowModel {
    private final FlowSpec spec;
    private final Flow flow;
    private final Preprocessing preprocessing;
    private final List<String> columns;
    private final List<String> contextColumns;
    private final TrainingSummary summary;

    /** A model; the flow must have been built from {@code spec} (same features and context). */
    public FlowModel(FlowSpec spec, Flow flow, Preprocessing preprocessing, List<String> columns,
            List<String> contextColumns, TrainingSummary summary) {
        if (flow.features() != spec.features() || flow.contextFeatures() != spec.contextFeatures()) {
            throw new IllegalArgumentException("FlowModel: the flow has " + flow.features() + " features and "
                    + flow.contextFeatures() + " context features, the spec " + spec.features() + " and "
                    + spec.contextFeatures());
        }
        if (columns.size() != spec.features() || contextColumns.size() != spec.contextFeatures()) {
            throw new IllegalArgumentException("FlowModel: expected " + spec.features() + " column names and "
                    + spec.contextFeatures() + " context column names, got " + columns.size() + " and "
                    + contextColumns.size());
        }
        this.spec = spec;
        this.flow = flow;
        this.preprocessing = preprocessing == null ? Preprocessing.none() : preprocessing;
        this.columns = List.copyOf(columns);
        this.contextColumns = List.copyOf(contextColumns);
        this.summary = summary;
        flow.eval();
    }

    /** A new, untrained model for {@code spec} with default column names {@code x0, x1, ...} and {@code c0, ...}. */
    public static FlowModel untrained(FlowSpec spec, Preprocessing preprocessing) {
        return new FlowModel(spec, Flows.build(spec), preprocessing, names("x", spec.features()),
                names("c", spec.contextFeatures()), null);
    }

    /** {@code prefix0, prefix1, ...}. */
    public static List<String> names(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return List.of(out);
    }

    /** The architecture. */
    public FlowSpec spec() {
        return spec;
    }

    /** The flow on preprocessed rows. */
    public Flow flow() {
        return flow;
    }

    /** The preprocessing. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Data column names, in order. */
    public List<String> columns() {
        return columns;
    }

    /** Context column names, in order (empty for an unconditional model). */
    public List<String> contextColumns() {
        return contextColumns;
    }

    /** How the model was trained, or null. */
    public TrainingSummary summary() {
        return summary;
    }

    /** This model with another training summary. */
    public FlowModel withSummary(TrainingSummary s) {
        return new FlowModel(spec, flow, preprocessing, columns, contextColumns, s);
    }

    /** {@code log p(x | c)} per row in data units; {@code context} is null for unconditional models. */
    public double[] logProb(double[][] x, double[][] context) {
        requireColumns("logProb", "data", x, spec.features());
        if (spec.contextFeatures() > 0 || context != null) {
            requireColumns("logProb", "context", context, spec.contextFeatures());
            if (context.length != x.length) {
                throw new ShapeMismatchException("FlowModel.logProb: expected " + x.length + " context rows, got "
                        + context.length);
            }
        }
        return preprocessing.logProb(flow, x, context);
    }

    /** {@code n} samples in data units; for a conditional model every sample uses the one context row given. */
    public double[][] sample(int n, double[] context, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("FlowModel.sample: the number of samples must be >= 0, got " + n);
        }
        double[][] u;
        if (spec.contextFeatures() > 0) {
            if (context == null || context.length != spec.contextFeatures()) {
                throw new ShapeMismatchException("FlowModel.sample: expected a context of " + spec.contextFeatures()
                        + " values, got " + (context == null ? "none" : context.length));
            }
            double[][] c = {context};
            if (preprocessing.context() != null) {
                c = preprocessing.context().forward(c);
            }
            u = flow.sampleArray(n, c, rng);
        } else {
            u = flow.sampleArray(n, rng);
        }
        return preprocessing.data() == null ? u : preprocessing.data().inverse(u);
    }

    /** Latent codes {@code f(standardize(x))} of rows in data units (unconditional models). */
    public double[][] toLatent(double[][] x) {
        requireColumns("toLatent", "data", x, spec.features());
        double[][] u = preprocessing.data() == null ? x : preprocessing.data().forward(x);
        try (GradMode.Scope g = GradMode.noGrad()) {
            Variable z = flow.toLatent(Variable.constant(Tensor.of(u).to(spec.dtype())), null);
            return z.value().toDoubleMatrix();
        }
    }

    private static void requireColumns(String op, String what, double[][] rows, int expected) {
        if (rows == null) {
            throw new IllegalArgumentException("FlowModel." + op + ": " + what + " rows are missing; expected "
                    + expected + " columns");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != expected) {
                throw new ShapeMismatchException("FlowModel." + op + ": expected " + expected + " " + what
                        + " columns, got " + rows[i].length + " in row " + i);
            }
        }
    }
}
