package org.flows4j.tensor.kernel;

/**
 * The register-blocked micro-kernels behind {@link MatMul}: one implementation uses the Vector API
 * ({@code VectorMatMul}), the other plain scalar code ({@link ScalarMatMul}). {@link MatMul} does the
 * cache blocking, packing and thread split; a kernel only updates one small tile of C.
 *
 * <p>A tile call computes, for {@code r < rows} and {@code j < cols},
 * {@code C[cOff + r*ldc + j] = (accumulate ? C[...] : 0) + sum_{p < kc} A[aOff + r*lda + p] * B[bOff + p*bStride + j]},
 * adding the products in increasing {@code p}, with the same operation sequence for an element
 * whatever {@code rows}, {@code cols} and the tile position are (so the result never depends on how
 * the rows were split across threads). {@code B} must hold {@link #floatNr()} (or
 * {@link #doubleNr()}) readable values from every row start {@code bOff + p*bStride}; lanes past
 * {@code cols} are read but never stored. The fast path is a full tile ({@code mr x nr}); float64 full
 * tiles also need {@code bStride == nr} (a packed strip).
 */
interface GemmKernel {
    /** A short name for reports ("vector" or "scalar" with the lane counts). */
    String name();

    /** Rows of C in a full tile. */
    int mr();

    /** Columns of C in a full float32 tile. */
    int floatNr();

    /** Columns of C in a full float64 tile. */
    int doubleNr();

    /**
     * Updates a float32 tile of at most {@link #mr()} rows and {@link #floatNr()} columns (see the type
     * doc), reading {@code A[r, p]} at {@code a[aOff + r*lda + p*aStep]}: {@code aStep = 1} for a
     * row-major A, {@code lda = 1} and {@code aStep} = its row length for a transposed one read in place.
     */
    void tile(int kc, float[] a, int aOff, int lda, int aStep, float[] b, int bOff, int bStride,
              float[] c, int cOff, int ldc, int rows, int cols, boolean accumulate);

    /** Updates a float64 tile of at most {@link #mr()} rows and {@link #doubleNr()} columns (see the type doc). */
    void tile(int kc, double[] a, int aOff, int lda, double[] b, int bOff, int bStride,
              double[] c, int cOff, int ldc, int rows, int cols, boolean accumulate);
}
