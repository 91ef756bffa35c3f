package org.flows4j.spark;

import java.util.Map;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;

/**
 * A flow's parameters as one flat float32 array, in the fixed order of {@code Module.parameters()} (the same on
 * every JVM for flows built from one spec): what is broadcast to the executors each step and what their
 * gradients are summed into. Float32 parameters only (the flows the estimator builds).
 */
final class FlatParams {
    private FlatParams() {
    }

    /** Total parameter elements. */
    static int size(Map<String, Parameter> params) {
        int n = 0;
        for (Parameter p : params.values()) {
            n += p.numel();
        }
        return n;
    }

    /** The parameter values, concatenated. */
    static float[] values(Map<String, Parameter> params) {
        float[] out = new float[size(params)];
        int at = 0;
        for (Parameter p : params.values()) {
            float[] v = data(p.value(), p);
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Overwrites the parameter values with {@code flat}. */
    static void setValues(Map<String, Parameter> params, float[] flat) {
        requireSize(params, flat);
        int at = 0;
        for (Parameter p : params.values()) {
            float[] v = data(p.value(), p);
            System.arraycopy(flat, at, v, 0, v.length);
            at += v.length;
        }
    }

    /** Adds the parameters' gradients (none: zero) into {@code acc[0 .. size)}. */
    static void addGrads(Map<String, Parameter> params, float[] acc) {
        int at = 0;
        for (Parameter p : params.values()) {
            Tensor g = p.grad();
            if (g != null) {
                float[] v = data(g, p);
                for (int i = 0; i < v.length; i++) {
                    acc[at + i] += v[i];
                }
            }
            at += p.numel();
        }
    }

    /** Sets each trainable parameter's gradient to its slice of {@code flat} (the gradients are cleared first). */
    static void setGrads(Map<String, Parameter> params, float[] flat) {
        int at = 0;
        for (Parameter p : params.values()) {
            p.zeroGrad();
            int n = p.numel();
            if (!p.isFrozen()) {
                float[] g = new float[n];
                System.arraycopy(flat, at, g, 0, n);
                p.variable().accumulateGrad(Tensor.wrap(g, p.value().shape()));
            }
            at += n;
        }
    }

    private static void requireSize(Map<String, Parameter> params, float[] flat) {
        int n = size(params);
        if (flat.length < n) {
            throw new IllegalArgumentException("FlatParams: expected at least " + n + " values, got " + flat.length);
        }
    }

    private static float[] data(Tensor t, Parameter p) {
        float[] v = t.floatData();
        if (v == null) {
            throw new IllegalArgumentException("FlatParams: parameter '" + p.name() + "' is " + t.dtype()
                    + "; expected FLOAT32");
        }
        return v;
    }
}
