package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ConvOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * 2-D convolution layer {@code y = act(conv(x, W) + b)} for {@code x [N, in, H, W]},
 * {@code W [out, in, k, k]}, {@code b [out]}, stride 1 and zero padding {@code p}, so
 * {@code y [N, out, H + 2p - k + 1, W + 2p - k + 1]}:
 * {@code y[n, o, i, j] = act(b[o] + sum_{c, u, v} W[o, c, u, v] x[n, c, i + u - p, j + v - p])},
 * computed by the fused {@link ConvOps#conv2d}. The activation is chosen per call.
 *
 * <p>Parameters: {@code weight} and {@code bias}. The default initialization is PyTorch's
 * {@code nn.Conv2d}: weight and bias from {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} with
 * {@code fanIn = in k k} ({@link Init#fanInUniform()} on the weight seen as {@code [out, in k k]});
 * {@link #zeroInitialized} makes a layer whose output starts at zero (the last layer of a coupling
 * conditioner, so that the flow starts as the identity). Cost of a forward pass:
 * {@code N out in k^2 H'W'} multiply-adds. Holds no mutable state during forward.
 */
public final class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with PyTorch's default initialization (fan-in uniform weight and bias). */
    public Conv2d(int in, int out, int kernelSize, int padding, DType dtype, Rng rng) {
        this(in, out, kernelSize, padding, dtype, rng, Init.fanInUniform());
    }

    /**
     * A layer initialized by {@code init} with {@code fanIn = in k k}: the weight (seen as
     * {@code [out, in k k]}) is drawn first, then the bias.
     */
    public Conv2d(int in, int out, int kernelSize, int padding, DType dtype, Rng rng, Init init) {
        if (in <= 0 || out <= 0 || kernelSize <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: expected positive in, out and kernel size and padding >= 0, got in="
                    + in + ", out=" + out + ", kernelSize=" + kernelSize + ", padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernelSize;
        this.padding = padding;
        int fanIn = in * kernelSize * kernelSize;
        Tensor w = Tensor.zeros(dtype, out, in, kernelSize, kernelSize);
        init.initWeight(w.reshape(out, fanIn), rng);
        this.weight = registerParameter("weight", w);
        Tensor b = Tensor.zeros(dtype, out);
        init.initBias(b, fanIn, rng);
        this.bias = registerParameter("bias", b);
    }

    /** A layer whose weight and bias start at zero, so its output starts at zero for every input. */
    public static Conv2d zeroInitialized(int in, int out, int kernelSize, int padding, DType dtype) {
        return new Conv2d(in, out, kernelSize, padding, dtype, new Rng(0), Init.zeros());
    }

    /** {@code conv(x, W) + b}. */
    public Variable forward(Variable x) {
        return forward(x, Activation.IDENTITY);
    }

    /** {@code act(conv(x, W) + b)} in one fused op. */
    public Variable forward(Variable x, Activation act) {
        checkInput(x.value());
        return ConvOps.conv2d(x, weight.variable(), bias.variable(), padding, act);
    }

    /**
     * {@code act(conv(x, W) + b)} written into {@code out} without recording a graph (shapes as for
     * {@link #forward}), for evaluation passes that reuse their buffers.
     */
    public Tensor evaluateInto(Tensor x, Activation act, Tensor out) {
        checkInput(x);
        return ConvOps.conv2dInto(x, weight.value(), bias.value(), padding, act, out);
    }

    private void checkInput(Tensor x) {
        if (x.rank() != 4 || x.size(1) != in) {
            throw new ShapeMismatchException("Conv2d: expected input [N, " + in + ", H, W], got " + Shape.str(x.shape()));
        }
        if (x.dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException("Conv2d: input dtype " + x.dtype() + " differs from the layer's "
                    + weight.value().dtype() + " (convert one with to(DType))");
        }
    }

    /** The weight {@code [out, in, k, k]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}. */
    public Parameter bias() {
        return bias;
    }

    /** Number of input channels. */
    public int inChannels() {
        return in;
    }

    /** Number of output channels. */
    public int outChannels() {
        return out;
    }

    /** Side of the square kernel. */
    public int kernelSize() {
        return kernel;
    }

    /** Zero padding on each side. */
    public int padding() {
        return padding;
    }
}
