package org.flows4j.tensor.kernel;

import org.flows4j.tensor.Parallel;

/**
 * The cache-blocked loop nest behind {@link MatMul}, shared by the vector and scalar kernels.
 *
 * <p>For each batch item and each block of output rows a thread owns, it walks column blocks of
 * {@code NC} and depth blocks of {@code KC} of {@code op(B)}, packs that block into strips of
 * {@code nr} columns ({@code kc x nr} values contiguous, so a strip sits in L1 while all row tiles
 * of an {@code MC}-row block of A stream past it from L2), and calls the kernel once per
 * {@code mr x nr} tile of C. Later depth blocks accumulate into C, which continues the same
 * in-order sum over {@code p}. A non-transposed float32 op(B) is read in place, full strips straight
 * from B at its row stride and only the ragged last strip packed: at the sizes of flow conditioners
 * (B of 128 x 128, 512 rows of A) copying B cost 9% of a training step and bought nothing, since a
 * {@code kc x nr} strip read at a stride occupies the same cache lines as a packed one. A transposed
 * op(B) is packed, and so is a float64 op(B) for 16 rows of A or more.
 *
 * <p>Work splits across {@link Parallel} by tiles of output rows only; each thread packs into its own
 * buffer, so threads share nothing they write and the result is bit-identical for any thread count. The
 * buffers are {@link ContextLocal}s: they belong to the compute context and go when it closes.
 */
final class GemmDriver {
    /** Depth of a packed block of op(B). */
    static final int KC = 256;
    /** Columns in a packed block of op(B). */
    static final int NC = 512;
    /** Rows of A reused against one packed strip (rounded down to a multiple of the tile height). */
    static final int MC = 64;
    /** In float64, with fewer rows of A than this, a non-transposed B is read in place instead of packed. */
    static final int PACK_MIN_ROWS = 16;
    /**
     * Rows of a transposed A copied per sweep over the depth: 8 rows keep 8 short write streams
     * instead of one 1-element write per row at a stride of {@code kc}, which stalls on 4K aliasing.
     */
    static final int TRANSPOSE_BLOCK = 8;
    /**
     * A float32 product with fewer columns than a tile, at least this many rows and a transposed A is
     * computed transposed. With a plain A the transposed product would have to pack all of A (as a
     * transposed B): the forward pass of a flow's output layer ({@code [512, 128] x [128, 8]}) spent
     * more time packing than multiplying, while the plain path wastes lanes on a small product only.
     */
    static final int NARROW_MIN_ROWS = 64;

    private static final ContextLocal<float[]> FLOAT_BUFFER = new ContextLocal<>(() -> new float[0]);
    private static final ContextLocal<double[]> DOUBLE_BUFFER = new ContextLocal<>(() -> new double[0]);

    private GemmDriver() {
    }

    private static int tiles(int n, int mr) {
        return (n + mr - 1) / mr;
    }

    private static int mcFor(GemmKernel kern) {
        return Math.max(kern.mr(), MC / kern.mr() * kern.mr());
    }

    private static int packedLength(int k, int m, int nr, boolean packB) {
        int cols = packB ? (Math.min(m, NC) + nr - 1) / nr * nr : nr;
        return Math.min(k, KC) * cols;
    }

    // ---- float32 ----

    static void run(GemmKernel kern, int batch, boolean transA, boolean transB, int n, int k, int m,
                    float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                    float[] c, int cOff, int cStride, boolean accumulate, MatMul.RowEpilogue epilogue) {
        if (batch == 0 || n == 0) {
            return;
        }
        if (batch == 1 && m < kern.floatNr() && n >= NARROW_MIN_ROWS && transA) {
            narrow(kern, transA, transB, n, k, m, a, aOff, b, bOff, c, cOff, accumulate, epilogue);
            return;
        }
        int mr = kern.mr();
        int tiles = tiles(n, mr);
        boolean packB = transB;
        int bPart = packedLength(k, m, kern.floatNr(), packB);
        int bufLen = bPart;
        Parallel.forRange(batch * tiles, 2L * batch * n * k * m, (t0, t1) -> {
            float[] buf = FLOAT_BUFFER.get();
            if (buf.length < bufLen) {
                buf = new float[bufLen];
                FLOAT_BUFFER.set(buf);
            }
            for (int bi = t0 / tiles; bi * tiles < t1; bi++) {
                int r0 = Math.max(t0 - bi * tiles, 0) * mr;
                int r1 = Math.min((t1 - bi * tiles) * mr, n);
                rows(kern, transA, transB, n, k, m, a, aOff + bi * aStride, b, bOff + bi * bStride,
                        c, cOff + bi * cStride, r0, r1, accumulate, packB, buf);
                if (epilogue != null) {
                    epilogue.apply(bi * n + r0, bi * n + r1);
                }
            }
        });
    }

    /**
     * {@code C = op(A) op(B)} for a C narrower than one tile ({@code m < nr}) and tall, computed as
     * {@code C^T = op(B)^T op(A)^T} into a scratch {@code [m, n]} and transposed back: the kernel's
     * vectors then run along the n rows of C instead of being mostly empty. Each element is the same
     * chain {@code s = fma(a[i,p], b[p,j], s)} over {@code p} in order (the product's factors only
     * swap places), so the result is bit-identical to the direct loop.
     */
    private static void narrow(GemmKernel kern, boolean transA, boolean transB, int n, int k, int m,
                               float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               boolean accumulate, MatMul.RowEpilogue epilogue) {
        float[] t = new float[m * n];
        if (accumulate) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    t[j * n + i] = c[cOff + i * m + j];
                }
            }
        }
        run(kern, 1, !transB, !transA, m, k, n, b, bOff, 0, a, aOff, 0, t, 0, 0, accumulate, null);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                c[cOff + i * m + j] = t[j * n + i];
            }
        }
        if (epilogue != null) {
            epilogue.apply(0, n);
        }
    }

    private static void rows(GemmKernel kern, boolean transA, boolean transB, int n, int k, int m,
                             float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                             int r0, int r1, boolean accumulate, boolean packB, float[] buf) {
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, cOff + r0 * m, cOff + r1 * m, 0f);
            }
            return;
        }
        int mr = kern.mr();
        int nr = kern.floatNr();
        int mc = mcFor(kern);
        int ldb = transB ? k : m;
        for (int jc = 0; jc < m; jc += NC) {
            int nc = Math.min(NC, m - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = accumulate || pc > 0;
                if (packB) {
                    for (int jr = 0; jr < nc; jr += nr) {
                        packStrip(transB, b, bOff, ldb, pc, kc, jc + jr, Math.min(nr, nc - jr), nr, buf, jr * kc);
                    }
                } else if (nc % nr != 0) {
                    packStrip(false, b, bOff, ldb, pc, kc, jc + nc - nc % nr, nc % nr, nr, buf, 0);
                }
                for (int ic = r0; ic < r1; ic += mc) {
                    int icEnd = Math.min(ic + mc, r1);
                    int aBase = transA ? aOff + pc * n + ic : aOff + ic * k + pc;
                    int lda = transA ? 1 : k;
                    int aStep = transA ? n : 1;
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr);
                        boolean inPlace = !packB && cols == nr;
                        float[] bArr = inPlace ? b : buf;
                        int bo = inPlace ? bOff + pc * ldb + jc + jr : packB ? jr * kc : 0;
                        int bs = inPlace ? ldb : nr;
                        for (int ir = ic; ir < icEnd; ir += mr) {
                            kern.tile(kc, a, aBase + (ir - ic) * lda, lda, aStep, bArr, bo, bs,
                                    c, cOff + ir * m + jc + jr, m, Math.min(mr, icEnd - ir), cols, acc);
                        }
                    }
                }
            }
        }
    }

    /** Copies op(B)[pc, pc+kc) x [j0, j0+cols) to {@code buf[off + p*nr + j]}. */
    private static void packStrip(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int j0, int cols,
                                  int nr, float[] buf, int off) {
        if (transB) {
            for (int j = 0; j < cols; j++) {
                int src = bOff + (j0 + j) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    buf[off + p * nr + j] = b[src + p];
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + j0;
                int dst = off + p * nr;
                for (int j = 0; j < cols; j++) {
                    buf[dst + j] = b[src + j];
                }
            }
        }
    }

    // ---- float64 ----

    static void run(GemmKernel kern, int batch, boolean transA, boolean transB, int n, int k, int m,
                    double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                    double[] c, int cOff, int cStride, boolean accumulate, MatMul.RowEpilogue epilogue) {
        if (batch == 0 || n == 0) {
            return;
        }
        int mr = kern.mr();
        int tiles = tiles(n, mr);
        boolean packB = transB || n >= PACK_MIN_ROWS;
        int bPart = packedLength(k, m, kern.doubleNr(), packB);
        int bufLen = bPart + (transA ? mcFor(kern) * Math.min(k, KC) : 0);
        Parallel.forRange(batch * tiles, 2L * batch * n * k * m, (t0, t1) -> {
            double[] buf = DOUBLE_BUFFER.get();
            if (buf.length < bufLen) {
                buf = new double[bufLen];
                DOUBLE_BUFFER.set(buf);
            }
            for (int bi = t0 / tiles; bi * tiles < t1; bi++) {
                int r0 = Math.max(t0 - bi * tiles, 0) * mr;
                int r1 = Math.min((t1 - bi * tiles) * mr, n);
                rows(kern, transA, transB, n, k, m, a, aOff + bi * aStride, b, bOff + bi * bStride,
                        c, cOff + bi * cStride, r0, r1, accumulate, packB, buf, bPart);
                if (epilogue != null) {
                    epilogue.apply(bi * n + r0, bi * n + r1);
                }
            }
        });
    }

    private static void rows(GemmKernel kern, boolean transA, boolean transB, int n, int k, int m,
                             double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                             int r0, int r1, boolean accumulate, boolean packB, double[] buf, int aPacked) {
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, cOff + r0 * m, cOff + r1 * m, 0.0);
            }
            return;
        }
        int mr = kern.mr();
        int nr = kern.doubleNr();
        int mc = mcFor(kern);
        int ldb = transB ? k : m;
        for (int jc = 0; jc < m; jc += NC) {
            int nc = Math.min(NC, m - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = accumulate || pc > 0;
                if (packB) {
                    for (int jr = 0; jr < nc; jr += nr) {
                        packStrip(transB, b, bOff, ldb, pc, kc, jc + jr, Math.min(nr, nc - jr), nr, buf, jr * kc);
                    }
                } else if (nc % nr != 0) {
                    packStrip(false, b, bOff, ldb, pc, kc, jc + nc - nc % nr, nc % nr, nr, buf, 0);
                }
                for (int ic = r0; ic < r1; ic += mc) {
                    int icEnd = Math.min(ic + mc, r1);
                    double[] aArr = a;
                    int aBase = aOff + ic * k + pc;
                    int lda = k;
                    if (transA) {
                        packTransposedA(a, aOff, n, pc, kc, ic, icEnd - ic, buf, aPacked);
                        aArr = buf;
                        aBase = aPacked;
                        lda = kc;
                    }
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr);
                        boolean inPlace = !packB && cols == nr;
                        double[] bArr = inPlace ? b : buf;
                        int bo = inPlace ? bOff + pc * ldb + jc + jr : packB ? jr * kc : 0;
                        int bs = inPlace ? ldb : nr;
                        for (int ir = ic; ir < icEnd; ir += mr) {
                            kern.tile(kc, aArr, aBase + (ir - ic) * lda, lda, bArr, bo, bs,
                                    c, cOff + ir * m + jc + jr, m, Math.min(mr, icEnd - ir), cols, acc);
                        }
                    }
                }
            }
        }
    }

    /** Copies op(A)[i0, i0+rows) x [pc, pc+kc) of a transposed A (stored [k, n]) to {@code buf[off + i*kc + p]}. */
    private static void packTransposedA(double[] a, int aOff, int n, int pc, int kc, int i0, int rows, double[] buf, int off) {
        for (int ib = 0; ib < rows; ib += TRANSPOSE_BLOCK) {
            int ie = Math.min(ib + TRANSPOSE_BLOCK, rows);
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * n + i0;
                for (int i = ib; i < ie; i++) {
                    buf[off + i * kc + p] = a[src + i];
                }
            }
        }
    }

    /** Copies op(B)[pc, pc+kc) x [j0, j0+cols) to {@code buf[off + p*nr + j]}. */
    private static void packStrip(boolean transB, double[] b, int bOff, int ldb, int pc, int kc, int j0, int cols,
                                  int nr, double[] buf, int off) {
        if (transB) {
            for (int j = 0; j < cols; j++) {
                int src = bOff + (j0 + j) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    buf[off + p * nr + j] = b[src + p];
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + j0;
                int dst = off + p * nr;
                for (int j = 0; j < cols; j++) {
                    buf[dst + j] = b[src + j];
                }
            }
        }
    }
}
