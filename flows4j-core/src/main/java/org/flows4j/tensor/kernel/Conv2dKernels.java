package org.flows4j.tensor.kernel;

import java.util.Arrays;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * 2-D convolution (stride 1, symmetric zero padding {@code p}) of {@code x [N, Cin, H, W]} with
 * {@code w [Cout, Cin, kh, kw]}, on the blocked products of {@link MatMul}:
 * {@code y[n, o, i, j] = sum_{c, u, v} w[o, c, u, v] * x[n, c, i + u - p, j + v - p]} (zero outside
 * the image), {@code y [N, Cout, H', W']} with {@code H' = H + 2p - kh + 1}, {@code W' = W + 2p - kw + 1}.
 *
 * <p>Per image this is one product {@code Y_n [Cout, H'W'] = W [Cout, K] . col_n [K, H'W']} with
 * {@code K = Cin kh kw}, where {@code col_n[(c kh + u) kw + v, i W' + j] = x[n, c, i + u - p, j + v - p]}
 * (im2col). A 1x1 kernel without padding needs no col: {@code col_n = x_n}, and the whole batch is one
 * batched product sharing {@code W}. Otherwise the images are split across {@link Parallel}, each
 * thread expanding one image at a time into its own scratch, so memory stays at one col per thread.
 * With many input and few output channels (a conditioner's last layer, 128 to 4), im2col's copy of
 * {@code K H'W'} elements would cost more than the product itself; the forward pass then copies the
 * image once into a zero-padded plane and runs one product per kernel tap {@code (u, v)},
 * {@code W_uv [Cout, Cin] . xp} with {@code xp} read in place at an offset of {@code u (W + 2p) + v}:
 * it computes the whole padded plane ({@code (H+2p)(W+2p)} instead of {@code H'W'} columns, 1.3x the
 * flops at 14x14) and keeps the valid pixels. Its weight gradient likewise takes one product per tap,
 * {@code dW_uv^T [Cin, Cout] = xp_uv . G_n^T} (G spread over the padded plane), instead of im2col.
 *
 * <p>Backward, given {@code G = dL/dy}: {@code dW = sum_n G_n . col_n^T}, {@code db[o] = sum_{n, i, j} G[n, o, i, j]},
 * and {@code dx_n = col2im(W^T . G_n)} (the scatter-add inverse of im2col), or {@code W^T . G_n} directly
 * for a 1x1 kernel without padding. With fewer output than input channels (a conditioner's last
 * layer, 128 to 4) {@code dx_n} is instead the transposed convolution, {@code G_n} convolved with the
 * flipped kernel {@code W'[c, o, u, v] = W[o, c, kh-1-u, kw-1-v]} at padding {@code kh - 1 - p}: it
 * expands {@code Cout kh kw} rows of {@code G_n} instead of scattering {@code Cin kh kw} rows. The images are taken in fixed groups whose partial sums of
 * {@code dW} and {@code db} are added in group order, so results are bit-identical for any thread
 * count. Cost: {@code 2 N Cout K H'W'} flops forward, twice that backward, plus the im2col copies.
 *
 * <p>Thread safety: every call works on its own arrays and per-thread scratch (one col buffer of
 * {@code K H'W'} elements per thread, kept between calls like the matmul's packing buffers), so
 * calls from many threads at once are safe and give the same bits as one call.
 */
public final class Conv2dKernels {
    /** Fewest images in one group of the backward pass (one partial sum of dW per group). */
    static final int MIN_GROUP = 4;
    /** Most groups of the backward pass: bounds the memory of the partial sums of dW. */
    static final int MAX_GROUPS = 16;
    /** Fewest input channels for the forward pass by kernel taps (each tap is a product of depth Cin). */
    static final int SHIFT_MIN_IN = 32;
    /** Most output channels for the forward pass by kernel taps (beyond, im2col's copy is the smaller cost). */
    static final int SHIFT_MAX_OUT = 32;

    /**
     * Per-thread scratch of the current compute context ({@link ContextLocal}, freed when it closes): a few
     * arrays per dtype (a col, a col's gradient, a padded image), grown on demand.
     */
    private static final class Scratch {
        final float[][] floats = {new float[0], new float[0], new float[0]};
        final double[][] doubles = {new double[0], new double[0], new double[0]};

        Object get(boolean f32, int slot, int n) {
            if (f32) {
                if (floats[slot].length < n) {
                    floats[slot] = new float[n];
                }
                return floats[slot];
            }
            if (doubles[slot].length < n) {
                doubles[slot] = new double[n];
            }
            return doubles[slot];
        }
    }

    private static final ContextLocal<Scratch> SCRATCH = new ContextLocal<>(Scratch::new);

    private Conv2dKernels() {
    }

    /**
     * Checks the operands of a convolution and returns the output shape {@code [N, Cout, H', W']}.
     * {@code bias} may be null.
     *
     * @throws ShapeMismatchException naming the shapes when ranks, channels or sizes do not fit
     * @throws IllegalArgumentException when the dtypes differ or {@code padding} is negative
     */
    public static int[] outputShape(String op, Tensor x, Tensor weight, Tensor bias, int padding) {
        if (x.rank() != 4 || weight.rank() != 4) {
            throw new ShapeMismatchException(op + ": expected input [N, Cin, H, W] and weight [Cout, Cin, kh, kw], got input "
                    + Shape.str(x.shape()) + " and weight " + Shape.str(weight.shape()));
        }
        if (padding < 0) {
            throw new IllegalArgumentException(op + ": padding must be >= 0, got " + padding);
        }
        if (x.size(1) != weight.size(1)) {
            throw new ShapeMismatchException(op + ": input " + Shape.str(x.shape()) + " has " + x.size(1)
                    + " channels but weight " + Shape.str(weight.shape()) + " expects " + weight.size(1));
        }
        int ho = x.size(2) + 2 * padding - weight.size(2) + 1;
        int wo = x.size(3) + 2 * padding - weight.size(3) + 1;
        if (weight.size(2) < 1 || weight.size(3) < 1 || ho < 1 || wo < 1) {
            throw new ShapeMismatchException(op + ": kernel of weight " + Shape.str(weight.shape())
                    + " does not fit input " + Shape.str(x.shape()) + " with padding " + padding);
        }
        x.requireSameDType(weight, op);
        if (bias != null) {
            if (!bias.hasShape(weight.size(0))) {
                throw new ShapeMismatchException(op + ": bias shape " + Shape.str(bias.shape()) + ", expected ["
                        + weight.size(0) + "] for weight " + Shape.str(weight.shape()));
            }
            x.requireSameDType(bias, op);
        }
        return new int[] {x.size(0), weight.size(0), ho, wo};
    }

    /**
     * {@code out = conv(x, w)} without bias, then {@code epilogue} (may be null) on each finished block
     * of output rows, a row being one channel of one image: row {@code n * Cout + o} holds
     * {@code out[n, o, :, :]}, and the ranges of one call tile {@code [0, N * Cout)} exactly.
     *
     * @throws ShapeMismatchException if the operands do not fit or {@code out} has the wrong shape
     * @throws IllegalArgumentException if the dtypes differ or {@code out} shares storage with an input
     */
    public static void forward(Tensor x, Tensor w, int padding, Tensor out, MatMul.RowEpilogue epilogue) {
        int[] shape = outputShape("conv2d", x, w, null, padding);
        requireShape("conv2d", "output", out, shape);
        x.requireSameDType(out, "conv2d");
        if (data(out) == data(x) || data(out) == data(w)) {
            throw new IllegalArgumentException("conv2d: the output shares storage with an input");
        }
        Geometry g = new Geometry(x, w, padding);
        boolean f32 = x.dtype() == DType.FLOAT32;
        Object xa = data(x);
        Object wa = data(w);
        Object ya = data(out);
        if (g.pointwise()) {
            gemm(g.n, false, false, g.cout, g.cin, g.p, wa, 0, 0, xa, 0, g.imageIn(), ya, 0, g.imageOut(), false, epilogue);
            return;
        }
        if (g.shifted()) {
            Object taps = tapMajor(g, wa);
            Parallel.forRange(g.n, 2L * g.n * g.cout * g.k * g.p, (n0, n1) -> {
                Scratch s = SCRATCH.get();
                Object xp = s.get(f32, 0, g.cin * g.plane() + g.slack());
                Object yp = s.get(f32, 1, g.cout * g.plane());
                for (int n = n0; n < n1; n++) {
                    shiftedImage(g, xa, n, taps, xp, yp, ya);
                    if (epilogue != null) {
                        epilogue.apply(n * g.cout, (n + 1) * g.cout);
                    }
                }
            });
            return;
        }
        Parallel.forRange(g.n, 2L * g.n * g.cout * g.k * g.p, (n0, n1) -> {
            Object col = SCRATCH.get().get(f32, 0, g.k * g.p);
            for (int n = n0; n < n1; n++) {
                im2col(g, xa, n * g.imageIn(), col);
                int row0 = n * g.cout;
                gemm(1, false, false, g.cout, g.k, g.p, wa, 0, 0, col, 0, 0, ya, n * g.imageOut(), 0, false,
                        epilogue == null ? null : (from, to) -> epilogue.apply(row0 + from, row0 + to));
            }
        });
    }

    /**
     * Gradients of {@code y = conv(x, w) + b} given {@code gy = dL/dy}: writes {@code dx} (shape of
     * {@code x}), {@code dw} (shape of {@code w}) and {@code db} ({@code [Cout]}), each of which may be
     * null when not wanted; their previous contents are ignored.
     *
     * @throws ShapeMismatchException if a shape does not fit
     */
    public static void backward(Tensor x, Tensor w, int padding, Tensor gy, Tensor dx, Tensor dw, Tensor db) {
        int[] shape = outputShape("conv2d backward", x, w, db, padding);
        requireShape("conv2d backward", "output gradient", gy, shape);
        x.requireSameDType(gy, "conv2d backward");
        if (dx != null) {
            requireShape("conv2d backward", "input gradient", dx, x.shape());
            x.requireSameDType(dx, "conv2d backward");
        }
        if (dw != null) {
            requireShape("conv2d backward", "weight gradient", dw, w.shape());
            x.requireSameDType(dw, "conv2d backward");
        }
        Geometry g = new Geometry(x, w, padding);
        boolean f32 = x.dtype() == DType.FLOAT32;
        int groupSize = Math.max(MIN_GROUP, (g.n + MAX_GROUPS - 1) / MAX_GROUPS);
        int groups = (g.n + groupSize - 1) / groupSize;
        int wLen = g.cout * g.k;
        Object xa = data(x);
        Object wa = data(w);
        Object ga = data(gy);
        Object dxa = dx == null ? null : data(dx);
        Object dwParts = dw == null ? null : data(Tensor.scratch(x.dtype(), groups * wLen));
        double[] dbParts = db == null ? null : new double[groups * g.cout];
        Geometry gt = g.transposed();
        Object flipped = dx != null && g.transposedInputGradient() ? flipKernel(g, wa) : null;
        long work = 2L * g.n * g.cout * g.k * g.p * ((dx == null ? 0 : 1) + (dw == null ? 0 : 1));
        Parallel.forRange(groups, work, (g0, g1) -> {
            Scratch s = SCRATCH.get();
            boolean byTaps = dw != null && g.shifted();
            Object col = g.pointwise() || dw == null ? null
                    : byTaps ? s.get(f32, 0, g.cin * g.plane() + g.slack()) : s.get(f32, 0, g.k * g.p);
            Object gp = byTaps ? s.get(f32, 2, g.cout * g.plane()) : null;
            Object dcol = g.pointwise() || dx == null ? null
                    : s.get(f32, 1, flipped != null ? gt.k * gt.p : g.k * g.p);
            for (int grp = g0; grp < g1; grp++) {
                int first = grp * groupSize;
                for (int n = first; n < Math.min(first + groupSize, g.n); n++) {
                    int gOff = n * g.imageOut();
                    int xOff = n * g.imageIn();
                    if (dbParts != null) {
                        rowSums(ga, gOff, g.cout, g.p, dbParts, grp * g.cout);
                    }
                    if (byTaps) {
                        weightGradientByTaps(g, xa, xOff, ga, gOff, col, gp, dwParts, grp * wLen, n > first);
                    } else if (dwParts != null) {
                        Object b = xa;
                        int bOff = xOff;
                        if (col != null) {
                            im2col(g, xa, xOff, col);
                            b = col;
                            bOff = 0;
                        }
                        gemm(1, false, true, g.cout, g.p, g.k, ga, gOff, 0, b, bOff, 0, dwParts, grp * wLen, 0,
                                n > first, null);
                    }
                    if (dxa != null) {
                        if (g.pointwise()) {
                            gemm(1, true, false, g.cin, g.cout, g.p, wa, 0, 0, ga, gOff, 0, dxa, xOff, 0, false, null);
                        } else if (flipped != null) {
                            im2col(gt, ga, gOff, dcol);
                            gemm(1, false, false, gt.cout, gt.k, gt.p, flipped, 0, 0, dcol, 0, 0, dxa, xOff, 0, false, null);
                        } else {
                            gemm(1, true, false, g.k, g.cout, g.p, wa, 0, 0, ga, gOff, 0, dcol, 0, 0, false, null);
                            col2im(g, dcol, dxa, xOff);
                        }
                    }
                }
            }
        });
        if (dw != null && g.shifted()) {
            Object tapSum = data(Tensor.scratch(x.dtype(), wLen));
            sumParts(dwParts, groups, wLen, tapSum);
            fromTapMajorTransposed(g, tapSum, data(dw));
        } else if (dw != null) {
            sumParts(dwParts, groups, wLen, data(dw));
        }
        if (db != null) {
            for (int o = 0; o < g.cout; o++) {
                double sum = 0;
                for (int grp = 0; grp < groups; grp++) {
                    sum += dbParts[grp * g.cout + o];
                }
                db.set(o, sum);
            }
        }
    }

    /** {@code T[(u kw + v), o, c] = W[o, c, u, v]}: one {@code [Cout, Cin]} matrix per kernel tap. */
    private static Object tapMajor(Geometry g, Object w) {
        int kk = g.kh * g.kw;
        int len = g.cout * g.cin * kk;
        if (w instanceof float[]) {
            float[] src = (float[]) w;
            float[] out = new float[len];
            for (int i = 0; i < len; i++) {
                out[(i % kk * g.cout + i / (g.cin * kk)) * g.cin + i / kk % g.cin] = src[i];
            }
            return out;
        }
        double[] src = (double[]) w;
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[(i % kk * g.cout + i / (g.cin * kk)) * g.cin + i / kk % g.cin] = src[i];
        }
        return out;
    }

    /**
     * One image by kernel taps: copies {@code x_n} into the zero-padded {@code xp [Cin, (H+2p)(W+2p)]},
     * then for each tap {@code (u, v)} adds {@code T_uv . xp} shifted by {@code u (W+2p) + v} into
     * {@code yp [Cout, (H+2p)(W+2p)]}, whose element {@code i (W+2p) + j} is the output pixel {@code (i, j)}
     * for {@code i < H'}, {@code j < W'} (the rest is discarded); finally copies those pixels to {@code y_n}.
     */
    private static void shiftedImage(Geometry g, Object x, int n, Object taps, Object xp, Object yp, Object y) {
        int wp = g.w + 2 * g.pad;
        int plane = g.plane();
        padImage(g, x, n * g.imageIn(), xp);
        for (int t = 0; t < g.kh * g.kw; t++) {
            gemm(1, false, false, g.cout, g.cin, plane, taps, t * g.cout * g.cin, 0, xp, t / g.kw * wp + t % g.kw, 0,
                    yp, 0, 0, t > 0, null);
        }
        int out = n * g.imageOut();
        for (int o = 0; o < g.cout; o++) {
            for (int i = 0; i < g.ho; i++) {
                System.arraycopy(yp, o * plane + i * wp, y, out + (o * g.ho + i) * g.wo, g.wo);
            }
        }
    }

    /** {@code xp[c, (i + p) (W + 2p) + j + p] = x[c, i, j]}, zero elsewhere (including the slack). */
    private static void padImage(Geometry g, Object x, int xOff, Object xp) {
        int wp = g.w + 2 * g.pad;
        int len = g.cin * g.plane() + g.slack();
        if (xp instanceof float[]) {
            Arrays.fill((float[]) xp, 0, len, 0f);
        } else {
            Arrays.fill((double[]) xp, 0, len, 0.0);
        }
        for (int c = 0; c < g.cin; c++) {
            for (int i = 0; i < g.h; i++) {
                System.arraycopy(x, xOff + (c * g.h + i) * g.w, xp, c * g.plane() + (i + g.pad) * wp + g.pad, g.w);
            }
        }
    }

    /**
     * Adds (or, unless {@code accumulate}, writes) one image's weight gradient by kernel taps, in the
     * layout {@code D[(u kw + v), c, o]}: {@code D_uv [Cin, Cout] = xp_uv . G''^T}, where {@code xp_uv} is
     * the zero-padded image read in place at the tap's offset (as in the forward pass) and {@code G''}
     * is the output gradient spread over the padded plane ({@code G''[o, i (W+2p) + j] = G[o, i, j]},
     * zero at the discarded positions). No im2col, and only the small {@code G''} is packed.
     */
    private static void weightGradientByTaps(Geometry g, Object x, int xOff, Object gy, int gOff, Object xp, Object gp,
                                             Object d, int dOff, boolean accumulate) {
        int wp = g.w + 2 * g.pad;
        int plane = g.plane();
        padImage(g, x, xOff, xp);
        if (gp instanceof float[]) {
            Arrays.fill((float[]) gp, 0, g.cout * plane, 0f);
        } else {
            Arrays.fill((double[]) gp, 0, g.cout * plane, 0.0);
        }
        for (int o = 0; o < g.cout; o++) {
            for (int i = 0; i < g.ho; i++) {
                System.arraycopy(gy, gOff + (o * g.ho + i) * g.wo, gp, o * plane + i * wp, g.wo);
            }
        }
        for (int t = 0; t < g.kh * g.kw; t++) {
            gemm(1, false, true, g.cin, plane, g.cout, xp, t / g.kw * wp + t % g.kw, 0, gp, 0, 0,
                    d, dOff + t * g.cin * g.cout, 0, accumulate, null);
        }
    }

    /** {@code dw[o, c, u, v] = D[(u kw + v), c, o]}. */
    private static void fromTapMajorTransposed(Geometry g, Object d, Object dw) {
        int kk = g.kh * g.kw;
        for (int t = 0; t < kk; t++) {
            for (int c = 0; c < g.cin; c++) {
                for (int o = 0; o < g.cout; o++) {
                    System.arraycopy(d, (t * g.cin + c) * g.cout + o, dw, (o * g.cin + c) * kk + t, 1);
                }
            }
        }
    }

    /** {@code W'[c, o, u, v] = W[o, c, kh - 1 - u, kw - 1 - v]}: the kernel of the transposed convolution. */
    private static Object flipKernel(Geometry g, Object w) {
        int kk = g.kh * g.kw;
        int len = g.cout * g.cin * kk;
        Object out = w instanceof float[] ? new float[len] : new double[len];
        for (int o = 0; o < g.cout; o++) {
            for (int c = 0; c < g.cin; c++) {
                for (int t = 0; t < kk; t++) {
                    System.arraycopy(w, (o * g.cin + c) * kk + kk - 1 - t, out, (c * g.cout + o) * kk + t, 1);
                }
            }
        }
        return out;
    }

    private static void requireShape(String op, String what, Tensor t, int[] expected) {
        if (!t.hasShape(expected)) {
            throw new ShapeMismatchException(op + ": " + what + " has shape " + Shape.str(t.shape()) + ", expected "
                    + Shape.str(expected));
        }
    }

    /** Sizes of one convolution. */
    private static final class Geometry {
        final int n;
        final int cin;
        final int h;
        final int w;
        final int cout;
        final int kh;
        final int kw;
        final int pad;
        final int ho;
        final int wo;
        final int k;
        final int p;

        Geometry(Tensor x, Tensor weight, int padding) {
            this(x.size(0), x.size(1), x.size(2), x.size(3), weight.size(0), weight.size(2), weight.size(3), padding);
        }

        Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int pad) {
            this.n = n;
            this.cin = cin;
            this.h = h;
            this.w = w;
            this.cout = cout;
            this.kh = kh;
            this.kw = kw;
            this.pad = pad;
            ho = h + 2 * pad - kh + 1;
            wo = w + 2 * pad - kw + 1;
            k = cin * kh * kw;
            p = ho * wo;
        }

        /**
         * The convolution that maps an output gradient to the input gradient: channels swapped, the
         * kernel flipped, padding {@code k - 1 - pad}, so its output has the input's size.
         */
        Geometry transposed() {
            return new Geometry(n, cout, ho, wo, cin, kh, kw, kh - 1 - pad);
        }

        /**
         * Whether the input gradient is cheaper as the transposed convolution (expanding the output
         * gradient, {@code Cout k^2} rows) than as col2im of {@code W^T G} ({@code Cin k^2} rows): with
         * fewer output than input channels, for a square kernel and padding at most {@code k - 1}.
         */
        boolean transposedInputGradient() {
            return !pointwise() && cout < cin && kh == kw && pad <= kh - 1;
        }

        boolean pointwise() {
            return kh == 1 && kw == 1 && pad == 0;
        }

        /** Whether the forward pass runs as one product per kernel tap on the padded image (see the class doc). */
        boolean shifted() {
            return !pointwise() && cin >= SHIFT_MIN_IN && cout <= SHIFT_MAX_OUT;
        }

        /** Elements of one padded channel plane, {@code (H + 2p) (W + 2p)}. */
        int plane() {
            return (h + 2 * pad) * (w + 2 * pad);
        }

        /** Elements the last tap reads past the end of the padded image. */
        int slack() {
            return (kh - 1) * (w + 2 * pad) + kw - 1;
        }

        int imageIn() {
            return cin * h * w;
        }

        int imageOut() {
            return cout * p;
        }
    }

    private static Object data(Tensor t) {
        return t.dtype() == DType.FLOAT32 ? t.floatData() : t.doubleData();
    }

    private static void gemm(int batch, boolean ta, boolean tb, int n, int k, int m, Object a, int aOff, int aStride,
                             Object b, int bOff, int bStride, Object c, int cOff, int cStride, boolean accumulate,
                             MatMul.RowEpilogue epilogue) {
        if (a instanceof float[]) {
            MatMul.gemm(batch, ta, tb, n, k, m, (float[]) a, aOff, aStride, (float[]) b, bOff, bStride,
                    (float[]) c, cOff, cStride, accumulate, epilogue);
        } else {
            MatMul.gemm(batch, ta, tb, n, k, m, (double[]) a, aOff, aStride, (double[]) b, bOff, bStride,
                    (double[]) c, cOff, cStride, accumulate, epilogue);
        }
    }

    /**
     * The first and last output column {@code j} (exclusive) of kernel column {@code v} that read inside
     * the image: {@code 0 <= j + v - pad < w}.
     */
    private static int firstInside(Geometry g, int v) {
        return Math.min(g.wo, Math.max(0, g.pad - v));
    }

    private static int endInside(Geometry g, int v) {
        return Math.max(firstInside(g, v), Math.min(g.wo, g.w + g.pad - v));
    }

    /**
     * {@code col[(c kh + u) kw + v, i W' + j] = x[c, i + u - pad, j + v - pad]}, zero outside the image; {@code x}
     * and {@code col} are both {@code float[]} or both {@code double[]} (copies and zero fills only, so one body
     * serves both element types).
     */
    private static void im2col(Geometry g, Object x, int xOff, Object col) {
        int row = 0;
        for (int c = 0; c < g.cin; c++) {
            int plane = xOff + c * g.h * g.w;
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++, row++) {
                    int j0 = firstInside(g, v);
                    int j1 = endInside(g, v);
                    int dst = row * g.p;
                    for (int i = 0; i < g.ho; i++, dst += g.wo) {
                        int iy = i + u - g.pad;
                        if (iy < 0 || iy >= g.h) {
                            zero(col, dst, dst + g.wo);
                            continue;
                        }
                        zero(col, dst, dst + j0);
                        System.arraycopy(x, plane + iy * g.w + j0 + v - g.pad, col, dst + j0, j1 - j0);
                        zero(col, dst + j1, dst + g.wo);
                    }
                }
            }
        }
    }

    private static void zero(Object a, int from, int to) {
        if (a instanceof float[] f) {
            Arrays.fill(f, from, to, 0f);
        } else {
            Arrays.fill((double[]) a, from, to, 0.0);
        }
    }

    /**
     * {@code dx[c, i + u - pad, j + v - pad] += dcol[(c kh + u) kw + v, i W' + j]} over the positions inside
     * the image, after zeroing the image's {@code dx}; rows in increasing order, so each element's
     * sum has a fixed order.
     */
    private static void col2im(Geometry g, Object dcol, Object dx, int dxOff) {
        if (dx instanceof float[]) {
            col2im(g, (float[]) dcol, (float[]) dx, dxOff);
        } else {
            col2im(g, (double[]) dcol, (double[]) dx, dxOff);
        }
    }

    private static void col2im(Geometry g, float[] dcol, float[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + g.imageIn(), 0f);
        int row = 0;
        for (int c = 0; c < g.cin; c++) {
            int plane = dxOff + c * g.h * g.w;
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++, row++) {
                    int j0 = firstInside(g, v);
                    int len = endInside(g, v) - j0;
                    for (int i = 0; i < g.ho; i++) {
                        int iy = i + u - g.pad;
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int src = row * g.p + i * g.wo + j0;
                        int dst = plane + iy * g.w + j0 + v - g.pad;
                        for (int j = 0; j < len; j++) {
                            dx[dst + j] += dcol[src + j];
                        }
                    }
                }
            }
        }
    }

    private static void col2im(Geometry g, double[] dcol, double[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + g.imageIn(), 0.0);
        int row = 0;
        for (int c = 0; c < g.cin; c++) {
            int plane = dxOff + c * g.h * g.w;
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++, row++) {
                    int j0 = firstInside(g, v);
                    int len = endInside(g, v) - j0;
                    for (int i = 0; i < g.ho; i++) {
                        int iy = i + u - g.pad;
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int src = row * g.p + i * g.wo + j0;
                        int dst = plane + iy * g.w + j0 + v - g.pad;
                        for (int j = 0; j < len; j++) {
                            dx[dst + j] += dcol[src + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code out[outOff + r] += sum_j a[off + r*len + j]} for {@code r < rows}, in float64 with four
     * interleaved partial sums (a fixed order, so the same bits every time).
     */
    private static void rowSums(Object a, int off, int rows, int len, double[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * len;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            if (a instanceof float[]) {
                float[] f = (float[]) a;
                for (; j <= len - 4; j += 4) {
                    s0 += f[base + j];
                    s1 += f[base + j + 1];
                    s2 += f[base + j + 2];
                    s3 += f[base + j + 3];
                }
                for (; j < len; j++) {
                    s0 += f[base + j];
                }
            } else {
                double[] d = (double[]) a;
                for (; j <= len - 4; j += 4) {
                    s0 += d[base + j];
                    s1 += d[base + j + 1];
                    s2 += d[base + j + 2];
                    s3 += d[base + j + 3];
                }
                for (; j < len; j++) {
                    s0 += d[base + j];
                }
            }
            out[outOff + r] += (s0 + s1) + (s2 + s3);
        }
    }

    /** {@code out = parts[0] + parts[1] + ...}, each part {@code len} long, added in order. */
    private static void sumParts(Object parts, int count, int len, Object out) {
        System.arraycopy(parts, 0, out, 0, len);
        if (out instanceof float[]) {
            float[] o = (float[]) out;
            float[] p = (float[]) parts;
            for (int q = 1; q < count; q++) {
                for (int i = 0; i < len; i++) {
                    o[i] += p[q * len + i];
                }
            }
        } else {
            double[] o = (double[]) out;
            double[] p = (double[]) parts;
            for (int q = 1; q < count; q++) {
                for (int i = 0; i < len; i++) {
                    o[i] += p[q * len + i];
                }
            }
        }
    }
}
