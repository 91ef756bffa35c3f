package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Affine layer {@code y = act(x W^T + b)} for {@code x [N, in]}, {@code W [out, in]},
 * {@code b [out]}, computed by the fused {@link LinalgOps#linear} (backward:
 * {@code dz = g * act'(z)}, {@code dx = dz W}, {@code dW = dz^T x}, {@code db = sum_rows dz}).
 * The activation is chosen per call, so a network can fuse it into the layer that precedes it.
 *
 * <p>Parameters: {@code weight}, and {@code bias} when asked for. Cost of a forward pass:
 * {@code N * in * out} multiply-adds. Holds no mutable state during forward.
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with Xavier-uniform weights and a zero bias (if {@code bias}). */
    public Linear(int in, int out, boolean bias, DType dtype, Rng rng) {
        this(in, out, bias, dtype, rng, Init.xavierUniform());
    }

    /** A layer initialized by {@code init}: the weight is drawn first, then the bias. */
    public Linear(int in, int out, boolean bias, DType dtype, Rng rng, Init init) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        Tensor w = Tensor.zeros(dtype, out, in);
        init.initWeight(w, rng);
        this.weight = registerParameter("weight", w);
        if (bias) {
            Tensor b = Tensor.zeros(dtype, out);
            init.initBias(b, in, rng);
            this.bias = registerParameter("bias", b);
        } else {
            this.bias = null;
        }
    }

    /** {@code x W^T + b}. */
    public Variable forward(Variable x) {
        return forward(x, Activation.IDENTITY);
    }

    /** {@code act(x W^T + b)} in one fused op. */
    public Variable forward(Variable x, Activation act) {
        x.value().requireRank(2, "Linear");
        if (x.size(1) != in) {
            throw new ShapeMismatchException("Linear: expected input [N, " + in + "], got " + Shape.str(x.shape()));
        }
        if (x.dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException("Linear: input dtype " + x.dtype() + " differs from the layer's "
                    + weight.value().dtype() + " (convert one with to(DType))");
        }
        return LinalgOps.linear(x, weight.variable(), bias == null ? null : bias.variable(), act);
    }

    /** The weight {@code [out, in]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null for a layer without one. */
    public Parameter bias() {
        return bias;
    }

    /**
     * {@code act(x W^T + b)} written into {@code out} without recording a graph (shapes as for
     * {@link #forward}); networks use it for hidden layers when gradients are off.
     */
    Tensor evaluateInto(Tensor x, Activation act, Tensor out) {
        return LinalgOps.linearInto(x, weight.value(), bias == null ? null : bias.value(), act, out);
    }

    /** Number of input features. */
    public int inFeatures() {
        return in;
    }

    /** Number of output features. */
    public int outFeatures() {
        return out;
    }
}
