package org.flows4j.tensor.kernel;

/**
 * Matmul micro-kernels in plain Java, used when the Vector API module is absent or disabled
 * ({@code -Dflows4j.vector=false}). A full tile is 4 by 4 elements of C in 16 local accumulators;
 * each step {@code p} reads 4 values of A and 4 of packed B and does {@code acc += a[r,p] * b[p,j]}
 * (a rounded product, then a rounded sum). Edge tiles run the same sequence per element, so results
 * do not depend on tile position. The cache blocking and packing in {@link MatMul} are shared with
 * the vector kernels.
 */
final class ScalarMatMul implements GemmKernel {
    /** The single instance. */
    static final ScalarMatMul INSTANCE = new ScalarMatMul();
    private static final int MR = 4;
    private static final int NR = 4;

    private ScalarMatMul() {
    }

    @Override
    public String name() {
        return "scalar (tile " + MR + "x" + NR + ")";
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int floatNr() {
        return NR;
    }

    @Override
    public int doubleNr() {
        return NR;
    }

    // ---- float32 ----

    @Override
    public void tile(int kc, float[] a, int aOff, int lda, int aStep, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int ldc, int rows, int cols, boolean accumulate) {
        if (rows == MR && cols == NR) {
            full(kc, a, aOff, lda, aStep, b, bOff, bStride, c, cOff, ldc, accumulate);
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float s = accumulate ? c[cOff + r * ldc + j] : 0f;
                int ap = aOff + r * lda;
                int bp = bOff + j;
                for (int p = 0; p < kc; p++) {
                    s += a[ap] * b[bp];
                    ap += aStep;
                    bp += bStride;
                }
                c[cOff + r * ldc + j] = s;
            }
        }
    }

    private static void full(int kc, float[] a, int aOff, int lda, int aStep, float[] b, int bOff, int bStride,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        float s00 = 0f;
        float s01 = 0f;
        float s02 = 0f;
        float s03 = 0f;
        float s10 = 0f;
        float s11 = 0f;
        float s12 = 0f;
        float s13 = 0f;
        float s20 = 0f;
        float s21 = 0f;
        float s22 = 0f;
        float s23 = 0f;
        float s30 = 0f;
        float s31 = 0f;
        float s32 = 0f;
        float s33 = 0f;
        if (accumulate) {
            s00 = c[cOff];
            s01 = c[cOff + 1];
            s02 = c[cOff + 2];
            s03 = c[cOff + 3];
            s10 = c[c1];
            s11 = c[c1 + 1];
            s12 = c[c1 + 2];
            s13 = c[c1 + 3];
            s20 = c[c2];
            s21 = c[c2 + 1];
            s22 = c[c2 + 2];
            s23 = c[c2 + 3];
            s30 = c[c3];
            s31 = c[c3 + 1];
            s32 = c[c3 + 2];
            s33 = c[c3 + 3];
        }
        int r1 = lda;
        int r2 = 2 * lda;
        int r3 = 3 * lda;
        int ap = aOff;
        int bp = bOff;
        for (int p = 0; p < kc; p++) {
            float b0 = b[bp];
            float b1 = b[bp + 1];
            float b2 = b[bp + 2];
            float b3 = b[bp + 3];
            float x = a[ap];
            s00 += x * b0;
            s01 += x * b1;
            s02 += x * b2;
            s03 += x * b3;
            x = a[ap + r1];
            s10 += x * b0;
            s11 += x * b1;
            s12 += x * b2;
            s13 += x * b3;
            x = a[ap + r2];
            s20 += x * b0;
            s21 += x * b1;
            s22 += x * b2;
            s23 += x * b3;
            x = a[ap + r3];
            s30 += x * b0;
            s31 += x * b1;
            s32 += x * b2;
            s33 += x * b3;
            ap += aStep;
            bp += bStride;
        }
        c[cOff] = s00;
        c[cOff + 1] = s01;
        c[cOff + 2] = s02;
        c[cOff + 3] = s03;
        c[c1] = s10;
        c[c1 + 1] = s11;
        c[c1 + 2] = s12;
        c[c1 + 3] = s13;
        c[c2] = s20;
        c[c2 + 1] = s21;
        c[c2 + 2] = s22;
        c[c2 + 3] = s23;
        c[c3] = s30;
        c[c3 + 1] = s31;
        c[c3 + 2] = s32;
        c[c3 + 3] = s33;
    }

    // ---- float64 ----

    @Override
    public void tile(int kc, double[] a, int aOff, int lda, double[] b, int bOff, int bStride,
                     double[] c, int cOff, int ldc, int rows, int cols, boolean accumulate) {
        if (rows == MR && cols == NR) {
            full(kc, a, aOff, lda, b, bOff, bStride, c, cOff, ldc, accumulate);
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double s = accumulate ? c[cOff + r * ldc + j] : 0.0;
                int ap = aOff + r * lda;
                int bp = bOff + j;
                for (int p = 0; p < kc; p++) {
                    s += a[ap] * b[bp];
                    ap++;
                    bp += bStride;
                }
                c[cOff + r * ldc + j] = s;
            }
        }
    }

    private static void full(int kc, double[] a, int aOff, int lda, double[] b, int bOff, int bStride,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        double s00 = 0.0;
        double s01 = 0.0;
        double s02 = 0.0;
        double s03 = 0.0;
        double s10 = 0.0;
        double s11 = 0.0;
        double s12 = 0.0;
        double s13 = 0.0;
        double s20 = 0.0;
        double s21 = 0.0;
        double s22 = 0.0;
        double s23 = 0.0;
        double s30 = 0.0;
        double s31 = 0.0;
        double s32 = 0.0;
        double s33 = 0.0;
        if (accumulate) {
            s00 = c[cOff];
            s01 = c[cOff + 1];
            s02 = c[cOff + 2];
            s03 = c[cOff + 3];
            s10 = c[c1];
            s11 = c[c1 + 1];
            s12 = c[c1 + 2];
            s13 = c[c1 + 3];
            s20 = c[c2];
            s21 = c[c2 + 1];
            s22 = c[c2 + 2];
            s23 = c[c2 + 3];
            s30 = c[c3];
            s31 = c[c3 + 1];
            s32 = c[c3 + 2];
            s33 = c[c3 + 3];
        }
        int r1 = lda;
        int r2 = 2 * lda;
        int r3 = 3 * lda;
        int ap = aOff;
        int bp = bOff;
        for (int p = 0; p < kc; p++) {
            double b0 = b[bp];
            double b1 = b[bp + 1];
            double b2 = b[bp + 2];
            double b3 = b[bp + 3];
            double x = a[ap];
            s00 += x * b0;
            s01 += x * b1;
            s02 += x * b2;
            s03 += x * b3;
            x = a[ap + r1];
            s10 += x * b0;
            s11 += x * b1;
            s12 += x * b2;
            s13 += x * b3;
            x = a[ap + r2];
            s20 += x * b0;
            s21 += x * b1;
            s22 += x * b2;
            s23 += x * b3;
            x = a[ap + r3];
            s30 += x * b0;
            s31 += x * b1;
            s32 += x * b2;
            s33 += x * b3;
            ap++;
            bp += bStride;
        }
        c[cOff] = s00;
        c[cOff + 1] = s01;
        c[cOff + 2] = s02;
        c[cOff + 3] = s03;
        c[c1] = s10;
        c[c1 + 1] = s11;
        c[c1 + 2] = s12;
        c[c1 + 3] = s13;
        c[c2] = s20;
        c[c2 + 1] = s21;
        c[c2 + 2] = s22;
        c[c2 + 3] = s23;
        c[c3] = s30;
        c[c3 + 1] = s31;
        c[c3 + 2] = s32;
        c[c3 + 3] = s33;
    }
}
