package org.flows4j.tensor.kernel;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Dense matrix products {@code C = op(A) . op(B)} (or {@code C += op(A) . op(B)}) for float32 and
 * float64, where {@code op(X)} is {@code X} or its transpose {@code X^T}:
 * {@code C[i,j] = sum_p op(A)[i,p] * op(B)[p,j]}, summed in increasing {@code p}. The transposed
 * forms are what backward passes need ({@code dA = G B^T}, {@code dB = A^T G}) and what a linear
 * layer computes ({@code x W^T}); no transposed copy is ever made.
 *
 * <p>Batched products apply this to every item of a batch ({@code [B,n,k] . [B,k,m]}), and an
 * operand of rank 2 is shared by all items ({@code [B,n,k] . [k,m]}).
 *
 * <p>Implementation: cache blocking and packing in {@code GemmDriver}, register-blocked
 * micro-kernels on the Vector API when module {@code jdk.incubator.vector} is in the boot layer
 * ({@code VectorMatMul}), else a scalar blocked kernel ({@link ScalarMatMul}); set system property
 * {@code flows4j.vector=false} to force the scalar kernels. The two agree to float rounding (the
 * vector kernels fuse multiply and add, the scalar ones round the product first). Large products
 * split their output rows across {@link Parallel}; results are bit-identical for any thread count.
 * Cost: {@code 2 n k m} flops per batch item.
 */
public final class MatMul {
    /**
     * Work to run on a block of finished output rows, on the thread that computed them, while they
     * are still in cache (for example adding a bias and applying an activation).
     */
    @FunctionalInterface
    public interface RowEpilogue {
        /**
         * Called once for every finished row range; rows are numbered across the batch
         * ({@code item * n + row}) and the ranges of one call tile {@code [0, batch * n)} exactly.
         */
        void apply(int from, int to);
    }

    private static final GemmKernel KERNEL = selectKernel();

    private MatMul() {
    }

    private static GemmKernel selectKernel() {
        return VectorModule.load("org.flows4j.tensor.kernel.VectorMatMul", GemmKernel.class, ScalarMatMul.INSTANCE);
    }

    /** Whether the Vector API kernels are in use. */
    public static boolean vectorized() {
        return KERNEL != ScalarMatMul.INSTANCE;
    }

    /** A description of the kernels in use, for reports. */
    public static String kernelName() {
        return KERNEL.name();
    }

    /** The kernels in use (tests compare them with the scalar ones). */
    static GemmKernel kernel() {
        return KERNEL;
    }

    // ---- tensor API ----

    /** {@code a . b}: {@code [n,k] . [k,m] -> [n,m]}, batched as described for {@link #matmul(Tensor, boolean, Tensor, boolean)}. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    /**
     * {@code op(a) . op(b)} as a new tensor. Operands have rank 2 or 3; the transpose flags act on
     * the last two axes. Two rank-3 operands need equal batch sizes; a rank-2 operand is shared by
     * every batch item. The result is {@code [n, m]} for two matrices, else {@code [B, n, m]}.
     *
     * @throws ShapeMismatchException if the inner sizes or batch sizes differ (the message names both shapes)
     * @throws IllegalArgumentException if the dtypes differ
     */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        Dims d = dims("matmul", a, transA, b, transB);
        Tensor c = Tensor.scratch(a.dtype(), d.outShape());
        run(a, transA, b, transB, c, false, null, d);
        return c;
    }

    /**
     * {@code c = op(a) . op(b)}, or {@code c += op(a) . op(b)} when {@code accumulate}, then
     * {@code epilogue} (may be null) on each finished block of rows. Shapes as for
     * {@link #matmul(Tensor, boolean, Tensor, boolean)}; {@code c} must have the result's shape and
     * dtype and must not share storage with {@code a} or {@code b}.
     */
    public static void matmulInto(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate,
                                  RowEpilogue epilogue) {
        Dims d = dims("matmulInto", a, transA, b, transB);
        if (!c.hasShape(d.outShape())) {
            throw new ShapeMismatchException("matmulInto: output has shape " + Shape.str(c.shape()) + ", expected "
                    + Shape.str(d.outShape()) + " for " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        a.requireSameDType(c, "matmulInto");
        Object cData = c.dtype() == DType.FLOAT32 ? c.floatData() : c.doubleData();
        if (cData == a.floatData() || cData == a.doubleData() || cData == b.floatData() || cData == b.doubleData()) {
            throw new IllegalArgumentException("matmulInto: the output shares storage with an input");
        }
        run(a, transA, b, transB, c, accumulate, epilogue, d);
    }

    private record Dims(int batch, int n, int k, int m, boolean aBatched, boolean bBatched, boolean outBatched) {
        int[] outShape() {
            return outBatched ? new int[] {batch, n, m} : new int[] {n, m};
        }
    }

    private static String operand(String name, Tensor t, boolean trans) {
        return name + " " + Shape.str(t.shape()) + (trans ? " (transposed)" : "");
    }

    private static Dims dims(String op, Tensor a, boolean transA, Tensor b, boolean transB) {
        a.requireSameDType(b, op);
        int ra = a.rank();
        int rb = b.rank();
        if (ra < 2 || ra > 3 || rb < 2 || rb > 3) {
            throw new ShapeMismatchException(op + ": operands must have rank 2 or 3, got "
                    + operand("A", a, transA) + " and " + operand("B", b, transB));
        }
        int n = transA ? a.size(-1) : a.size(-2);
        int k = transA ? a.size(-2) : a.size(-1);
        int kb = transB ? b.size(-1) : b.size(-2);
        int m = transB ? b.size(-2) : b.size(-1);
        if (k != kb) {
            throw new ShapeMismatchException(op + ": inner sizes differ, " + operand("A", a, transA) + " has " + k
                    + " columns but " + operand("B", b, transB) + " has " + kb + " rows");
        }
        if (ra == 3 && rb == 3 && a.size(0) != b.size(0)) {
            throw new ShapeMismatchException(op + ": batch sizes differ, " + operand("A", a, transA) + " and "
                    + operand("B", b, transB));
        }
        int batch = ra == 3 ? a.size(0) : rb == 3 ? b.size(0) : 1;
        return new Dims(batch, n, k, m, ra == 3, rb == 3, ra == 3 || rb == 3);
    }

    private static void run(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate,
                            RowEpilogue epilogue, Dims d) {
        int batch = d.batch();
        int n = d.n();
        if (d.aBatched() && !d.bBatched() && !transA) {
            batch = 1;
            n = d.batch() * d.n();
        }
        int aStride = d.aBatched() ? d.n() * d.k() : 0;
        int bStride = d.bBatched() ? d.k() * d.m() : 0;
        int cStride = d.n() * d.m();
        if (a.dtype() == DType.FLOAT32) {
            GemmDriver.run(KERNEL, batch, transA, transB, n, d.k(), d.m(), a.floatData(), 0, aStride,
                    b.floatData(), 0, bStride, c.floatData(), 0, cStride, accumulate, epilogue);
        } else {
            GemmDriver.run(KERNEL, batch, transA, transB, n, d.k(), d.m(), a.doubleData(), 0, aStride,
                    b.doubleData(), 0, bStride, c.doubleData(), 0, cStride, accumulate, epilogue);
        }
    }

    // ---- array API ----

    /**
     * Batched float32 product on raw row-major arrays: for every item {@code t < batch},
     * {@code C_t = op(A_t) . op(B_t)} (or {@code +=} when {@code accumulate}), where {@code A_t}
     * starts at {@code aOff + t*aStride} and is {@code [n,k]} ({@code [k,n]} stored when
     * {@code transA}), {@code B_t} starts at {@code bOff + t*bStride} and is {@code [k,m]}
     * ({@code [m,k]} when {@code transB}), {@code C_t} starts at {@code cOff + t*cStride} and is
     * {@code [n,m]}. A stride of 0 shares the operand across the batch. {@code epilogue} may be null.
     *
     * @throws IllegalArgumentException if a size is negative, an array is too short, C items overlap,
     *                                  or C is the same array as A or B
     */
    public static void gemm(int batch, boolean transA, boolean transB, int n, int k, int m,
                            float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                            float[] c, int cOff, int cStride, boolean accumulate, RowEpilogue epilogue) {
        gemm(KERNEL, batch, transA, transB, n, k, m, a, aOff, aStride, b, bOff, bStride, c, cOff, cStride,
                accumulate, epilogue);
    }

    /** The float64 form of {@link #gemm(int, boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean, RowEpilogue)}. */
    public static void gemm(int batch, boolean transA, boolean transB, int n, int k, int m,
                            double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                            double[] c, int cOff, int cStride, boolean accumulate, RowEpilogue epilogue) {
        gemm(KERNEL, batch, transA, transB, n, k, m, a, aOff, aStride, b, bOff, bStride, c, cOff, cStride,
                accumulate, epilogue);
    }

    /** {@link #gemm(int, boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean, RowEpilogue)} with the given kernels. */
    static void gemm(GemmKernel kern, int batch, boolean transA, boolean transB, int n, int k, int m,
                     float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int cStride, boolean accumulate, RowEpilogue epilogue) {
        check(batch, n, k, m, a.length, aOff, aStride, b.length, bOff, bStride, c.length, cOff, cStride, a == c || b == c);
        if (batch > 0 && n > 0) {
            GemmDriver.run(kern, batch, transA, transB, n, k, m, a, aOff, aStride, b, bOff, bStride,
                    c, cOff, cStride, accumulate, epilogue);
        }
    }

    /** The float64 form of {@link #gemm(GemmKernel, int, boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean, RowEpilogue)}. */
    static void gemm(GemmKernel kern, int batch, boolean transA, boolean transB, int n, int k, int m,
                     double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                     double[] c, int cOff, int cStride, boolean accumulate, RowEpilogue epilogue) {
        check(batch, n, k, m, a.length, aOff, aStride, b.length, bOff, bStride, c.length, cOff, cStride, a == c || b == c);
        if (batch > 0 && n > 0) {
            GemmDriver.run(kern, batch, transA, transB, n, k, m, a, aOff, aStride, b, bOff, bStride,
                    c, cOff, cStride, accumulate, epilogue);
        }
    }

    private static void check(int batch, int n, int k, int m, int aLen, int aOff, int aStride, int bLen, int bOff,
                              int bStride, int cLen, int cOff, int cStride, boolean aliased) {
        if (batch < 0 || n < 0 || k < 0 || m < 0 || aOff < 0 || bOff < 0 || cOff < 0
                || aStride < 0 || bStride < 0 || cStride < 0) {
            throw new IllegalArgumentException("gemm: sizes, offsets and strides must be non-negative, got batch "
                    + batch + ", n " + n + ", k " + k + ", m " + m + ", offsets " + aOff + "/" + bOff + "/" + cOff
                    + ", strides " + aStride + "/" + bStride + "/" + cStride);
        }
        if (aliased) {
            throw new IllegalArgumentException("gemm: the output array must not be an input array");
        }
        if (batch > 1 && cStride < (long) n * m) {
            throw new IllegalArgumentException("gemm: output items of " + n + "x" + m + " overlap with stride " + cStride);
        }
        requireLength("A", aLen, aOff, aStride, batch, (long) n * k);
        requireLength("B", bLen, bOff, bStride, batch, (long) k * m);
        requireLength("C", cLen, cOff, cStride, batch, (long) n * m);
    }

    private static void requireLength(String name, int len, int off, int stride, int batch, long items) {
        long need = batch == 0 || items == 0 ? 0 : off + (long) (batch - 1) * stride + items;
        if (need > len) {
            throw new IllegalArgumentException("gemm: " + name + " needs " + need + " elements, array has " + len);
        }
    }
}
