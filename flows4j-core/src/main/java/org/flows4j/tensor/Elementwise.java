package org.flows4j.tensor;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-by-element kernels: {@code out[i] = fn(a[i])} and, with broadcasting,
 * {@code out[i] = fn(a[i'], b[i''])}, plus the reduction of a broadcast gradient back to an
 * operand's shape. Float32 tensors are computed in double and rounded once per element.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code out[i] = fn(a[i])}, same shape and dtype as {@code a}. */
    public static Tensor map(Tensor a, DoubleUnaryOperator fn) {
        Tensor out = a.zerosLike();
        int n = a.numel();
        float[] af = a.floatData();
        if (af != null) {
            float[] o = out.floatData();
            for (int i = 0; i < n; i++) {
                o[i] = (float) fn.applyAsDouble(af[i]);
            }
        } else {
            double[] ad = a.doubleData();
            double[] o = out.doubleData();
            for (int i = 0; i < n; i++) {
                o[i] = fn.applyAsDouble(ad[i]);
            }
        }
        return out;
    }

    /**
     * {@code out = fn(a, b)} over the broadcast shape of {@code a} and {@code b}; the dtypes must
     * match. {@code op} names the caller in error messages.
     */
    public static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator fn, String op) {
        a.requireSameDType(b, op);
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] os = Arrays.equals(as, bs) ? as : Shape.broadcast(as, bs, op);
        Tensor out = Tensor.zeros(a.dtype(), os);
        int n = out.numel();
        if (Arrays.equals(as, bs)) {
            for (int i = 0; i < n; i++) {
                out.set(i, fn.applyAsDouble(a.get(i), b.get(i)));
            }
            return out;
        }
        int[] sa = Shape.broadcastStrides(as, os);
        int[] sb = Shape.broadcastStrides(bs, os);
        int rank = os.length;
        int[] idx = new int[rank];
        int ia = 0;
        int ib = 0;
        for (int i = 0; i < n; i++) {
            out.set(i, fn.applyAsDouble(a.get(ia), b.get(ib)));
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                ia += sa[ax];
                ib += sb[ax];
                if (idx[ax] < os[ax]) {
                    break;
                }
                ia -= sa[ax] * os[ax];
                ib -= sb[ax] * os[ax];
                idx[ax] = 0;
            }
        }
        return out;
    }

    /**
     * Sums {@code g} (of a broadcast shape) down to {@code target}, the shape of an operand that
     * was broadcast to produce it: the adjoint of broadcasting. Returns {@code g} itself when the
     * shapes already match.
     */
    public static Tensor sumToShape(Tensor g, int[] target) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, target)) {
            return g;
        }
        int[] check = Shape.broadcast(target, gs, "sumToShape");
        if (!Arrays.equals(check, gs)) {
            throw new ShapeMismatchException("sumToShape", gs, target);
        }
        Tensor out = Tensor.zeros(g.dtype(), target);
        int[] st = Shape.broadcastStrides(target, gs);
        int rank = gs.length;
        int[] idx = new int[rank];
        int io = 0;
        int n = g.numel();
        double[] acc = new double[out.numel()];
        for (int i = 0; i < n; i++) {
            acc[io] += g.get(i);
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                io += st[ax];
                if (idx[ax] < gs[ax]) {
                    break;
                }
                io -= st[ax] * gs[ax];
                idx[ax] = 0;
            }
        }
        for (int i = 0; i < acc.length; i++) {
            out.set(i, acc[i]);
        }
        return out;
    }
}
