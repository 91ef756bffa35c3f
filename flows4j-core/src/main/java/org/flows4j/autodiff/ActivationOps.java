package org.flows4j.autodiff;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.kernel.Elementwise;

/**
 * Pointwise nonlinearities as autodiff ops: {@code y_i = f(x_i)} with backward
 * {@code dx_i = g_i f'(x_i)}. Each method states {@code f} and {@code f'}.
 *
 * <p>The logistic family is evaluated in forms that never overflow: {@code sigmoid}, {@code softplus}
 * and {@code logSigmoid} give finite values and finite gradients for any finite input, including
 * {@code |x| = 1e4}. {@code exp} and {@code expm1} overflow to infinity above about 709, and
 * {@code log}, {@code log1p} follow {@link Math} outside their domains (NaN or -infinity), as their
 * definitions require. Float32 inputs are computed in double and rounded once.
 */
public final class ActivationOps {
    private ActivationOps() {
    }

    /** {@code e^x}, backward {@code g e^x} (reusing the output). */
    public static Variable exp(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::exp);
        return Variable.fromOp("exp", y, g -> new Tensor[] {Elementwise.zip(g, y, (u, e) -> u * e, "exp")}, a);
    }

    /** {@code ln x}, backward {@code g / x}. */
    public static Variable log(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("log", Elementwise.map(av, Math::log),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u / x, "log")}, a);
    }

    /** {@code ln(1 + x)}, accurate for small {@code x}; backward {@code g / (1 + x)}. */
    public static Variable log1p(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("log1p", Elementwise.map(av, Math::log1p),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u / (1.0 + x), "log1p")}, a);
    }

    /** {@code e^x - 1}, accurate for small {@code x}; backward {@code g e^x}. */
    public static Variable expm1(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("expm1", Elementwise.map(av, Math::expm1),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u * Math.exp(x), "expm1")}, a);
    }

    /** {@code tanh x}, backward {@code g (1 - y^2)} with {@code y = tanh x}. */
    public static Variable tanh(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::tanh);
        return Variable.fromOp("tanh", y,
                g -> new Tensor[] {Elementwise.zip(g, y, (u, t) -> u * (1.0 - t * t), "tanh")}, a);
    }

    /**
     * {@code sigma(x) = 1 / (1 + e^-x)}, evaluated as {@code e^x / (1 + e^x)} for negative
     * {@code x} so no exponential overflows; backward {@code g y (1 - y)}.
     */
    public static Variable sigmoid(Variable a) {
        Tensor y = Elementwise.map(a.value(), ActivationOps::sigmoid);
        return Variable.fromOp("sigmoid", y,
                g -> new Tensor[] {Elementwise.zip(g, y, (u, s) -> u * s * (1.0 - s), "sigmoid")}, a);
    }

    /**
     * {@code log sigma(x) = -softplus(-x)}; backward {@code g sigma(-x)}, computed from {@code x}
     * so it stays exact where {@code sigma(x)} rounds to 1.
     */
    public static Variable logSigmoid(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("logSigmoid", Elementwise.map(av, x -> -softplus(-x)),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u * sigmoid(-x), "logSigmoid")}, a);
    }

    /**
     * {@code softplus(x) = ln(1 + e^x)}, evaluated as {@code max(x, 0) + ln(1 + e^-|x|)};
     * backward {@code g sigma(x)}.
     */
    public static Variable softplus(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("softplus", Elementwise.map(av, ActivationOps::softplus),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u * sigmoid(x), "softplus")}, a);
    }

    /** {@code max(x, 0)}, backward {@code g [x > 0]} (0 at {@code x = 0}). */
    public static Variable relu(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("relu", Elementwise.map(av, x -> x > 0 ? x : 0.0),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> x > 0 ? u : 0.0, "relu")}, a);
    }

    /**
     * {@code x} for {@code x > 0}, else {@code slope x}; backward {@code g} or {@code g slope}
     * (the {@code slope} side at {@code x = 0}).
     */
    public static Variable leakyRelu(Variable a, double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("leakyRelu: slope must be finite, got " + slope);
        }
        Tensor av = a.value();
        return Variable.fromOp("leakyRelu", Elementwise.map(av, x -> x > 0 ? x : slope * x),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> x > 0 ? u : slope * u, "leakyRelu")}, a);
    }

    /**
     * {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}; backward {@code g} or
     * {@code g alpha e^x}.
     */
    public static Variable elu(Variable a, double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("elu: alpha must be finite, got " + alpha);
        }
        Tensor av = a.value();
        return Variable.fromOp("elu", Elementwise.map(av, x -> x > 0 ? x : alpha * Math.expm1(x)),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> x > 0 ? u : u * alpha * Math.exp(x), "elu")}, a);
    }

    /** The logistic function without overflow: {@code 1 / (1 + e^-x)} or {@code e^x / (1 + e^x)}. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** {@code ln(1 + e^x)} as {@code max(x, 0) + ln(1 + e^-|x|)}. */
    static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * {@code act(x)} for any {@link Activation}, backward {@code g * act'(x)} with the derivative taken
     * from the output ({@link Activation#derivativeFromOutput}); the identity returns {@code x} itself.
     * Both directions loop over the arrays with the activation fixed (no function object per element), so
     * they cost the same whatever other lambdas have run through {@link Elementwise#map}; each float32
     * element is computed in double and rounded once, as there.
     */
    public static Variable activation(Variable x, Activation act) {
        if (act == Activation.IDENTITY) {
            return x;
        }
        Tensor xv = x.value();
        Tensor y = Tensor.scratch(xv.dtype(), xv.shape());
        int n = xv.numel();
        if (xv.dtype() == DType.FLOAT32) {
            float[] in = xv.floatData();
            float[] out = y.floatData();
            for (int i = 0; i < n; i++) {
                out[i] = (float) act.apply(in[i]);
            }
        } else {
            double[] in = xv.doubleData();
            double[] out = y.doubleData();
            for (int i = 0; i < n; i++) {
                out[i] = act.apply(in[i]);
            }
        }
        return Variable.fromOp("activation:" + act, y, g -> new Tensor[] {
            LinalgOps.activationGradient(g, y, act)}, x);
    }
}
