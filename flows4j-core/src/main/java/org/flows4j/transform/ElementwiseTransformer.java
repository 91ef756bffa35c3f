package org.flows4j.transform;

import org.flows4j.autodiff.Variable;

/**
 * A strictly monotone scalar map {@code y = tau(x; theta)} applied to each of {@code K} features with
 * its own parameter vector {@code theta [P]}: the "transformer" of a coupling or autoregressive layer
 * (the conditioner computes the parameters, the transformer applies them). Inputs are {@code x [N, K]}
 * and {@code params [N, K, P]} (row {@code n}, feature {@code k}, parameter {@code p}); both directions
 * return the mapped {@code [N, K]} and the per-row log-det {@code sum_k log |d tau / dx|} (for
 * {@link #inverse}, {@code sum_k log |d tau^-1 / dy|}, the negative at matching points). Because the map
 * is elementwise given the parameters, its Jacobian is diagonal and this sum is exact.
 *
 * <p>Implementations hold no state besides constants, so they are safe to share between threads and
 * layers. Coupling and autoregressive layers plug in any implementation: affine, additive, spline.
 *
 * <p><b>Shared parameters.</b> {@link #forwardShared} and {@link #inverseShared} take one parameter vector per
 * feature, {@code params [K, P]}, used by every row: {@code y_{n,k} = tau(x_{n,k}; theta_k)}. They equal
 * {@link #forward}/{@link #inverse} on {@code theta} broadcast to {@code [N, K, P]} (what the defaults do), and
 * an implementation may override them to compute the per-feature part once per call (the spline's knots,
 * the affine scale) and to sum the parameter gradient over rows without an {@code [N, K, P]} intermediate.
 * A coupling layer's pass-through half ({@code bothHalves}) uses them.
 */
public interface ElementwiseTransformer {
    /** Number {@code P} of parameters per feature. */
    int paramsPerFeature();

    /** {@code (tau(x; theta), sum_k log |tau'(x_k)|)} for {@code x [N, K]}, {@code params [N, K, P]}. */
    Transformed forward(Variable x, Variable params);

    /** {@code (tau^-1(y; theta), sum_k log |(tau^-1)'(y_k)|)} for {@code y [N, K]}, {@code params [N, K, P]}. */
    Transformed inverse(Variable y, Variable params);

    /**
     * {@code (tau(x; theta), sum_k log |tau'(x_k)|)} for {@code x [N, K]} with the same parameters
     * {@code params [K, P]} in every row: equal to {@link #forward} on {@code params} broadcast to
     * {@code [N, K, P]}, which is what this default computes.
     */
    default Transformed forwardShared(Variable x, Variable params) {
        return forward(x, TransformerParams.broadcastRows("forwardShared", x, params, paramsPerFeature()));
    }

    /**
     * {@code (tau^-1(y; theta), sum_k log |(tau^-1)'(y_k)|)} for {@code y [N, K]} with the same parameters
     * {@code params [K, P]} in every row: equal to {@link #inverse} on {@code params} broadcast to
     * {@code [N, K, P]}, which is what this default computes.
     */
    default Transformed inverseShared(Variable y, Variable params) {
        return inverse(y, TransformerParams.broadcastRows("inverseShared", y, params, paramsPerFeature()));
    }
}
