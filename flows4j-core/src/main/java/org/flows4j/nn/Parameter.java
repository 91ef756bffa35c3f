package org.flows4j.nn;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * A named trainable tensor. It wraps a leaf {@link Variable#parameter} whose value optimizers
 * update in place and whose gradient {@link Variable#backward()} accumulates.
 *
 * <p>A frozen parameter enters the graph as a constant ({@link #variable()} returns a
 * {@link Variable#constant} over the same tensor), so it receives no gradient and optimizers skip it.
 * The name is the local name given at creation (for error messages); a module's dotted names
 * come from where it is registered.
 */
public final class Parameter {
    private final String name;
    private final Variable trainable;
    private final Variable fixed;
    private volatile boolean frozen;

    /** A trainable parameter holding {@code value} (not copied: the parameter owns it from now on). */
    public Parameter(String name, Tensor value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Parameter: the name must be non-empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("Parameter '" + name + "': the value must not be null");
        }
        this.name = name;
        this.trainable = Variable.parameter(value);
        this.fixed = Variable.constant(value);
    }

    /** The local name given at creation. */
    public String name() {
        return name;
    }

    /** The value tensor; optimizers update it in place. */
    public Tensor value() {
        return trainable.value();
    }

    /** The accumulated gradient, or null before any backward pass reached this parameter. */
    public Tensor grad() {
        return trainable.grad();
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        trainable.zeroGrad();
    }

    /** The graph leaf to use in a forward pass: a parameter leaf, or a constant one when frozen. */
    public Variable variable() {
        return frozen ? fixed : trainable;
    }

    /** Whether this parameter is excluded from training. */
    public boolean isFrozen() {
        return frozen;
    }

    /** Freezes ({@code true}) or unfreezes the parameter; freezing also clears its gradient. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
        if (frozen) {
            trainable.zeroGrad();
        }
    }

    /** Number of elements. */
    public int numel() {
        return value().numel();
    }

    @Override
    public String toString() {
        return "Parameter(" + name + (frozen ? ", frozen" : "") + ", " + value() + ")";
    }
}
