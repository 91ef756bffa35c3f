package org.flows4j.flows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.data.Standardizer;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Parts;
import org.flows4j.nn.UnregisteredPartException;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * A flow with everything needed to use it on raw data: the flow and its weights, the {@link Preprocessing},
 * the column names, the preset it was built from ({@link FlowSpec}, if any) and an optional
 * {@link TrainingSummary}. {@link #logProb} and {@link #sample} work in the original data units:
 * {@code log p(x) = log p_flow(standardize(x) | standardize(c)) - sum_j log scale_j}. Saved and loaded by
 * {@code org.flows4j.io.ModelFile}.
 *
 * <p>Immutable: the {@code with...} methods return new models. A model owns a copy of the flow it is given
 * ({@link Parts#copy}), in evaluation mode, so the caller's flow is neither changed (its training mode
 * included) nor affected by later training; concurrent {@code logProb}/{@code sample} calls are safe. A flow
 * with a part that is not registered cannot be copied: the model then uses the caller's flow as it is,
 * in the mode the caller set, and saving it is refused naming the part's class.
 */
public final class FlowModel {
    private final FlowSpec spec;
    private final Flow flow;
    private final Preprocessing preprocessing;
    private final List<String> columns;
    private final List<String> contextColumns;
    private final TrainingSummary summary;

    private FlowModel(FlowSpec spec, Flow flow, Preprocessing preprocessing, List<String> columns,
            List<String> contextColumns, TrainingSummary summary) {
        if (columns.size() != flow.features() || contextColumns.size() != flow.contextFeatures()) {
            throw new IllegalArgumentException("FlowModel: expected " + flow.features() + " column names and "
                    + flow.contextFeatures() + " context column names, got " + columns.size() + " and "
                    + contextColumns.size());
        }
        requireDimension("data", preprocessing.data(), flow.features());
        requireDimension("context", preprocessing.context(), flow.contextFeatures());
        this.spec = spec;
        this.flow = flow;
        this.preprocessing = preprocessing;
        this.columns = List.copyOf(columns);
        this.contextColumns = List.copyOf(contextColumns);
        this.summary = summary;
    }

    /**
     * A model of (a copy of) {@code flow}, with no preprocessing, no preset, no training summary and the
     * column names {@code x0, x1, ...} and {@code c0, ...}.
     */
    public static FlowModel of(Flow flow) {
        if (flow == null) {
            throw new IllegalArgumentException("FlowModel.of: the flow must be given");
        }
        return new FlowModel(null, snapshot(flow), Preprocessing.none(), names("x", flow.features()),
                names("c", flow.contextFeatures()), null);
    }

    /**
     * A model of (a copy of) {@code flow} built from the preset {@code spec}. The two must agree: the flow must
     * have exactly the parameter and buffer names, shapes and dtypes that {@code Flows.build(spec)} gives.
     *
     * @throws IllegalArgumentException naming the first tensor that differs
     */
    public static FlowModel of(FlowSpec spec, Flow flow) {
        if (spec == null) {
            throw new IllegalArgumentException("FlowModel.of: the spec must be given (use of(flow) without one)");
        }
        requireSameStructure(spec, flow);
        return of(flow).withSpecChecked(spec);
    }

    /** A new, untrained model of the preset {@code spec}, with no preprocessing. */
    public static FlowModel untrained(FlowSpec spec) {
        Flow f = Flows.build(spec);
        f.eval();
        return new FlowModel(spec, f, Preprocessing.none(), names("x", spec.features()),
                names("c", spec.contextFeatures()), null);
    }

    /** A new, untrained model of the preset {@code spec} with the given preprocessing (null: none). */
    public static FlowModel untrained(FlowSpec spec, Preprocessing preprocessing) {
        return untrained(spec).withPreprocessing(preprocessing == null ? Preprocessing.none() : preprocessing);
    }

    private FlowModel withSpecChecked(FlowSpec s) {
        return new FlowModel(s, flow, preprocessing, columns, contextColumns, summary);
    }

    private static Flow snapshot(Flow flow) {
        if (!registered(flow)) {
            return flow;
        }
        Flow copy = Parts.copy(flow);
        copy.eval();
        return copy;
    }

    private static boolean registered(Flow flow) {
        try {
            Parts.describe(flow);
            return true;
        } catch (UnregisteredPartException e) {
            return false;
        }
    }

    private static void requireDimension(String what, Standardizer s, int expected) {
        if (s != null && s.mean().length != expected) {
            throw new IllegalArgumentException("FlowModel: the " + what + " standardization has " + s.mean().length
                    + " columns, the flow " + expected);
        }
    }

    private static void requireSameStructure(FlowSpec spec, Flow flow) {
        Map<String, Tensor> expected = Flows.build(spec).stateDict();
        Map<String, Tensor> actual = flow.stateDict();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("FlowModel.of: the flow does not match the spec " + spec.kind()
                        + ": it lacks '" + e.getKey() + "'");
            }
            if (!Arrays.equals(a.shape(), e.getValue().shape()) || a.dtype() != e.getValue().dtype()) {
                throw new IllegalArgumentException("FlowModel.of: the flow does not match the spec " + spec.kind()
                        + ": '" + e.getKey() + "' is " + a.dtype() + Shape.str(a.shape()) + ", the spec gives "
                        + e.getValue().dtype() + Shape.str(e.getValue().shape()));
            }
        }
        for (String name : actual.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("FlowModel.of: the flow does not match the spec " + spec.kind()
                        + ": it has '" + name + "', which the spec does not");
            }
        }
    }

    /** {@code prefix0, prefix1, ...}. */
    public static List<String> names(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return List.of(out);
    }

    /** The preset this model's flow was built from, if it was built from one. */
    public Optional<FlowSpec> spec() {
        return Optional.ofNullable(spec);
    }

    /** Data dimensions {@code D}. */
    public int features() {
        return flow.features();
    }

    /** Context dimensions (0 for an unconditional model). */
    public int contextFeatures() {
        return flow.contextFeatures();
    }

    /** The element type of the flow's computations. */
    public DType dtype() {
        return flow.dtype();
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

    /** How the model was trained, if it was. */
    public Optional<TrainingSummary> summary() {
        return Optional.ofNullable(summary);
    }

    /** This model with another training summary. */
    public FlowModel withSummary(TrainingSummary s) {
        if (s == null) {
            throw new IllegalArgumentException("FlowModel.withSummary: the summary must be given");
        }
        return new FlowModel(spec, flow, preprocessing, columns, contextColumns, s);
    }

    /** This model with another preprocessing ({@link Preprocessing#none()} for none). */
    public FlowModel withPreprocessing(Preprocessing p) {
        if (p == null) {
            throw new IllegalArgumentException("FlowModel.withPreprocessing: use Preprocessing.none() for none");
        }
        return new FlowModel(spec, flow, p, columns, contextColumns, summary);
    }

    /** This model with these column names ({@code features()} of them) and context column names. */
    public FlowModel withColumns(List<String> data, List<String> context) {
        return new FlowModel(spec, flow, preprocessing, data, context, summary);
    }

    /** {@code log p(x | c)} per row in data units; {@code context} is null for unconditional models. */
    public double[] logProb(double[][] x, double[][] context) {
        requireColumns("logProb", "data", x, flow.features());
        if (flow.contextFeatures() > 0 || context != null) {
            requireColumns("logProb", "context", context, flow.contextFeatures());
            if (context.length != x.length) {
                throw new ShapeMismatchException("FlowModel.logProb: expected " + x.length + " context rows, got "
                        + context.length);
            }
        }
        return preprocessing.logProb(flow, x, context);
    }

    /** {@code n} samples in data units; for a conditional model every sample uses the one context row given. */
    public double[][] sample(int n, double[] context, Rng rng) {
        return sample(n, context, rng, 1.0);
    }

    /**
     * {@code n} samples at temperature {@code T} (Kingma &amp; Dhariwal 2018): the latents are drawn from
     * {@code N(0, T^2 I)} instead of the standard normal base and mapped back, {@code x = f^-1(T e)} with
     * {@code e ~ N(0, I)}; {@code T < 1} trades diversity for typical-looking samples. {@code T = 1} is
     * {@link #sample(int, double[], Rng)}; other temperatures need a {@link StandardNormal} base.
     *
     * @throws IllegalArgumentException if {@code T} is not positive and finite, or {@code T != 1} with another base
     */
    public double[][] sample(int n, double[] context, Rng rng, double temperature) {
        if (n < 0) {
            throw new IllegalArgumentException("FlowModel.sample: the number of samples must be >= 0, got " + n);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("FlowModel.sample: the temperature must be positive and finite, got "
                    + temperature);
        }
        if (temperature != 1.0 && !(flow.base() instanceof StandardNormal)) {
            throw new IllegalArgumentException("FlowModel.sample: a temperature other than 1 needs a standard normal "
                    + "base, got " + flow.base().getClass().getSimpleName());
        }
        double[][] c = null;
        if (flow.contextFeatures() > 0) {
            if (context == null || context.length != flow.contextFeatures()) {
                throw new ShapeMismatchException("FlowModel.sample: expected a context of " + flow.contextFeatures()
                        + " values, got " + (context == null ? "none" : context.length));
            }
            c = new double[][] {context};
            if (preprocessing.context() != null) {
                c = preprocessing.context().forward(c);
            }
        }
        double[][] u;
        if (temperature == 1.0) {
            u = c == null ? flow.sampleArray(n, rng) : flow.sampleArray(n, c, rng);
        } else {
            double[][] z = new double[n][flow.features()];
            for (double[] row : z) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = temperature * rng.nextGaussian();
                }
            }
            double[][] rows = null;
            if (c != null) {
                rows = new double[n][];
                Arrays.fill(rows, c[0]);
            }
            u = flow.fromLatent(z, rows);
        }
        return preprocessing.data() == null ? u : preprocessing.data().inverse(u);
    }

    /** Latent codes {@code f(standardize(x))} of rows in data units (unconditional models). */
    public double[][] toLatent(double[][] x) {
        requireColumns("toLatent", "data", x, flow.features());
        double[][] u = preprocessing.data() == null ? x : preprocessing.data().forward(x);
        try (GradMode.Scope g = GradMode.noGrad()) {
            Variable z = flow.toLatent(Variable.constant(Tensor.of(u).to(flow.dtype())), null);
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
