package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.BinaryKernels;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Affine layer with a fixed 0/1 connectivity mask, {@code y = act(x (W * M)^T + b)} for
 * {@code x [N, in]}, {@code W, M [out, in]}, {@code b [out]}: output {@code k} reads input {@code j}
 * only where {@code M[k, j] = 1}. The masked weight {@code W * M} is one elementwise product per
 * forward pass, fed to the fused {@link LinalgOps#linear}; its backward gives {@code dW = (gz^T x) * M},
 * so masked-out weights receive a zero gradient and never influence the output.
 *
 * <p>The mask is part of the layer's structure (derived from degrees by {@link MADE}), not of its
 * state dict. Parameters: {@code weight}, {@code bias}. Cost of a forward pass: {@code out * in}
 * multiplies for the mask plus {@code N * in * out} multiply-adds. Holds no mutable state during forward.
 */
public final class MaskedLinear extends Module {
    private final int in;
    private final int out;
    private final Tensor mask;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer with a bias whose connectivity is {@code mask} ({@code [out, in]}, entries 0 or 1), initialized
     * by {@code init} (weight first, then bias).
     */
    public MaskedLinear(Tensor mask, DType dtype, Rng rng, Init init) {
        if (mask.rank() != 2) {
            throw new ShapeMismatchException("MaskedLinear: expected a mask of shape [out, in], got "
                    + Shape.str(mask.shape()));
        }
        this.out = mask.size(0);
        this.in = mask.size(1);
        if (in == 0 || out == 0) {
            throw new IllegalArgumentException("MaskedLinear: in and out must be positive, got mask "
                    + Shape.str(mask.shape()));
        }
        for (int i = 0; i < mask.numel(); i++) {
            double m = mask.get(i);
            if (m != 0.0 && m != 1.0) {
                throw new IllegalArgumentException("MaskedLinear: mask entries must be 0 or 1, got " + m
                        + " at row " + i / in + ", column " + i % in);
            }
        }
        this.mask = mask.copy().to(dtype);
        Tensor w = Tensor.zeros(dtype, out, in);
        init.initWeight(w, rng);
        this.weight = registerParameter("weight", w);
        Tensor b = Tensor.zeros(dtype, out);
        init.initBias(b, in, rng);
        this.bias = registerParameter("bias", b);
    }

    /** {@code act(x (W * M)^T + b)}. */
    public Variable forward(Variable x, Activation act) {
        x.value().requireRank(2, "MaskedLinear");
        if (x.size(1) != in) {
            throw new ShapeMismatchException("MaskedLinear: expected input [N, " + in + "], got "
                    + Shape.str(x.shape()));
        }
        if (x.dtype() != mask.dtype()) {
            throw new IllegalArgumentException("MaskedLinear: input dtype " + x.dtype() + " differs from the layer's "
                    + mask.dtype() + " (convert one with to(DType))");
        }
        Variable masked = ArithmeticOps.mul(weight.variable(), Variable.constant(mask));
        return LinalgOps.linear(x, masked, bias.variable(), act);
    }

    /** A copy of the mask {@code [out, in]}. */
    public Tensor mask() {
        return mask.copy();
    }

    /** The unmasked weight {@code [out, in]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}. */
    public Parameter bias() {
        return bias;
    }

    /**
     * {@code act(x (W * M)^T + b)} written into {@code out} without recording a graph (shapes as for
     * {@link #forward}); MADE uses it for hidden layers when gradients are off.
     */
    Tensor evaluateInto(Tensor x, Activation act, Tensor out) {
        Tensor masked = BinaryKernels.zip(weight.value(), mask, BinaryKernels.Op.MUL, "MaskedLinear");
        return LinalgOps.linearInto(x, masked, bias.value(), act, out);
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
