package org.flows4j.tensor;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major array of rank 0–4 holding float32 or float64 values.
 *
 * <p>Element {@code (i0, ..., ik)} of a tensor with shape {@code (n0, ..., nk)} lives at flat index
 * {@code sum_j ij * prod_{m>j} nm}. Exactly one of {@link #floatData()} and {@link #doubleData()} is
 * non-null, matching {@link #dtype()}.
 *
 * <p>Tensors are treated as values: ops return new tensors and never change their inputs. The
 * {@code *InPlace} methods are the exceptions, for optimizers and gradient accumulation, and are
 * named so. {@link #reshape(int...)} shares storage with the original.
 *
 * <p>Costs: creation allocates {@code numel * dtype.bytes()} bytes; views by reshape are free.
 */
public final class Tensor {
    /** Highest rank supported. */
    public static final int MAX_RANK = 4;

    private final DType dtype;
    private final int[] shape;
    private final float[] f;
    private final double[] d;

    private Tensor(DType dtype, int[] shape, float[] f, double[] d) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds the maximum " + MAX_RANK
                    + " (shape " + Shape.str(shape) + ")");
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.f = f;
        this.d = d;
        int n = Shape.numel(shape);
        int len = f != null ? f.length : d.length;
        if (len != n) {
            throw new IllegalArgumentException("data has " + len + " elements but shape " + Shape.str(shape)
                    + " needs " + n);
        }
    }

    // ---- creation ----

    /** Wraps (does not copy) {@code data} as a float32 tensor of the given shape. */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(DType.FLOAT32, shape, data, null);
    }

    /** Wraps (does not copy) {@code data} as a float64 tensor of the given shape. */
    public static Tensor wrap(double[] data, int... shape) {
        return new Tensor(DType.FLOAT64, shape, null, data);
    }

    /** A copy of {@code data} as a float32 tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A copy of {@code data} as a float64 tensor of the given shape. */
    public static Tensor of(double[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A float64 {@code [rows, cols]} tensor from a rectangular matrix. */
    public static Tensor of(double[][] rows) {
        int n = rows.length;
        int m = checkRectangular(n, n == 0 ? 0 : rows[0].length, rows);
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, out, i * m, m);
        }
        return wrap(out, n, m);
    }

    /** A float32 {@code [rows, cols]} tensor from a rectangular matrix. */
    public static Tensor of(float[][] rows) {
        int n = rows.length;
        int m = checkRectangular(n, n == 0 ? 0 : rows[0].length, rows);
        float[] out = new float[n * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, out, i * m, m);
        }
        return wrap(out, n, m);
    }

    private static int checkRectangular(int n, int m, Object[] rows) {
        for (int i = 0; i < n; i++) {
            int len = rows[i] instanceof double[] ? ((double[]) rows[i]).length : ((float[]) rows[i]).length;
            if (len != m) {
                throw new IllegalArgumentException("matrix is not rectangular: row 0 has " + m
                        + " columns, row " + i + " has " + len);
            }
        }
        return m;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        return dtype == DType.FLOAT32 ? wrap(BufferPool.floats(n, true), shape) : wrap(BufferPool.doubles(n, true), shape);
    }

    /**
     * A tensor of the given shape whose contents are unspecified, for a caller that writes every
     * element before reading any: zeros when freshly allocated, stale values when the array comes
     * from a {@link BufferPool} bound to this thread (which then skips the zero fill).
     */
    public static Tensor scratch(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        return dtype == DType.FLOAT32 ? wrap(BufferPool.floats(n, false), shape)
                : wrap(BufferPool.doubles(n, false), shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        t.fillInPlace(value);
        return t;
    }

    /** A tensor of ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /** Independent standard normal entries drawn in flat order from {@code rng}. */
    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.set(i, rng.nextGaussian());
        }
        return t;
    }

    /** Independent uniform entries on {@code [lo, hi)} drawn in flat order from {@code rng}. */
    public static Tensor rand(Rng rng, DType dtype, double lo, double hi, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.set(i, lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /** A tensor of zeros with this tensor's dtype and the given shape. */
    public Tensor zerosLike(int... newShape) {
        return zeros(dtype, newShape);
    }

    /** A tensor of zeros with this tensor's dtype and shape. */
    public Tensor zerosLike() {
        return zeros(dtype, shape);
    }

    // ---- properties ----

    /** Element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of {@code axis} (negative counts from the end). */
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length, "size")];
    }

    /** Number of axes. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return f != null ? f.length : d.length;
    }

    /** Whether this tensor's shape equals {@code other}. */
    public boolean hasShape(int... other) {
        return Arrays.equals(shape, other);
    }

    /** The backing float array (float32 only, else null). Kernels read and write it directly. */
    public float[] floatData() {
        return f;
    }

    /** The backing double array (float64 only, else null). Kernels read and write it directly. */
    public double[] doubleData() {
        return d;
    }

    // ---- element access ----

    /** Element at flat index {@code i}, widened to double. */
    public double get(int i) {
        return f != null ? f[i] : d[i];
    }

    /** Element at the given multi-index. */
    public double at(int... index) {
        return get(flatIndex(index));
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: expected a one-element tensor, got shape " + Shape.str(shape));
        }
        return get(0);
    }

    /** Sets flat element {@code i} (rounded to float for float32). Mutates this tensor. */
    public void set(int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length
                    + " but the tensor has shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int j = 0; j < index.length; j++) {
            if (index[j] < 0 || index[j] >= shape[j]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape "
                        + Shape.str(shape));
            }
            flat = flat * shape[j] + index[j];
        }
        return flat;
    }

    // ---- conversions ----

    /** A view with a new shape and the same elements in the same order (shares storage). */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        int known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one axis may be -1, got " + Shape.str(newShape));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new ShapeMismatchException("reshape", shape, newShape);
            }
            s[infer] = numel() / known;
        }
        if (Shape.numel(s) != numel()) {
            throw new ShapeMismatchException("reshape", shape, newShape);
        }
        return new Tensor(dtype, s, f, d);
    }

    /** A deep copy. */
    public Tensor copy() {
        return f != null ? wrap(f.clone(), shape) : wrap(d.clone(), shape);
    }

    /**
     * A copy in {@link #scratch} storage: from the {@link BufferPool} bound to this thread when there is
     * one (then valid only until that pool's {@code reclaim()}), otherwise a fresh array. For the
     * engine's temporaries, such as the gradients a training shard collects before they are merged.
     */
    public Tensor scratchCopy() {
        Tensor c = scratch(dtype, shape);
        if (f != null) {
            System.arraycopy(f, 0, c.f, 0, f.length);
        } else {
            System.arraycopy(d, 0, c.d, 0, d.length);
        }
        return c;
    }

    /** A copy of rows {@code [from, to)} along the first axis. */
    public Tensor rows(int from, int to) {
        if (rank() < 1 || from < 0 || to < from || to > shape[0]) {
            throw new IllegalArgumentException("rows: expected 0 <= from <= to <= " + (rank() < 1 ? 0 : shape[0])
                    + " for shape " + Shape.str(shape) + ", got [" + from + ", " + to + ")");
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int row = numel() / Math.max(shape[0], 1);
        return f != null ? wrap(Arrays.copyOfRange(f, from * row, to * row), s)
                : wrap(Arrays.copyOfRange(d, from * row, to * row), s);
    }

    /** Copies all rows of {@code src} (same dtype and row shape) into this tensor's rows from {@code at} on. */
    public void setRows(int at, Tensor src) {
        requireSameDType(src, "setRows");
        int row = numel() / Math.max(shape[0], 1);
        if (src.rank() != rank() || src.numel() != src.shape[0] * row || at < 0 || at + src.shape[0] > shape[0]) {
            throw new ShapeMismatchException("setRows: cannot place rows of shape " + Shape.str(src.shape) + " at row "
                    + at + " of a tensor of shape " + Shape.str(shape));
        }
        if (f != null) {
            System.arraycopy(src.f, 0, f, at * row, src.numel());
        } else {
            System.arraycopy(src.d, 0, d, at * row, src.numel());
        }
    }

    /** This tensor converted to {@code target} (itself if already of that type). */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        int n = numel();
        if (target == DType.FLOAT64) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
            return wrap(out, shape);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) d[i];
        }
        return wrap(out, shape);
    }

    /** All elements, widened to double, in flat order (a copy). */
    public double[] toDoubleArray() {
        return to(DType.FLOAT64) == this ? d.clone() : to(DType.FLOAT64).d;
    }

    /** All elements, rounded to float, in flat order (a copy). */
    public float[] toFloatArray() {
        return to(DType.FLOAT32) == this ? f.clone() : to(DType.FLOAT32).f;
    }

    /** A rank-2 tensor as {@code double[rows][cols]}. */
    public double[][] toDoubleMatrix() {
        requireRank(2, "toDoubleMatrix");
        double[] flat = toDoubleArray();
        double[][] out = new double[shape[0]][];
        for (int i = 0; i < shape[0]; i++) {
            out[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
        }
        return out;
    }

    /** A rank-2 tensor as {@code float[rows][cols]}. */
    public float[][] toFloatMatrix() {
        requireRank(2, "toFloatMatrix");
        float[] flat = toFloatArray();
        float[][] out = new float[shape[0]][];
        for (int i = 0; i < shape[0]; i++) {
            out[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
        }
        return out;
    }

    /** Throws unless this tensor has rank {@code r}; the message names the op and the actual shape. */
    public void requireRank(int r, String op) {
        if (shape.length != r) {
            throw new ShapeMismatchException(op + ": expected a rank-" + r + " tensor, got shape " + Shape.str(shape));
        }
    }

    /** True if any element is NaN or infinite. */
    public boolean hasNonFinite() {
        int n = numel();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(get(i))) {
                return true;
            }
        }
        return false;
    }

    // ---- in-place updates (for optimizers and gradient accumulation) ----

    /** Sets every element to {@code v}. */
    public void fillInPlace(double v) {
        if (f != null) {
            Arrays.fill(f, (float) v);
        } else {
            Arrays.fill(d, v);
        }
    }

    /** {@code this += alpha * other}, element by element; shapes must match exactly. */
    public void addInPlace(Tensor other, double alpha) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new ShapeMismatchException("addInPlace", shape, other.shape);
        }
        requireSameDType(other, "addInPlace");
        int n = numel();
        if (f != null) {
            float a = (float) alpha;
            for (int i = 0; i < n; i++) {
                f[i] += a * other.f[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                d[i] += alpha * other.d[i];
            }
        }
    }

    /** {@code this *= alpha}. */
    public void scaleInPlace(double alpha) {
        int n = numel();
        if (f != null) {
            float a = (float) alpha;
            for (int i = 0; i < n; i++) {
                f[i] *= a;
            }
        } else {
            for (int i = 0; i < n; i++) {
                d[i] *= alpha;
            }
        }
    }

    /** Copies {@code other}'s elements into this tensor; shapes and dtypes must match. */
    public void copyFrom(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new ShapeMismatchException("copyFrom", shape, other.shape);
        }
        requireSameDType(other, "copyFrom");
        if (f != null) {
            System.arraycopy(other.f, 0, f, 0, f.length);
        } else {
            System.arraycopy(other.d, 0, d, 0, d.length);
        }
    }

    /** Throws unless {@code other} has this tensor's dtype; the message names the op and both dtypes. */
    public void requireSameDType(Tensor other, String op) {
        if (other.dtype != dtype) {
            throw new IllegalArgumentException(op + ": dtypes differ, " + dtype + " and " + other.dtype
                    + " (convert one with to(DType))");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(", ").append(Shape.str(shape)).append(", [");
        int n = Math.min(numel(), 16);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(numel() > n ? ", ...])" : "])").toString();
    }
}
