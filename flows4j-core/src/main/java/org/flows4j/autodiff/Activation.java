package org.flows4j.autodiff;

/**
 * Pointwise activations that fused kernels apply after an affine map. Each gives its value
 * {@code y = act(x)} and its derivative written in terms of the output {@code y} (so a fused
 * kernel keeps only {@code y}):
 * <ul>
 *   <li>IDENTITY: y = x, dy/dx = 1</li>
 *   <li>RELU: y = max(x, 0), dy/dx = [y &gt; 0]</li>
 *   <li>LEAKY_RELU: y = x for x &gt; 0 else 0.01 x, dy/dx = 1 or 0.01</li>
 *   <li>TANH: y = tanh x, dy/dx = 1 - y^2</li>
 *   <li>SIGMOID: y = 1 / (1 + e^-x), dy/dx = y (1 - y)</li>
 *   <li>ELU: y = x for x &gt; 0 else e^x - 1, dy/dx = 1 or y + 1</li>
 *   <li>SOFTPLUS: y = log(1 + e^x), dy/dx = 1 - e^-y</li>
 * </ul>
 */
public enum Activation {
    /** No activation. */
    IDENTITY,
    /** Rectified linear unit. */
    RELU,
    /** Leaky ReLU with negative slope 0.01. */
    LEAKY_RELU,
    /** Hyperbolic tangent. */
    TANH,
    /** Logistic sigmoid. */
    SIGMOID,
    /** Exponential linear unit (alpha = 1). */
    ELU,
    /** Softplus log(1 + e^x). */
    SOFTPLUS;

    /** Negative-side slope of {@link #LEAKY_RELU}. */
    public static final double LEAKY_SLOPE = 0.01;

    /** {@code act(x)}. */
    public double apply(double x) {
        switch (this) {
            case RELU:
                return x > 0 ? x : 0.0;
            case LEAKY_RELU:
                return x > 0 ? x : LEAKY_SLOPE * x;
            case TANH:
                return Math.tanh(x);
            case SIGMOID:
                return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case ELU:
                return x > 0 ? x : Math.expm1(x);
            case SOFTPLUS:
                return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            default:
                return x;
        }
    }

    /** {@code act'(x)} expressed through the output {@code y = act(x)}. */
    public double derivativeFromOutput(double y) {
        switch (this) {
            case RELU:
                return y > 0 ? 1.0 : 0.0;
            case LEAKY_RELU:
                return y > 0 ? 1.0 : LEAKY_SLOPE;
            case TANH:
                return 1.0 - y * y;
            case SIGMOID:
                return y * (1.0 - y);
            case ELU:
                return y > 0 ? 1.0 : y + 1.0;
            case SOFTPLUS:
                return -Math.expm1(-y);
            default:
                return 1.0;
        }
    }
}
