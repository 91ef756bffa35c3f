package org.flows4j.distribution;

import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Module;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.Validate;

/**
 * A probability density on rows of {@code D} features, optionally conditioned on a context row of
 * {@code C} features: {@code log p(x | c)} for a batch {@code x [N, D]} gives {@code [N]} values, and
 * sampling draws {@code [n, D]} rows from an explicit seeded {@link Rng}.
 *
 * <p>The Variable methods record a graph when gradients are on (training, reverse-KL fitting); the
 * {@code double[][]} / {@code float[][]} overloads run without recording and are safe to call from
 * many threads at once on a trained model. Public methods validate shapes and reject NaN or infinite
 * input with a message naming the row and column.
 */
public abstract class Distribution extends Module {
    private final int features;
    private final int contextFeatures;
    private final DType dtype;

    /** A distribution on {@code features} values per row, with {@code contextFeatures} context values, in {@code dtype}. */
    protected Distribution(int features, int contextFeatures, DType dtype) {
        if (features < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be at least 1, got " + features);
        }
        if (contextFeatures < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": context features must be >= 0, got "
                    + contextFeatures);
        }
        this.features = features;
        this.contextFeatures = contextFeatures;
        this.dtype = dtype;
    }

    /** Number of features {@code D}. */
    public final int features() {
        return features;
    }

    /** Number of context features {@code C} (0 when unconditional). */
    public int contextFeatures() {
        return contextFeatures;
    }

    /** Element type of inputs, samples and parameters. */
    public final DType dtype() {
        return dtype;
    }

    /** {@code log p(x)} per row, {@code [N]}. */
    public final Variable logProb(Variable x) {
        return logProb(x, null);
    }

    /** {@code log p(x | context)} per row, {@code [N]}. */
    public final Variable logProb(Variable x, Variable context) {
        String who = getClass().getSimpleName() + ".logProb";
        Tensor v = x.value();
        if (v.rank() != 2 || v.size(1) != features) {
            throw new ShapeMismatchException(who + ": expected input of shape [N, " + features + "], got "
                    + Shape.str(v.shape()));
        }
        Validate.requireFinite(who, "input", v);
        checkContext(who, context, v.size(0));
        return computeLogProb(x, context);
    }

    /** {@code n} samples, {@code [n, D]}. */
    public final Variable sample(int n, Rng rng) {
        return sample(n, null, rng);
    }

    /** {@code n} samples given a context of {@code n} rows, or of 1 row shared by all samples. */
    public final Variable sample(int n, Variable context, Rng rng) {
        return computeSample(n, checkSampleArgs("sample", n, context), rng);
    }

    /** {@code n} samples and their log-densities, computed together (cheaper than sampling, then scoring). */
    public final Sampled sampleAndLogProb(int n, Variable context, Rng rng) {
        return computeSampleAndLogProb(n, checkSampleArgs("sampleAndLogProb", n, context), rng);
    }

    /** {@code n} samples and their log-densities, without context. */
    public final Sampled sampleAndLogProb(int n, Rng rng) {
        return sampleAndLogProb(n, null, rng);
    }

    /** {@code log p(x)} per row for plain arrays, computed without recording a graph. */
    public final double[] logProb(double[][] x) {
        return logProb(x, null);
    }

    /** {@code log p(x | context)} per row for plain arrays ({@code context} may be null), without recording. */
    public final double[] logProb(double[][] x, double[][] context) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Variable c = context == null ? null : Variable.constant(Tensor.of(context).to(dtype));
            return logProb(Variable.constant(Tensor.of(x).to(dtype)), c).value().toDoubleArray();
        }
    }

    /** {@code log p(x)} per row for float arrays, without recording. */
    public final float[] logProb(float[][] x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return logProb(Variable.constant(Tensor.of(x).to(dtype))).value().toFloatArray();
        }
    }

    /** {@code n} samples as plain arrays, without recording. */
    public final double[][] sampleArray(int n, Rng rng) {
        return sampleArray(n, null, rng);
    }

    /** {@code n} samples given a context ({@code n} rows or 1), as plain arrays, without recording. */
    public final double[][] sampleArray(int n, double[][] context, Rng rng) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Variable c = context == null ? null : Variable.constant(Tensor.of(context).to(dtype));
            return sample(n, c, rng).value().toDoubleMatrix();
        }
    }

    /** The density on validated input. */
    protected abstract Variable computeLogProb(Variable x, Variable context);

    /** Sampling on validated arguments; {@code context}, when present, has exactly {@code n} rows. */
    protected abstract Variable computeSample(int n, Variable context, Rng rng);

    /** Samples and log-densities together; by default samples, then scores the samples. */
    protected Sampled computeSampleAndLogProb(int n, Variable context, Rng rng) {
        Variable x = computeSample(n, context, rng);
        return new Sampled(x, computeLogProb(x, context));
    }

    private void checkContext(String who, Variable context, int rows) {
        if (contextFeatures == 0) {
            return;
        }
        if (context == null) {
            throw new IllegalArgumentException(who + ": this distribution needs a context of shape [N, "
                    + contextFeatures + "], got none");
        }
        Tensor c = context.value();
        if (c.rank() != 2 || c.size(0) != rows || c.size(1) != contextFeatures) {
            throw new ShapeMismatchException(who + ": expected context of shape [" + rows + ", " + contextFeatures
                    + "], got " + Shape.str(c.shape()));
        }
        Validate.requireFinite(who, "context", c);
    }

    private Variable checkSampleArgs(String op, int n, Variable context) {
        String who = getClass().getSimpleName() + "." + op;
        if (n < 0) {
            throw new IllegalArgumentException(who + ": the sample count must be >= 0, got " + n);
        }
        if (contextFeatures == 0 || context == null) {
            checkContext(who, context, n);
            return null;
        }
        Tensor c = context.value();
        if (c.rank() == 2 && c.size(0) == 1 && n != 1) {
            context = Contexts.repeatRows(context, n);
        }
        checkContext(who, context, n);
        return context;
    }
}
