package org.flows4j.tensor.kernel;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

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
     *
     * <p>Two common layouts take direct loops over the backing arrays: equal shapes, and a row
     * ({@code [D]} or {@code [1, ..., 1, D]}) against a tensor whose last axis is {@code D}
     * (either operand may be the row). Every other broadcast walks strided indices. All paths
     * evaluate {@code fn} on the same pairs in the same order, so they give identical results.
     */
    public static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator fn, String op) {
        a.requireSameDType(b, op);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (Arrays.equals(as, bs)) {
            return zipSameShape(a, b, fn);
        }
        if (isRowOf(bs, as)) {
            return zipRow(a, b, fn, false);
        }
        if (isRowOf(as, bs)) {
            return zipRow(b, a, fn, true);
        }
        return zipStrided(a, b, fn, op);
    }

    /**
     * Whether {@code row} is {@code [D]} or {@code [1, ..., 1, D]}, of rank at most that of
     * {@code full}, with {@code D} the last axis of {@code full}: broadcasting then yields {@code full}.
     */
    static boolean isRowOf(int[] row, int[] full) {
        if (row.length == 0 || row.length > full.length || row[row.length - 1] != full[full.length - 1]) {
            return false;
        }
        for (int i = 0; i < row.length - 1; i++) {
            if (row[i] != 1) {
                return false;
            }
        }
        return true;
    }

    private static Tensor zipSameShape(Tensor a, Tensor b, DoubleBinaryOperator fn) {
        Tensor out = a.zerosLike();
        int n = out.numel();
        float[] af = a.floatData();
        if (af != null) {
            float[] bf = b.floatData();
            float[] o = out.floatData();
            for (int i = 0; i < n; i++) {
                o[i] = (float) fn.applyAsDouble(af[i], bf[i]);
            }
        } else {
            double[] ad = a.doubleData();
            double[] bd = b.doubleData();
            double[] o = out.doubleData();
            for (int i = 0; i < n; i++) {
                o[i] = fn.applyAsDouble(ad[i], bd[i]);
            }
        }
        return out;
    }

    /**
     * {@code out[r, j] = fn(full[r, j], row[j])}, or {@code fn(row[j], full[r, j])} when
     * {@code rowFirst}, with {@code r} running over all leading positions of {@code full}.
     */
    private static Tensor zipRow(Tensor full, Tensor row, DoubleBinaryOperator fn, boolean rowFirst) {
        Tensor out = full.zerosLike();
        int n = out.numel();
        int d = row.numel();
        float[] ff = full.floatData();
        if (ff != null) {
            float[] rf = row.floatData();
            float[] o = out.floatData();
            for (int base = 0; base < n; base += d) {
                for (int j = 0; j < d; j++) {
                    o[base + j] = (float) (rowFirst ? fn.applyAsDouble(rf[j], ff[base + j])
                            : fn.applyAsDouble(ff[base + j], rf[j]));
                }
            }
        } else {
            double[] fd = full.doubleData();
            double[] rd = row.doubleData();
            double[] o = out.doubleData();
            for (int base = 0; base < n; base += d) {
                for (int j = 0; j < d; j++) {
                    o[base + j] = rowFirst ? fn.applyAsDouble(rd[j], fd[base + j])
                            : fn.applyAsDouble(fd[base + j], rd[j]);
                }
            }
        }
        return out;
    }

    /**
     * The general broadcasting path of {@link #zip}: walks the output in flat order while stepping
     * each operand by its broadcast strides. Package-private so tests can compare the fast paths
     * against it.
     */
    static Tensor zipStrided(Tensor a, Tensor b, DoubleBinaryOperator fn, String op) {
        a.requireSameDType(b, op);
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] os = Shape.broadcast(as, bs, op);
        Tensor out = Tensor.zeros(a.dtype(), os);
        int n = out.numel();
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
        if (isRowOf(target, gs)) {
            return sumRows(g, target);
        }
        return sumToShapeStrided(g, target);
    }

    /** Column sums of {@code g} viewed as {@code [rows, D]}, accumulated in double, shaped {@code target}. */
    private static Tensor sumRows(Tensor g, int[] target) {
        Tensor out = Tensor.zeros(g.dtype(), target);
        int d = out.numel();
        int n = g.numel();
        double[] acc = new double[d];
        float[] gf = g.floatData();
        if (gf != null) {
            for (int base = 0; base < n; base += d) {
                for (int j = 0; j < d; j++) {
                    acc[j] += gf[base + j];
                }
            }
        } else {
            double[] gd = g.doubleData();
            for (int base = 0; base < n; base += d) {
                for (int j = 0; j < d; j++) {
                    acc[j] += gd[base + j];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            out.set(j, acc[j]);
        }
        return out;
    }

    /**
     * The general path of {@link #sumToShape} (shapes already validated): walks {@code g} in flat
     * order, stepping the target index by broadcast strides. Package-private for tests.
     */
    static Tensor sumToShapeStrided(Tensor g, int[] target) {
        int[] gs = g.shape();
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
