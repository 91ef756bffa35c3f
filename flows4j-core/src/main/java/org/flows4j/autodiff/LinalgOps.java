package org.flows4j.autodiff;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
import org.flows4j.tensor.kernel.LinearKernels;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Matrix products on the blocked kernels of {@link MatMul}.
 *
 * <ul>
 *   <li>{@code matmul(a, b)}: {@code C[i,j] = sum_k A[i,k] B[k,j]} for {@code [n,k] . [k,m]}, per
 *       batch item for {@code [B,n,k] . [B,k,m]}, and with {@code b} shared by every item for
 *       {@code [B,n,k] . [k,m]}. Backward: {@code dA = G B^T}, {@code dB = A^T G} (per item; summed
 *       over the batch when {@code b} is shared).</li>
 *   <li>{@code linear(x, W, b, act)}: {@code y = act(x W^T + b)} for {@code x [N,in]}, {@code W [out,in]},
 *       {@code b [out]}, fused: bias and activation are applied to each block of rows as soon as the
 *       product has finished it. Backward: {@code gz = g * act'(y)}, {@code dx = gz W},
 *       {@code dW = gz^T x}, {@code db[j] = sum_i gz[i,j]}.</li>
 * </ul>
 */
public final class LinalgOps {
    private LinalgOps() {
    }

    /**
     * {@code a . b} for {@code a [n,k], b [k,m] -> [n,m]}; {@code a [B,n,k], b [B,k,m] -> [B,n,m]};
     * {@code a [B,n,k], b [k,m] -> [B,n,m]}. Backward {@code dA = G B^T}, {@code dB = A^T G}
     * (summed over the batch for a shared {@code b}).
     *
     * @throws ShapeMismatchException naming both shapes when they cannot be multiplied
     */
    public static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        int ra = av.rank();
        int rb = bv.rank();
        if (!((ra == 2 || ra == 3) && rb == 2 || ra == 3 && rb == 3)) {
            throw new ShapeMismatchException("matmul: expected [n,k].[k,m], [B,n,k].[B,k,m] or [B,n,k].[k,m], got "
                    + Shape.str(av.shape()) + " and " + Shape.str(bv.shape()));
        }
        Tensor out = MatMul.matmul(av, bv);
        boolean sharedB = ra == 3 && rb == 2;
        return Variable.fromOp("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? MatMul.matmul(g, false, bv, true) : null,
            b.requiresGrad() ? gradientOfB(av, g, sharedB) : null}, a, b);
    }

    /** {@code A^T G} per batch item, or summed over the batch ({@code [B*n,k]^T [B*n,m]}) when B is shared. */
    private static Tensor gradientOfB(Tensor a, Tensor g, boolean sharedB) {
        if (sharedB) {
            return MatMul.matmul(a.reshape(-1, a.size(2)), true, g.reshape(-1, g.size(2)), false);
        }
        return MatMul.matmul(a, true, g, false);
    }

    /**
     * {@code y = act(x W^T + b)} for {@code x [N,in]}, {@code weight [out,in]}, {@code bias [out]}
     * (may be null), computed in one pass: each block of rows of {@code x W^T} gets its bias and
     * activation right after the kernel finishes it. Backward with {@code gz = g * act'(y)}:
     * {@code dx = gz W}, {@code dW = gz^T x}, {@code db = column sums of gz}.
     *
     * @throws ShapeMismatchException naming the shapes when the sizes do not fit
     * @throws IllegalArgumentException when the dtypes differ
     */
    public static Variable linear(Variable x, Variable weight, Variable bias, Activation act) {
        Tensor xv = x.value();
        Tensor wv = weight.value();
        Tensor bv = bias == null ? null : bias.value();
        checkLinear("linear", xv, wv, bv);
        Tensor out = Tensor.scratch(xv.dtype(), xv.size(0), wv.size(0));
        MatMul.matmulInto(xv, false, wv, true, out, false, (from, to) -> biasAndActivation(out, bv, act, from, to));
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.fromOp("linear", out, g -> {
            Tensor gz = act == Activation.IDENTITY ? g : activationGradient(g, out, act);
            Tensor gx = x.requiresGrad() ? MatMul.matmul(gz, false, wv, false) : null;
            Tensor gw = weight.requiresGrad() ? MatMul.matmul(gz, true, xv, false) : null;
            if (bias == null) {
                return new Tensor[] {gx, gw};
            }
            return new Tensor[] {gx, gw, bias.requiresGrad() ? columnSums(gz) : null};
        }, inputs);
    }

    /**
     * {@code out = act(x W^T + b)} on plain tensors, recording nothing: the same fused kernel as
     * {@link #linear} (bit-identical values) writing into a caller-owned {@code out [N, out]}, so
     * evaluation passes can reuse one buffer per hidden layer. {@code bias} may be null.
     *
     * @throws ShapeMismatchException naming the shapes when the sizes do not fit or {@code out} has the wrong shape
     * @throws IllegalArgumentException when the dtypes differ or {@code out} shares storage with {@code x} or {@code weight}
     */
    public static Tensor linearInto(Tensor x, Tensor weight, Tensor bias, Activation act, Tensor out) {
        checkLinear("linearInto", x, weight, bias);
        MatMul.matmulInto(x, false, weight, true, out, false, (from, to) -> biasAndActivation(out, bias, act, from, to));
        return out;
    }

    private static void checkLinear(String op, Tensor xv, Tensor wv, Tensor bv) {
        xv.requireRank(2, op);
        wv.requireRank(2, op);
        if (xv.size(1) != wv.size(1)) {
            throw new ShapeMismatchException(op + ": input " + Shape.str(xv.shape()) + " has " + xv.size(1)
                    + " features but weight " + Shape.str(wv.shape()) + " expects " + wv.size(1));
        }
        int m = wv.size(0);
        if (bv != null) {
            if (!bv.hasShape(m)) {
                throw new ShapeMismatchException(op + ": bias shape " + Shape.str(bv.shape()) + ", expected [" + m
                        + "] for weight " + Shape.str(wv.shape()));
            }
            xv.requireSameDType(bv, op);
        }
        xv.requireSameDType(wv, op);
    }

    /**
     * Rows {@code [from, to)} of {@code y}: {@code y[i,j] = act(y[i,j] + b[j])}. The float32 ReLU and
     * identity rows are branch-free loops the JIT vectorizes ({@code max(v, 0)}, which agrees with
     * {@code v > 0 ? v : 0} on every non-NaN value; a NaN stays NaN).
     */
    private static void biasAndActivation(Tensor y, Tensor bias, Activation act, int from, int to) {
        int m = y.size(1);
        if (y.dtype() == DType.FLOAT32) {
            float[] v = y.floatData();
            float[] b = bias == null ? null : bias.floatData();
            for (int i = from * m; i < to * m; i += m) {
                if (act == Activation.RELU) {
                    if (b != null) {
                        LinearKernels.biasRelu(v, i, b, m);
                    } else {
                        reluRow(v, i, m);
                    }
                    continue;
                }
                if (b != null) {
                    biasRow(v, i, b, m);
                }
                if (act != Activation.IDENTITY) {
                    for (int j = i; j < i + m; j++) {
                        v[j] = (float) act.apply(v[j]);
                    }
                }
            }
        } else {
            double[] v = y.doubleData();
            double[] b = bias == null ? null : bias.doubleData();
            for (int i = from * m; i < to * m; i += m) {
                if (b != null) {
                    for (int j = 0; j < m; j++) {
                        v[i + j] += b[j];
                    }
                }
                if (act != Activation.IDENTITY) {
                    for (int j = i; j < i + m; j++) {
                        v[j] = act.apply(v[j]);
                    }
                }
            }
        }
    }

    private static void reluRow(float[] v, int off, int m) {
        for (int j = off; j < off + m; j++) {
            v[j] = Math.max(v[j], 0f);
        }
    }

    private static void biasRow(float[] v, int off, float[] b, int m) {
        for (int j = 0; j < m; j++) {
            v[off + j] += b[j];
        }
    }

    /**
     * {@code g * act'(y)} element by element, with the derivative taken from the output {@code y};
     * float32 ReLU takes a select ({@code y > 0 ? g : 0}) instead of a multiply through the enum.
     */
    static Tensor activationGradient(Tensor g, Tensor y, Activation act) {
        Tensor gz = Tensor.scratch(g.dtype(), g.shape());
        int len = g.numel();
        if (g.dtype() == DType.FLOAT32 && y.dtype() == DType.FLOAT32) {
            float[] gv = g.floatData();
            float[] yv = y.floatData();
            float[] out = gz.floatData();
            if (act == Activation.RELU) {
                LinearKernels.backward(gv, yv, out, 0, len);
                return gz;
            }
            for (int i = 0; i < len; i++) {
                out[i] = (float) (gv[i] * act.derivativeFromOutput(yv[i]));
            }
        } else {
            for (int i = 0; i < len; i++) {
                gz.set(i, g.get(i) * act.derivativeFromOutput(y.get(i)));
            }
        }
        return gz;
    }

    /** {@code s[j] = sum_i gz[i,j]}, summed over rows in order in float64. */
    private static Tensor columnSums(Tensor gz) {
        int n = gz.size(0);
        int m = gz.size(1);
        double[] s = new double[m];
        float[] gf = gz.floatData();
        if (gf != null) {
            LinearKernels.columnSums(gf, n, m, s);
        } else {
            double[] gd = gz.doubleData();
            for (int i = 0; i < n; i++) {
                int row = i * m;
                for (int j = 0; j < m; j++) {
                    s[j] += gd[row + j];
                }
            }
        }
        Tensor out = gz.zerosLike(m);
        for (int j = 0; j < m; j++) {
            out.set(j, s[j]);
        }
        return out;
    }
}
