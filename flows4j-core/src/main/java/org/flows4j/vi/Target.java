package org.flows4j.vi;

import org.flows4j.autodiff.Variable;

/**
 * An unnormalized target density for variational inference: {@code log p~(x) = log p(x) + log Z} per row,
 * where {@code p} is a normalized density on {@code R^D} (or on {@link #support() a box}) and {@code Z > 0} is
 * unknown in general.
 *
 * <p>{@link #logDensity} is written with the engine's operations ({@code ArithmeticOps}, {@code ReduceOps},
 * {@code ActivationOps}, ...) on a batch {@code x [N, D]} and returns {@code [N]}; because it records a graph,
 * the reverse-KL gradient {@code d/dθ E_q[log q_θ(x) - log p~(x)]} reaches the flow's parameters through
 * reparameterized samples with no backward rule written by the user. A target may return {@code -inf} for rows
 * outside its support; NaN or {@code +inf} are errors that the trainer counts and reports.
 */
public interface Target {
    /** The number of features {@code D} of a row. */
    int features();

    /** {@code log p~(x)} of each row of {@code x [N, D]}, {@code [N]}, recorded for gradients with respect to x. */
    Variable logDensity(Variable x);

    /**
     * The set outside which {@code p~} is zero: {@code null} for all of {@code R^D}, otherwise a box; a flow fitted
     * to a boxed target must map onto the box (its last data-side step a bijection onto it).
     */
    default Box support() {
        return null;
    }

    /** {@code log Z} when it is known (the built-in targets), otherwise NaN. */
    default double logNormalizer() {
        return Double.NaN;
    }

    /** A short name for reports. */
    default String name() {
        return getClass().getSimpleName();
    }
}
