package org.flows4j.tensor.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matmul micro-kernels on the Vector API ({@code jdk.incubator.vector}, preferred species). A full
 * tile is 4 rows by 2 vectors of C held in 8 accumulators; each step {@code p} loads two vectors of
 * a packed B row, broadcasts one A value per row and issues 8 fused multiply-adds
 * {@code acc = a[r,p] * b[p, :] + acc}. A tile narrower than two vectors runs the same kernel into a
 * scratch tile whose first columns are then copied to C; tiles of fewer rows use a one-row kernel with
 * the same operation sequence, so every element of C gets bit-identical results whichever tile it
 * falls in.
 *
 * <p>Loaded by {@link MatMul} only when the module is in the boot layer; never reference this class
 * from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorMatMul implements GemmKernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final int DL = DS.length();
    private static final int MR = 4;

    @Override
    public String name() {
        return "vector (" + FS.vectorBitSize() + "-bit, tile " + MR + "x" + 2 * FL + " float32, " + MR + "x"
                + 2 * DL + " float64)";
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int floatNr() {
        return 2 * FL;
    }

    @Override
    public int doubleNr() {
        return 2 * DL;
    }

    // ---- float32 ----

    @Override
    public void tile(int kc, float[] a, int aOff, int lda, int aStep, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int ldc, int rows, int cols, boolean accumulate) {
        if (cols == 2 * FL) {
            if (rows == MR) {
                full(kc, a, aOff, lda, aStep, b, bOff, bStride, c, cOff, ldc, accumulate);
            } else {
                for (int r = 0; r < rows; r++) {
                    row(kc, a, aOff + r * lda, aStep, b, bOff, bStride, c, cOff + r * ldc, accumulate);
                }
            }
            return;
        }
        float[] tmp = new float[rows * 2 * FL];
        if (accumulate) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c, cOff + r * ldc, tmp, r * 2 * FL, cols);
            }
        }
        if (rows == MR) {
            full(kc, a, aOff, lda, aStep, b, bOff, bStride, tmp, 0, 2 * FL, accumulate);
        } else {
            for (int r = 0; r < rows; r++) {
                row(kc, a, aOff + r * lda, aStep, b, bOff, bStride, tmp, r * 2 * FL, accumulate);
            }
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tmp, r * 2 * FL, c, cOff + r * ldc, cols);
        }
    }

    private static void full(int kc, float[] a, int aOff, int lda, int aStep, float[] b, int bOff, int bStride,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        int a1 = aOff + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00;
        FloatVector s01;
        FloatVector s10;
        FloatVector s11;
        FloatVector s20;
        FloatVector s21;
        FloatVector s30;
        FloatVector s31;
        if (accumulate) {
            s00 = FloatVector.fromArray(FS, c, cOff);
            s01 = FloatVector.fromArray(FS, c, cOff + FL);
            s10 = FloatVector.fromArray(FS, c, c1);
            s11 = FloatVector.fromArray(FS, c, c1 + FL);
            s20 = FloatVector.fromArray(FS, c, c2);
            s21 = FloatVector.fromArray(FS, c, c2 + FL);
            s30 = FloatVector.fromArray(FS, c, c3);
            s31 = FloatVector.fromArray(FS, c, c3 + FL);
        } else {
            s00 = FloatVector.zero(FS);
            s01 = s00;
            s10 = s00;
            s11 = s00;
            s20 = s00;
            s21 = s00;
            s30 = s00;
            s31 = s00;
        }
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * bStride;
            int ap = p * aStep;
            FloatVector b0 = FloatVector.fromArray(FS, b, bp);
            FloatVector b1 = FloatVector.fromArray(FS, b, bp + FL);
            FloatVector x = FloatVector.broadcast(FS, a[aOff + ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(FS, a[a1 + ap]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(FS, a[a2 + ap]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(FS, a[a3 + ap]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + FL);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + FL);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + FL);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + FL);
    }

    private static void row(int kc, float[] a, int aOff, int aStep, float[] b, int bOff, int bStride,
                            float[] c, int cOff, boolean accumulate) {
        FloatVector s0 = accumulate ? FloatVector.fromArray(FS, c, cOff) : FloatVector.zero(FS);
        FloatVector s1 = accumulate ? FloatVector.fromArray(FS, c, cOff + FL) : FloatVector.zero(FS);
        int bp = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.broadcast(FS, a[aOff + p * aStep]);
            s0 = x.fma(FloatVector.fromArray(FS, b, bp), s0);
            s1 = x.fma(FloatVector.fromArray(FS, b, bp + FL), s1);
            bp += bStride;
        }
        s0.intoArray(c, cOff);
        s1.intoArray(c, cOff + FL);
    }

    // ---- float64 ----

    @Override
    public void tile(int kc, double[] a, int aOff, int lda, double[] b, int bOff, int bStride,
                     double[] c, int cOff, int ldc, int rows, int cols, boolean accumulate) {
        if (cols == 2 * DL) {
            if (rows == MR && bStride == 2 * DL) {
                full(kc, a, aOff, lda, b, bOff, c, cOff, ldc, accumulate);
            } else {
                for (int r = 0; r < rows; r++) {
                    row(kc, a, aOff + r * lda, b, bOff, bStride, c, cOff + r * ldc, accumulate);
                }
            }
            return;
        }
        double[] tmp = new double[2 * DL];
        for (int r = 0; r < rows; r++) {
            if (accumulate) {
                System.arraycopy(c, cOff + r * ldc, tmp, 0, cols);
            }
            row(kc, a, aOff + r * lda, b, bOff, bStride, tmp, 0, accumulate);
            System.arraycopy(tmp, 0, c, cOff + r * ldc, cols);
        }
    }

    private static void full(int kc, double[] a, int aOff, int lda, double[] b, int bOff,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        int a1 = aOff + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        DoubleVector s00;
        DoubleVector s01;
        DoubleVector s10;
        DoubleVector s11;
        DoubleVector s20;
        DoubleVector s21;
        DoubleVector s30;
        DoubleVector s31;
        if (accumulate) {
            s00 = DoubleVector.fromArray(DS, c, cOff);
            s01 = DoubleVector.fromArray(DS, c, cOff + DL);
            s10 = DoubleVector.fromArray(DS, c, c1);
            s11 = DoubleVector.fromArray(DS, c, c1 + DL);
            s20 = DoubleVector.fromArray(DS, c, c2);
            s21 = DoubleVector.fromArray(DS, c, c2 + DL);
            s30 = DoubleVector.fromArray(DS, c, c3);
            s31 = DoubleVector.fromArray(DS, c, c3 + DL);
        } else {
            s00 = DoubleVector.zero(DS);
            s01 = s00;
            s10 = s00;
            s11 = s00;
            s20 = s00;
            s21 = s00;
            s30 = s00;
            s31 = s00;
        }
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (2 * DL);
            DoubleVector b0 = DoubleVector.fromArray(DS, b, bp);
            DoubleVector b1 = DoubleVector.fromArray(DS, b, bp + DL);
            DoubleVector x = DoubleVector.broadcast(DS, a[aOff + p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = DoubleVector.broadcast(DS, a[a1 + p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = DoubleVector.broadcast(DS, a[a2 + p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = DoubleVector.broadcast(DS, a[a3 + p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + DL);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + DL);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + DL);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + DL);
    }

    private static void row(int kc, double[] a, int aOff, double[] b, int bOff, int bStride,
                            double[] c, int cOff, boolean accumulate) {
        DoubleVector s0 = accumulate ? DoubleVector.fromArray(DS, c, cOff) : DoubleVector.zero(DS);
        DoubleVector s1 = accumulate ? DoubleVector.fromArray(DS, c, cOff + DL) : DoubleVector.zero(DS);
        int bp = bOff;
        for (int p = 0; p < kc; p++) {
            DoubleVector x = DoubleVector.broadcast(DS, a[aOff + p]);
            s0 = x.fma(DoubleVector.fromArray(DS, b, bp), s0);
            s1 = x.fma(DoubleVector.fromArray(DS, b, bp + DL), s1);
            bp += bStride;
        }
        s0.intoArray(c, cOff);
        s1.intoArray(c, cOff + DL);
    }
}
