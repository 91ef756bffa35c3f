package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Module;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * An invertible, differentiable map {@code f} on rows of {@code D} features, optionally conditioned
 * on a context row of {@code C} features.
 *
 * <p>Direction convention: {@link #forward} maps data to latent (the normalizing direction) and
 * {@link #inverse} maps latent to data (the generative direction). Both return the output and the
 * per-row {@code log |det J|} of the map they apply, so for {@code (y, a) = forward(x)} and
 * {@code (x', b) = inverse(y)} we have {@code x' = x} and {@code b = -a}. A flow's density is
 * {@code log p(x) = log p_base(f(x)) + log |det df/dx|}.
 *
 * <p>The public methods check the input at the boundary (rank 2, {@code D} columns, finite values in
 * {@link #domain()} for forward or {@link #codomain()} for inverse, a {@code [N, C]} context when
 * {@code C > 0}) and then call {@link #applyForward} / {@link #applyInverse}, which subclasses
 * implement. Transforms without a context accept and ignore one, so chains can pass it along.
 *
 * <p>Implementations must be safe to call from many threads at once in evaluation mode: no mutable
 * scratch state in the apply methods.
 */
public abstract class Transform extends Module {
    private final int features;
    private final int contextFeatures;

    /** A transform on rows of {@code features} values with {@code contextFeatures} context values (0 for none). */
    protected Transform(int features, int contextFeatures) {
        if (features < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be at least 1, got " + features);
        }
        if (contextFeatures < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": context features must be >= 0, got "
                    + contextFeatures);
        }
        this.features = features;
        this.contextFeatures = contextFeatures;
    }

    /** Number of features {@code D} per row. */
    public final int features() {
        return features;
    }

    /** Number of context features {@code C} this transform needs (0 if it takes no context). */
    public int contextFeatures() {
        return contextFeatures;
    }

    /** The set the forward direction accepts per coordinate. */
    public Domain domain() {
        return Domain.REAL;
    }

    /** The set the forward direction maps into (and the inverse accepts). */
    public Domain codomain() {
        return Domain.REAL;
    }

    /** Data to latent: {@code (f(x), log |det df/dx|)}. */
    public final Transformed forward(Variable x) {
        return forward(x, null);
    }

    /** Data to latent given a context (ignored when {@link #contextFeatures()} is 0). */
    public final Transformed forward(Variable x, Variable context) {
        checkInput("forward", x, domain(), context);
        return applyForward(x, context);
    }

    /** Latent to data: {@code (f^-1(y), log |det df^-1/dy|)}. */
    public final Transformed inverse(Variable y) {
        return inverse(y, null);
    }

    /** Latent to data given a context (ignored when {@link #contextFeatures()} is 0). */
    public final Transformed inverse(Variable y, Variable context) {
        checkInput("inverse", y, codomain(), context);
        return applyInverse(y, context);
    }

    /** The forward map on already-validated input. */
    protected abstract Transformed applyForward(Variable x, Variable context);

    /** The inverse map on already-validated input. */
    protected abstract Transformed applyInverse(Variable y, Variable context);

    /** Validates {@code x} (and the context) as the public methods do; subclasses with other layouts may override. */
    protected void checkInput(String direction, Variable x, Domain dom, Variable context) {
        String who = getClass().getSimpleName() + "." + direction;
        Tensor v = x.value();
        if (v.rank() != 2 || v.size(1) != features) {
            throw new ShapeMismatchException(who + ": expected input of shape [N, " + features + "], got "
                    + Shape.str(v.shape()));
        }
        checkValues(who, "input", v, dom);
        if (contextFeatures > 0) {
            if (context == null) {
                throw new IllegalArgumentException(who + ": this transform needs a context of shape [N, "
                        + contextFeatures + "], got none");
            }
            Tensor c = context.value();
            if (c.rank() != 2 || c.size(0) != v.size(0) || c.size(1) != contextFeatures) {
                throw new ShapeMismatchException(who + ": expected context of shape [" + v.size(0) + ", "
                        + contextFeatures + "], got " + Shape.str(c.shape()));
            }
            checkValues(who, "context", c, Domain.REAL);
        }
    }

    /** Throws if any value of {@code t} is NaN, infinite or outside {@code dom}, naming row and column. */
    public static void checkValues(String who, String what, Tensor t, Domain dom) {
        int cols = t.rank() >= 2 ? t.size(-1) : Math.max(1, t.numel());
        for (int i = 0; i < t.numel(); i++) {
            double v = t.get(i);
            if (!dom.contains(v)) {
                String kind = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "an infinite value" : "the value " + v;
                throw new IllegalArgumentException(who + ": " + what + " holds " + kind + " at row " + (i / cols)
                        + ", column " + (i % cols) + "; expected values in " + dom.describe());
            }
        }
    }
}
