package org.flows4j.autodiff;

import java.util.Arrays;
import org.flows4j.tensor.kernel.Elementwise;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Ops that select, move or mask elements: concatenation, splitting, slicing, column gathering,
 * masked selection, cumulative sums and triangular masks, plus the non-differentiable bin search
 * used by spline transforms ({@link #searchsorted}, {@link #bucketize}).
 *
 * <p>Every differentiable op here is linear in its inputs, so its backward rule is the adjoint of
 * the forward copy: a copy backwards (concat, split, slice), a scatter-add (gather), a masked
 * route (where, tril, triu), or the reverse cumulative sum (cumsum). Axis-wise ops view a tensor
 * as {@code [outer, n, inner]} around the chosen axis and run strided block loops.
 */
public final class IndexOps {
    private IndexOps() {
    }

    /**
     * Joins {@code parts} along {@code axis} (negative counts from the end): every other axis must
     * agree, and the result's {@code axis} has the sum of the parts' sizes. Backward: part {@code p}
     * receives the slice of {@code g} at its own offset along {@code axis}.
     */
    public static Variable concat(int axis, Variable... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("concat: expected at least one part, got none");
        }
        Tensor first = parts[0].value();
        int rank = first.rank();
        int ax = Shape.axis(axis, rank, "concat");
        int[] shape = first.shape();
        int[] offsets = new int[parts.length];
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            Tensor t = parts[p].value();
            first.requireSameDType(t, "concat");
            int[] s = t.shape();
            shape[ax] = s.length == rank ? s[ax] : -1;
            if (!Arrays.equals(s, shape)) {
                throw new ShapeMismatchException("concat: part " + p + " has shape " + Shape.str(s)
                        + ", expected rank " + rank + " and the sizes of part 0 " + Shape.str(first.shape())
                        + " on every axis except axis " + ax);
            }
            offsets[p] = total;
            total += s[ax];
        }
        shape[ax] = total;
        int outer = outer(shape, ax);
        int inner = inner(shape, ax);
        Tensor out = first.zerosLike(shape);
        for (int p = 0; p < parts.length; p++) {
            int len = parts[p].size(ax) * inner;
            copyBlocks(parts[p].value(), 0, len, out, offsets[p] * inner, total * inner, len, outer);
        }
        int totalSize = total;
        return Variable.fromOp("concat", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int p = 0; p < parts.length; p++) {
                if (parts[p].requiresGrad()) {
                    int len = parts[p].size(ax) * inner;
                    grads[p] = g.zerosLike(parts[p].shape());
                    copyBlocks(g, offsets[p] * inner, totalSize * inner, grads[p], 0, len, len, outer);
                }
            }
            return grads;
        }, parts);
    }

    /**
     * Cuts {@code a} along {@code axis} into consecutive pieces of the given sizes, which must be
     * non-negative and sum to {@code a}'s size on that axis. Piece {@code p} equals
     * {@code slice(a, axis, s_0 + ... + s_{p-1}, s_0 + ... + s_p)} and has that backward rule.
     */
    public static Variable[] split(Variable a, int axis, int... sizes) {
        int ax = Shape.axis(axis, a.rank(), "split");
        int n = a.size(ax);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != n) {
            throw new ShapeMismatchException("split: sizes " + Arrays.toString(sizes) + " sum to " + sum
                    + ", expected the size " + n + " of axis " + ax + " of shape " + Shape.str(a.shape()));
        }
        Variable[] pieces = new Variable[sizes.length];
        int from = 0;
        for (int p = 0; p < sizes.length; p++) {
            pieces[p] = sliceOp("split", a, ax, from, from + sizes[p]);
            from += sizes[p];
        }
        return pieces;
    }

    /**
     * The elements of {@code a} with index in {@code [from, to)} along {@code axis}, where
     * {@code 0 <= from <= to <= size(axis)}. Backward: {@code g} copied into those positions of a
     * zero tensor of {@code a}'s shape.
     */
    public static Variable slice(Variable a, int axis, int from, int to) {
        int ax = Shape.axis(axis, a.rank(), "slice");
        int n = a.size(ax);
        if (from < 0 || from > to || to > n) {
            throw new IllegalArgumentException("slice: range [" + from + ", " + to + ") is not within [0, " + n
                    + "] with from <= to, on axis " + ax + " of shape " + Shape.str(a.shape()));
        }
        return sliceOp("slice", a, ax, from, to);
    }

    private static Variable sliceOp(String op, Variable a, int ax, int from, int to) {
        Tensor av = a.value();
        int[] shape = av.shape();
        int n = shape[ax];
        int outer = outer(shape, ax);
        int inner = inner(shape, ax);
        int len = (to - from) * inner;
        shape[ax] = to - from;
        Tensor out = av.zerosLike(shape);
        copyBlocks(av, from * inner, n * inner, out, 0, len, len, outer);
        return Variable.fromOp(op, out, g -> {
            Tensor ga = g.zerosLike(a.shape());
            copyBlocks(g, 0, len, ga, from * inner, n * inner, len, outer);
            return new Tensor[] {ga};
        }, a);
    }

    /**
     * Index-select along the last axis: {@code out[..., c] = a[..., columns[c]]}, so the result has
     * {@code a}'s shape with the last axis of size {@code columns.length}. Columns may repeat.
     * Backward: scatter-add, {@code ga[..., columns[c]] += g[..., c]}, so repeated columns accumulate.
     */
    public static Variable gather(Variable a, int[] columns) {
        Tensor av = a.value();
        if (av.rank() == 0) {
            throw new ShapeMismatchException("gather: expected a tensor of rank >= 1, got shape " + Shape.str(av.shape()));
        }
        int[] cols = columns.clone();
        int[] shape = av.shape();
        int last = shape.length - 1;
        int n = shape[last];
        for (int c = 0; c < cols.length; c++) {
            if (cols[c] < 0 || cols[c] >= n) {
                throw new IllegalArgumentException("gather: column index " + cols[c] + " at position " + c
                        + " is outside [0, " + n + ") for shape " + Shape.str(shape));
            }
        }
        int rows = outer(shape, last);
        int m = cols.length;
        shape[last] = m;
        Tensor out = av.zerosLike(shape);
        for (int r = 0; r < rows; r++) {
            int src = r * n;
            int dst = r * m;
            for (int c = 0; c < m; c++) {
                out.set(dst + c, av.get(src + cols[c]));
            }
        }
        return Variable.fromOp("gather", out, g -> {
            Tensor ga = g.zerosLike(a.shape());
            double[] acc = new double[n];
            for (int r = 0; r < rows; r++) {
                Arrays.fill(acc, 0.0);
                for (int c = 0; c < m; c++) {
                    acc[cols[c]] += g.get(r * m + c);
                }
                for (int j = 0; j < n; j++) {
                    ga.set(r * n + j, acc[j]);
                }
            }
            return new Tensor[] {ga};
        }, a);
    }

    /**
     * {@code out = mask != 0 ? a : b} element by element, over the broadcast shape of {@code mask},
     * {@code a} and {@code b} (a NaN mask entry counts as nonzero). {@code a} and {@code b} must
     * share a dtype, which the result takes; the mask may have either dtype. Backward:
     * {@code ga = sumToShape(g * [mask != 0])}, {@code gb = sumToShape(g * [mask == 0])}.
     */
    public static Variable where(Tensor mask, Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        av.requireSameDType(bv, "where");
        int[] shape;
        try {
            shape = Shape.broadcast(Shape.broadcast(mask.shape(), av.shape(), "where"), bv.shape(), "where");
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException("where: mask " + Shape.str(mask.shape()) + ", a " + Shape.str(av.shape())
                    + " and b " + Shape.str(bv.shape()) + " do not broadcast to a common shape");
        }
        int[] im = sourceIndex(mask.shape(), shape);
        int[] ia = sourceIndex(av.shape(), shape);
        int[] ib = sourceIndex(bv.shape(), shape);
        Tensor out = av.zerosLike(shape);
        boolean[] takeA = new boolean[out.numel()];
        for (int i = 0; i < takeA.length; i++) {
            takeA[i] = mask.get(im[i]) != 0.0;
            out.set(i, takeA[i] ? av.get(ia[i]) : bv.get(ib[i]));
        }
        return Variable.fromOp("where", out, g -> new Tensor[] {
            a.requiresGrad() ? Elementwise.sumToShape(route(g, takeA, true), a.shape()) : null,
            b.requiresGrad() ? Elementwise.sumToShape(route(g, takeA, false), b.shape()) : null}, a, b);
    }

    private static Tensor route(Tensor g, boolean[] takeA, boolean side) {
        Tensor out = g.zerosLike();
        for (int i = 0; i < takeA.length; i++) {
            if (takeA[i] == side) {
                out.set(i, g.get(i));
            }
        }
        return out;
    }

    /**
     * Cumulative sum along {@code axis}: {@code out[.., j, ..] = sum_{t <= j} a[.., t, ..]},
     * accumulated in double. Backward: the reverse cumulative sum,
     * {@code ga[.., j, ..] = sum_{t >= j} g[.., t, ..]}.
     */
    public static Variable cumsum(Variable a, int axis) {
        int ax = Shape.axis(axis, a.rank(), "cumsum");
        Tensor out = cumulate(a.value(), ax, false);
        return Variable.fromOp("cumsum", out, g -> new Tensor[] {cumulate(g, ax, true)}, a);
    }

    private static Tensor cumulate(Tensor x, int ax, boolean reverse) {
        int[] shape = x.shape();
        int n = shape[ax];
        int outer = outer(shape, ax);
        int inner = inner(shape, ax);
        Tensor out = x.zerosLike();
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            Arrays.fill(acc, 0.0);
            for (int t = 0; t < n; t++) {
                int j = reverse ? n - 1 - t : t;
                int base = (o * n + j) * inner;
                for (int i = 0; i < inner; i++) {
                    acc[i] += x.get(base + i);
                    out.set(base + i, acc[i]);
                }
            }
        }
        return out;
    }

    /**
     * Lower triangle of the last two axes: keeps {@code a[.., i, j]} where {@code j - i <= k} and
     * zeroes the rest ({@code k = 0} keeps the diagonal, {@code k < 0} drops it and the diagonals
     * below it), as NumPy's {@code tril}. Backward: {@code g} masked the same way.
     */
    public static Variable tril(Variable a, int k) {
        return triangle("tril", a, k, true);
    }

    /**
     * Upper triangle of the last two axes: keeps {@code a[.., i, j]} where {@code j - i >= k} and
     * zeroes the rest, as NumPy's {@code triu}. Backward: {@code g} masked the same way.
     */
    public static Variable triu(Variable a, int k) {
        return triangle("triu", a, k, false);
    }

    private static Variable triangle(String op, Variable a, int k, boolean lower) {
        if (a.rank() < 2) {
            throw new ShapeMismatchException(op + ": expected a tensor of rank >= 2, got shape " + Shape.str(a.shape()));
        }
        Tensor out = keepTriangle(a.value(), k, lower);
        return Variable.fromOp(op, out, g -> new Tensor[] {keepTriangle(g, k, lower)}, a);
    }

    private static Tensor keepTriangle(Tensor x, int k, boolean lower) {
        int[] shape = x.shape();
        int rows = shape[shape.length - 2];
        int cols = shape[shape.length - 1];
        int matrices = outer(shape, shape.length - 2);
        Tensor out = x.zerosLike();
        for (int mtx = 0; mtx < matrices; mtx++) {
            for (int i = 0; i < rows; i++) {
                long lo = lower ? 0 : Math.max(0L, (long) i + k);
                long hi = lower ? Math.min(cols, (long) i + k + 1) : cols;
                if (lo < hi) {
                    int pos = (mtx * rows + i) * cols + (int) lo;
                    copy(x, pos, out, pos, (int) (hi - lo));
                }
            }
        }
        return out;
    }

    /**
     * Insertion indices of {@code values} into ascending edges, as NumPy's {@code searchsorted}:
     * with {@code right == false} the count of edges {@code < v} (side 'left'), with
     * {@code right == true} the count of edges {@code <= v} (side 'right'), always in {@code [0, K]}.
     * {@code sorted} is either 1-D with {@code K} edges shared by every value, or has shape
     * {@code values.shape + [K]}, one row of edges per value. Returns one index per value in flat
     * order. A NaN value gets {@code K} (NaN sorts last, as in NumPy). Binary search, so
     * {@code O(numel(values) log K)}; the edges are not checked for order and the result is
     * unspecified if they are not ascending. Not differentiable.
     */
    public static int[] searchsorted(Tensor sorted, Tensor values, boolean right) {
        int[] ss = sorted.shape();
        int[] vs = values.shape();
        boolean shared = ss.length == 1;
        if (!shared && !(ss.length == vs.length + 1 && Arrays.equals(Arrays.copyOf(ss, vs.length), vs))) {
            int[] expected = Arrays.copyOf(vs, vs.length + 1);
            expected[vs.length] = ss.length == 0 ? 0 : ss[ss.length - 1];
            throw new ShapeMismatchException("searchsorted: sorted must be 1-D or have shape values.shape + [K] = "
                    + Shape.str(expected) + " for values " + Shape.str(vs) + ", got " + Shape.str(ss));
        }
        int k = ss[ss.length - 1];
        int n = values.numel();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = insertionIndex(sorted, shared ? 0 : i * k, k, values.get(i), right);
        }
        return out;
    }

    private static int insertionIndex(Tensor edges, int base, int k, double v, boolean right) {
        if (Double.isNaN(v)) {
            return k;
        }
        int lo = 0;
        int hi = k;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double e = edges.get(base + mid);
            if (right ? e <= v : e < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Bucket index of each value among 1-D ascending {@code boundaries}: the count of boundaries
     * strictly below the value, so {@code boundaries[i-1] < v <= boundaries[i]} gives {@code i}.
     * Same as {@code searchsorted(boundaries, values, false)}. Not differentiable.
     */
    public static int[] bucketize(Tensor values, Tensor boundaries) {
        boundaries.requireRank(1, "bucketize");
        return searchsorted(boundaries, values, false);
    }

    private static int outer(int[] shape, int ax) {
        int n = 1;
        for (int i = 0; i < ax; i++) {
            n *= shape[i];
        }
        return n;
    }

    private static int inner(int[] shape, int ax) {
        int n = 1;
        for (int i = ax + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** For each flat index of {@code out}, the flat index into a tensor of shape {@code in} broadcast to it. */
    private static int[] sourceIndex(int[] in, int[] out) {
        int n = Shape.numel(out);
        int[] src = new int[n];
        int[] st = Shape.broadcastStrides(in, out);
        int[] idx = new int[out.length];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            src[i] = pos;
            for (int ax = out.length - 1; ax >= 0; ax--) {
                idx[ax]++;
                pos += st[ax];
                if (idx[ax] < out[ax]) {
                    break;
                }
                pos -= st[ax] * out[ax];
                idx[ax] = 0;
            }
        }
        return src;
    }

    /**
     * Copies {@code count} blocks of {@code len} elements: block {@code o} goes from
     * {@code srcOff + o * srcStride} to {@code dstOff + o * dstStride}.
     */
    private static void copyBlocks(Tensor src, int srcOff, int srcStride, Tensor dst, int dstOff, int dstStride,
            int len, int count) {
        for (int o = 0; o < count; o++) {
            copy(src, srcOff + o * srcStride, dst, dstOff + o * dstStride, len);
        }
    }

    private static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int len) {
        if (len == 0) {
            return;
        }
        if (src.floatData() != null) {
            System.arraycopy(src.floatData(), srcPos, dst.floatData(), dstPos, len);
        } else {
            System.arraycopy(src.doubleData(), srcPos, dst.doubleData(), dstPos, len);
        }
    }
}
