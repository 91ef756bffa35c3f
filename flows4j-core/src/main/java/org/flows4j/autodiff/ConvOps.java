package org.flows4j.autodiff;

import org.flows4j.tensor.kernel.Conv2dKernels;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * 2-D convolution with a fused bias and activation, on the kernels of {@link Conv2dKernels}:
 * {@code y[n, o, i, j] = act(b[o] + sum_{c, u, v} W[o, c, u, v] * x[n, c, i + u - p, j + v - p])} for
 * {@code x [N, Cin, H, W]} (NCHW), {@code W [Cout, Cin, kh, kw]}, {@code b [Cout]}, stride 1 and zero
 * padding {@code p} on every side, so {@code y [N, Cout, H + 2p - kh + 1, W + 2p - kw + 1]}. The bias
 * and activation are applied to each block of output channels as soon as the product has finished it.
 *
 * <p>Backward with {@code gz = g * act'(y)}: {@code dW[o, c, u, v] = sum_{n, i, j} gz[n, o, i, j] x[n, c, i + u - p, j + v - p]},
 * {@code db[o] = sum_{n, i, j} gz[n, o, i, j]}, {@code dx = } the full correlation of {@code gz} with
 * {@code W} (each input pixel collects {@code W[o, c, u, v] gz[n, o, i, j]} from every output it fed).
 * Cost: {@code 2 N Cout Cin kh kw H'W'} flops forward and up to twice that backward.
 */
public final class ConvOps {
    private ConvOps() {
    }

    /**
     * {@code act(conv(x, W) + b)} as described for the class; {@code bias} may be null. Gradients go to
     * the inputs that require them.
     *
     * @throws ShapeMismatchException naming the shapes when the ranks, channels or sizes do not fit
     * @throws IllegalArgumentException when the dtypes differ, {@code padding} is negative or {@code act} is null
     */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, int padding, Activation act) {
        Tensor xv = x.value();
        Tensor wv = weight.value();
        Tensor bv = bias == null ? null : bias.value();
        requireActivation("conv2d", act);
        int[] shape = Conv2dKernels.outputShape("conv2d", xv, wv, bv, padding);
        Tensor out = Tensor.scratch(xv.dtype(), shape);
        Conv2dKernels.forward(xv, wv, padding, out, epilogue(out, bv, act));
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.fromOp("conv2d", out, g -> {
            Tensor gz = act == Activation.IDENTITY ? g : LinalgOps.activationGradient(g, out, act);
            Tensor gx = x.requiresGrad() ? Tensor.scratch(xv.dtype(), xv.shape()) : null;
            Tensor gw = weight.requiresGrad() ? Tensor.scratch(wv.dtype(), wv.shape()) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.scratch(wv.dtype(), wv.size(0)) : null;
            Conv2dKernels.backward(xv, wv, padding, gz, gx, gw, gb);
            return bias == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
        }, inputs);
    }

    /**
     * {@code out = act(conv(x, W) + b)} on plain tensors, recording nothing: the same kernels as
     * {@link #conv2d} (bit-identical values) writing into a caller-owned {@code out [N, Cout, H', W']},
     * for evaluation passes that reuse their buffers. {@code bias} may be null.
     *
     * @throws ShapeMismatchException naming the shapes when the sizes do not fit or {@code out} has the wrong shape
     * @throws IllegalArgumentException when the dtypes differ, {@code padding} is negative, {@code act} is null
     *                                  or {@code out} shares storage with {@code x} or {@code weight}
     */
    public static Tensor conv2dInto(Tensor x, Tensor weight, Tensor bias, int padding, Activation act, Tensor out) {
        requireActivation("conv2dInto", act);
        Conv2dKernels.outputShape("conv2dInto", x, weight, bias, padding);
        Conv2dKernels.forward(x, weight, padding, out, epilogue(out, bias, act));
        return out;
    }

    private static void requireActivation(String op, Activation act) {
        if (act == null) {
            throw new IllegalArgumentException(op + ": expected an activation (Activation.IDENTITY for none), got null");
        }
    }

    private static MatMul.RowEpilogue epilogue(Tensor out, Tensor bias, Activation act) {
        if (bias == null && act == Activation.IDENTITY) {
            return null;
        }
        int cout = out.size(1);
        int len = out.size(2) * out.size(3);
        return (from, to) -> biasAndActivation(out, bias, act, cout, len, from, to);
    }

    /**
     * Rows {@code [from, to)} of {@code y} seen as {@code [N * Cout, H'W']}:
     * {@code y[r, q] = act(y[r, q] + b[r mod Cout])}. The float32 ReLU and identity rows are
     * branch-free loops the JIT vectorizes ({@code max(v, 0)}; a NaN stays NaN).
     */
    private static void biasAndActivation(Tensor y, Tensor bias, Activation act, int cout, int len, int from, int to) {
        if (y.dtype() == DType.FLOAT32) {
            float[] v = y.floatData();
            float[] b = bias == null ? null : bias.floatData();
            for (int r = from; r < to; r++) {
                float add = b == null ? 0f : b[r % cout];
                int off = r * len;
                if (act == Activation.RELU) {
                    for (int q = off; q < off + len; q++) {
                        v[q] = Math.max(v[q] + add, 0f);
                    }
                } else if (act == Activation.IDENTITY) {
                    for (int q = off; q < off + len; q++) {
                        v[q] += add;
                    }
                } else {
                    for (int q = off; q < off + len; q++) {
                        v[q] = (float) act.apply(v[q] + add);
                    }
                }
            }
        } else {
            double[] v = y.doubleData();
            double[] b = bias == null ? null : bias.doubleData();
            for (int r = from; r < to; r++) {
                double add = b == null ? 0.0 : b[r % cout];
                int off = r * len;
                for (int q = off; q < off + len; q++) {
                    v[q] = act.apply(v[q] + add);
                }
            }
        }
    }
}
