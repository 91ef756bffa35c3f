package org.flows4j.autodiff;

import java.util.Arrays;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;

/**
 * Reductions over all elements or along one axis, and the softmax family.
 *
 * <p>An axis reduction views the input as {@code [outer, len, inner]} (the axes before the reduced
 * one, the reduced one, the axes after it) and walks it with a strided loop; sums accumulate in
 * double. Axes may be negative (counted from the end). With {@code keepDim} the reduced axis stays
 * with size 1, otherwise it is removed. Float32 inputs are computed in double and rounded once.
 *
 * <p>Formulas and backward rules (x the input, y the output, g = dL/dy, along the axis k):
 * <ul>
 *   <li>sum: y = sum_k x_k; dx_k = g</li>
 *   <li>mean: y = sum_k x_k / len; dx_k = g / len</li>
 *   <li>max: y = max_k x_k; dx_k = g at the first index of the maximum, 0 elsewhere</li>
 *   <li>logSumExp: y = m + log sum_k e^(x_k - m) with m = max_k x_k; dx_k = g e^(x_k - y)</li>
 *   <li>softmax: y_k = e^(x_k - m) / sum_j e^(x_j - m); dx_k = y_k (g_k - sum_j g_j y_j)</li>
 *   <li>logSoftmax: y_k = x_k - logSumExp(x); dx_k = g_k - e^(y_k) sum_j g_j</li>
 * </ul>
 */
public final class ReduceOps {
    private ReduceOps() {
    }

    /**
     * The input viewed as {@code [outer, len, inner]} around the reduced axis, and the output shape.
     */
    private record Split(int outer, int len, int inner, int[] outShape) {
        int lanes() {
            return outer * inner;
        }
    }

    private static Split split(int[] shape, int axis, boolean keepDim, String op) {
        int ax = Shape.axis(axis, shape.length, op);
        int outer = 1;
        for (int j = 0; j < ax; j++) {
            outer *= shape[j];
        }
        int inner = 1;
        for (int j = ax + 1; j < shape.length; j++) {
            inner *= shape[j];
        }
        int[] out;
        if (keepDim) {
            out = shape.clone();
            out[ax] = 1;
        } else {
            out = new int[shape.length - 1];
            for (int j = 0, o = 0; j < shape.length; j++) {
                if (j != ax) {
                    out[o++] = shape[j];
                }
            }
        }
        return new Split(outer, shape[ax], inner, out);
    }

    // ---- whole-tensor reductions ----

    /** Sum of all elements, as a rank-0 variable. */
    public static Variable sum(Variable a) {
        Tensor av = a.value();
        double s = 0;
        for (int i = 0; i < av.numel(); i++) {
            s += av.get(i);
        }
        return Variable.fromOp("sum", Tensor.scalar(av.dtype(), s),
                g -> new Tensor[] {Tensor.full(av.dtype(), g.item(), av.shape())}, a);
    }

    /** Mean of all elements, as a rank-0 variable. */
    public static Variable mean(Variable a) {
        int n = a.value().numel();
        if (n == 0) {
            throw new IllegalArgumentException("mean: the input is empty");
        }
        return ArithmeticOps.mulScalar(sum(a), 1.0 / n);
    }

    /**
     * Largest element, as a rank-0 variable; a NaN anywhere makes the result NaN. The gradient goes
     * to the first position holding the result.
     */
    public static Variable max(Variable a) {
        Tensor av = a.value();
        int n = av.numel();
        if (n == 0) {
            throw new IllegalArgumentException("max: the input is empty (shape " + Shape.str(av.shape()) + ")");
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (beats(av.get(i), av.get(best))) {
                best = i;
            }
        }
        int arg = best;
        return Variable.fromOp("max", Tensor.scalar(av.dtype(), av.get(arg)), g -> {
            Tensor dx = av.zerosLike();
            dx.set(arg, g.item());
            return new Tensor[] {dx};
        }, a);
    }

    /** Whether {@code v} replaces {@code best} as the running maximum (NaN wins, ties keep the first). */
    private static boolean beats(double v, double best) {
        return v > best || (Double.isNaN(v) && !Double.isNaN(best));
    }

    // ---- axis reductions ----

    /** Sum along {@code axis}; see the class documentation for the rule. */
    public static Variable sum(Variable a, int axis, boolean keepDim) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, keepDim, "sum");
        Tensor out = fromDoubles(av, sumAlong(av, s), s.outShape());
        return Variable.fromOp("sum", out, g -> new Tensor[] {spread(g, s, 1.0, av)}, a);
    }

    /** Mean along {@code axis}; the axis must not be empty. */
    public static Variable mean(Variable a, int axis, boolean keepDim) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, keepDim, "mean");
        if (s.len() == 0) {
            throw new IllegalArgumentException("mean: axis " + axis + " of shape " + Shape.str(av.shape())
                    + " is empty");
        }
        double[] sums = sumAlong(av, s);
        double inv = 1.0 / s.len();
        for (int j = 0; j < sums.length; j++) {
            sums[j] *= inv;
        }
        Tensor out = fromDoubles(av, sums, s.outShape());
        return Variable.fromOp("mean", out, g -> new Tensor[] {spread(g, s, inv, av)}, a);
    }

    /**
     * Maximum along {@code axis}; a NaN in a lane makes that lane NaN. The gradient of each output
     * goes to the first index along the axis that holds it. The axis must not be empty.
     */
    public static Variable max(Variable a, int axis, boolean keepDim) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, keepDim, "max");
        if (s.len() == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + Shape.str(av.shape())
                    + " is empty");
        }
        int len = s.len();
        int inner = s.inner();
        int[] arg = new int[s.lanes()];
        Tensor out = av.zerosLike(s.outShape());
        for (int o = 0; o < s.outer(); o++) {
            int base = o * len * inner;
            for (int i = 0; i < inner; i++) {
                int best = base + i;
                for (int k = 1; k < len; k++) {
                    int at = base + k * inner + i;
                    if (beats(av.get(at), av.get(best))) {
                        best = at;
                    }
                }
                arg[o * inner + i] = best;
                out.set(o * inner + i, av.get(best));
            }
        }
        return Variable.fromOp("max", out, g -> {
            Tensor dx = av.zerosLike();
            for (int j = 0; j < arg.length; j++) {
                dx.set(arg[j], g.get(j));
            }
            return new Tensor[] {dx};
        }, a);
    }

    /**
     * {@code log sum_k e^(x_k)} along {@code axis}, computed after subtracting the lane maximum so
     * it neither overflows nor underflows; an empty axis or a lane of all {@code -infinity} gives
     * {@code -infinity}. Backward {@code g softmax(x)}, and 0 in lanes whose result is
     * {@code -infinity}.
     */
    public static Variable logSumExp(Variable a, int axis, boolean keepDim) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, keepDim, "logSumExp");
        double[] x = doubles(av);
        double[] lse = logSumExpAlong(x, s);
        Tensor out = fromDoubles(av, lse.clone(), s.outShape());
        return Variable.fromOp("logSumExp", out, g -> {
            double[] gd = doubles(g);
            double[] dx = new double[x.length];
            int len = s.len();
            int inner = s.inner();
            for (int o = 0; o < s.outer(); o++) {
                int lane = o * inner;
                for (int k = 0; k < len; k++) {
                    int row = (o * len + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        double l = lse[lane + i];
                        dx[row + i] = l == Double.NEGATIVE_INFINITY ? 0.0 : gd[lane + i] * Math.exp(x[row + i] - l);
                    }
                }
            }
            return new Tensor[] {fromDoubles(av, dx, av.shape())};
        }, a);
    }

    /**
     * {@code softmax} along {@code axis} (same shape as the input; each lane sums to 1). A lane
     * containing {@code +infinity} or only {@code -infinity} has no softmax and gives NaN.
     */
    public static Variable softmax(Variable a, int axis) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, true, "softmax");
        double[] x = doubles(av);
        double[] lse = logSumExpAlong(x, s);
        double[] y = new double[x.length];
        int len = s.len();
        int inner = s.inner();
        for (int o = 0; o < s.outer(); o++) {
            int lane = o * inner;
            for (int k = 0; k < len; k++) {
                int row = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    y[row + i] = Math.exp(x[row + i] - lse[lane + i]);
                }
            }
        }
        Tensor out = fromDoubles(av, y, av.shape());
        return Variable.fromOp("softmax", out, g -> {
            double[] yd = doubles(out);
            double[] gd = doubles(g);
            double[] dot = new double[s.lanes()];
            for (int o = 0; o < s.outer(); o++) {
                int lane = o * inner;
                for (int k = 0; k < len; k++) {
                    int row = (o * len + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        dot[lane + i] += gd[row + i] * yd[row + i];
                    }
                }
            }
            double[] dx = new double[x.length];
            for (int o = 0; o < s.outer(); o++) {
                int lane = o * inner;
                for (int k = 0; k < len; k++) {
                    int row = (o * len + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        dx[row + i] = yd[row + i] * (gd[row + i] - dot[lane + i]);
                    }
                }
            }
            return new Tensor[] {fromDoubles(av, dx, av.shape())};
        }, a);
    }

    /** {@code x - logSumExp(x)} along {@code axis}, the log of {@link #softmax}, without forming the ratio. */
    public static Variable logSoftmax(Variable a, int axis) {
        Tensor av = a.value();
        Split s = split(av.shape(), axis, true, "logSoftmax");
        double[] x = doubles(av);
        double[] lse = logSumExpAlong(x, s);
        double[] y = new double[x.length];
        int len = s.len();
        int inner = s.inner();
        for (int o = 0; o < s.outer(); o++) {
            int lane = o * inner;
            for (int k = 0; k < len; k++) {
                int row = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    y[row + i] = x[row + i] - lse[lane + i];
                }
            }
        }
        Tensor out = fromDoubles(av, y, av.shape());
        return Variable.fromOp("logSoftmax", out, g -> {
            double[] yd = doubles(out);
            double[] gd = doubles(g);
            double[] total = sumAlong(g, s);
            double[] dx = new double[x.length];
            for (int o = 0; o < s.outer(); o++) {
                int lane = o * inner;
                for (int k = 0; k < len; k++) {
                    int row = (o * len + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        dx[row + i] = gd[row + i] - Math.exp(yd[row + i]) * total[lane + i];
                    }
                }
            }
            return new Tensor[] {fromDoubles(av, dx, av.shape())};
        }, a);
    }

    // ---- kernels ----

    /** Lane sums in double, over the backing array directly. */
    private static double[] sumAlong(Tensor t, Split s) {
        int len = s.len();
        int inner = s.inner();
        double[] acc = new double[s.lanes()];
        float[] f = t.floatData();
        double[] d = t.doubleData();
        int at = 0;
        for (int o = 0; o < s.outer(); o++) {
            int dst = o * inner;
            for (int k = 0; k < len; k++) {
                if (f != null) {
                    for (int i = 0; i < inner; i++) {
                        acc[dst + i] += f[at++];
                    }
                } else {
                    for (int i = 0; i < inner; i++) {
                        acc[dst + i] += d[at++];
                    }
                }
            }
        }
        return acc;
    }

    /** Per-lane {@code m + log sum_k e^(x_k - m)}, with {@code m} the lane maximum (0 if infinite). */
    private static double[] logSumExpAlong(double[] x, Split s) {
        int len = s.len();
        int inner = s.inner();
        double[] m = new double[s.lanes()];
        Arrays.fill(m, Double.NEGATIVE_INFINITY);
        for (int o = 0; o < s.outer(); o++) {
            int lane = o * inner;
            for (int k = 0; k < len; k++) {
                int row = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    m[lane + i] = Math.max(m[lane + i], x[row + i]);
                }
            }
        }
        for (int j = 0; j < m.length; j++) {
            if (Double.isInfinite(m[j])) {
                m[j] = 0.0;
            }
        }
        double[] acc = new double[m.length];
        for (int o = 0; o < s.outer(); o++) {
            int lane = o * inner;
            for (int k = 0; k < len; k++) {
                int row = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    acc[lane + i] += Math.exp(x[row + i] - m[lane + i]);
                }
            }
        }
        for (int j = 0; j < acc.length; j++) {
            acc[j] = m[j] + Math.log(acc[j]);
        }
        return acc;
    }

    /** The adjoint of an axis reduction: {@code dx[o, k, i] = scale * g[o, i]}, shaped like {@code like}. */
    private static Tensor spread(Tensor g, Split s, double scale, Tensor like) {
        double[] gd = doubles(g);
        double[] dx = new double[like.numel()];
        int len = s.len();
        int inner = s.inner();
        for (int o = 0; o < s.outer(); o++) {
            int lane = o * inner;
            for (int k = 0; k < len; k++) {
                int row = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    dx[row + i] = scale * gd[lane + i];
                }
            }
        }
        return fromDoubles(like, dx, like.shape());
    }

    /** The elements of {@code t} as doubles: its own array for float64 (do not modify), else a widened copy. */
    private static double[] doubles(Tensor t) {
        double[] d = t.doubleData();
        return d != null ? d : t.toDoubleArray();
    }

    /**
     * A tensor of {@code like}'s dtype and the given shape holding {@code values}: wraps the array
     * for float64 (the caller gives up ownership), rounds it for float32.
     */
    private static Tensor fromDoubles(Tensor like, double[] values, int[] shape) {
        if (like.doubleData() != null) {
            return Tensor.wrap(values, shape);
        }
        float[] f = new float[values.length];
        for (int j = 0; j < values.length; j++) {
            f[j] = (float) values[j];
        }
        return Tensor.wrap(f, shape);
    }
}
