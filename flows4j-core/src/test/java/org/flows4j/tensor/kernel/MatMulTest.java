package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.flows4j.tensor.ChildJvm;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MatMulTest {
    private static final int[][] SHAPES = {
        {1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {4, 16, 16}, {5, 300, 3}, {3, 9, 530}, {17, 1, 33}, {2, 40, 70},
        {40, 3, 2}, {512, 128, 128}, {512, 128, 4}, {200, 300, 7}, {64, 5, 1},
    };
    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static List<GemmKernel> kernels() {
        List<GemmKernel> list = new ArrayList<>();
        list.add(ScalarMatMul.INSTANCE);
        if (VECTOR_MODULE) {
            list.add(new VectorMatMul());
        }
        return list;
    }

    private static double[] randomArray(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * The definition in float64: ref[i*m+j] = c0 + sum_p op(A)[i,p] op(B)[p,j]; also returns the
     * scale sum_p |op(A)[i,p] op(B)[p,j]| that bounds the rounding error, in scale[i*m+j].
     */
    private static double[][] naive(boolean ta, boolean tb, int n, int k, int m, double[] a, double[] b, double[] c0) {
        double[] ref = new double[n * m];
        double[] scale = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = c0 == null ? 0 : c0[i * m + j];
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * n + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * m + j];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                ref[i * m + j] = s;
                scale[i * m + j] = abs;
            }
        }
        return new double[][] {ref, scale};
    }

    private static void assertClose(double[][] expected, double[] actual, double tol, String what) {
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[0][i]);
            assertTrue(err <= tol * Math.max(expected[1][i], 1e-30), what + " element " + i + ": got " + actual[i]
                    + ", expected " + expected[0][i] + " (scale " + expected[1][i] + ")");
        }
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void everyKernelMatchesTheNaiveProductOnOddShapesAndAllTransposes() {
        Rng rng = new Rng(11);
        for (int[] s : SHAPES) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            double[] a = randomArray(rng, n * k);
            double[] b = randomArray(rng, k * m);
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                double[][] ref = naive(ta, tb, n, k, m, a, b, null);
                for (GemmKernel kern : kernels()) {
                    String what = kern.name() + " " + n + "x" + k + "x" + m + " transA=" + ta + " transB=" + tb;
                    float[] cf = new float[n * m];
                    MatMul.gemm(kern, 1, ta, tb, n, k, m, toFloat(a), 0, 0, toFloat(b), 0, 0, cf, 0, 0, false, null);
                    assertClose(ref, widen(cf), 1e-5, "float32 " + what);
                    double[] cd = new double[n * m];
                    MatMul.gemm(kern, 1, ta, tb, n, k, m, a, 0, 0, b, 0, 0, cd, 0, 0, false, null);
                    assertClose(ref, cd, 1e-12, "float64 " + what);
                }
            }
        }
    }

    @Test
    void vectorAndScalarKernelsAgreeToRounding() {
        assumeTrue(VECTOR_MODULE, "jdk.incubator.vector is not in the boot layer");
        Rng rng = new Rng(12);
        GemmKernel vector = new VectorMatMul();
        for (int[] s : SHAPES) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            float[] a = toFloat(randomArray(rng, n * k));
            float[] b = toFloat(randomArray(rng, k * m));
            float[] cs = new float[n * m];
            float[] cv = new float[n * m];
            MatMul.gemm(ScalarMatMul.INSTANCE, 1, false, true, n, k, m, a, 0, 0, b, 0, 0, cs, 0, 0, false, null);
            MatMul.gemm(vector, 1, false, true, n, k, m, a, 0, 0, b, 0, 0, cv, 0, 0, false, null);
            double[][] scale = naive(false, true, n, k, m, widen(a), widen(b), null);
            for (int i = 0; i < cs.length; i++) {
                assertEquals(cs[i], cv[i], 2e-6 * scale[1][i], n + "x" + k + "x" + m + " element " + i);
            }
        }
    }

    /**
     * Tall products narrower than a tile are computed transposed; every element must still be the
     * kernel's own chain over p in order: fused {@code s = fma(x, y, s)} for the vector kernels,
     * {@code s = s + x * y} for the scalar ones, starting from the old output when accumulating.
     */
    @Test
    void narrowTallProductsAreTheKernelsOwnChainBitForBit() {
        Rng rng = new Rng(14);
        for (int[] s : new int[][] {{512, 128, 4}, {300, 300, 7}, {64, 3, 1}, {128, 512, 8}}) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            float[] a = toFloat(randomArray(rng, n * k));
            float[] b = toFloat(randomArray(rng, k * m));
            float[] c0 = toFloat(randomArray(rng, n * m));
            for (int t = 0; t < 8; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                boolean acc = (t & 4) != 0;
                for (GemmKernel kern : kernels()) {
                    boolean fused = kern != ScalarMatMul.INSTANCE;
                    float[] c = acc ? c0.clone() : new float[n * m];
                    AtomicInteger rowsSeen = new AtomicInteger();
                    MatMul.gemm(kern, 1, ta, tb, n, k, m, a, 0, 0, b, 0, 0, c, 0, 0, acc,
                            (from, to) -> rowsSeen.addAndGet(to - from));
                    assertEquals(n, rowsSeen.get(), "epilogue rows");
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < m; j++) {
                            float sum = acc ? c0[i * m + j] : 0f;
                            for (int p = 0; p < k; p++) {
                                float x = ta ? a[p * n + i] : a[i * k + p];
                                float y = tb ? b[j * k + p] : b[p * m + j];
                                sum = fused ? Math.fma(x, y, sum) : sum + x * y;
                            }
                            assertEquals(Float.floatToRawIntBits(sum), Float.floatToRawIntBits(c[i * m + j]),
                                    kern.name() + " " + n + "x" + k + "x" + m + " t=" + t + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void accumulateAddsTheProductToTheExistingOutput() {
        Rng rng = new Rng(13);
        int n = 9;
        int k = 300;
        int m = 21;
        double[] a = randomArray(rng, n * k);
        double[] b = randomArray(rng, k * m);
        double[] c0 = randomArray(rng, n * m);
        double[][] ref = naive(false, false, n, k, m, a, b, c0);
        for (GemmKernel kern : kernels()) {
            float[] cf = toFloat(c0);
            MatMul.gemm(kern, 1, false, false, n, k, m, toFloat(a), 0, 0, toFloat(b), 0, 0, cf, 0, 0, true, null);
            assertClose(ref, widen(cf), 1e-5, kern.name() + " float32 accumulate");
            double[] cd = c0.clone();
            MatMul.gemm(kern, 1, false, false, n, k, m, a, 0, 0, b, 0, 0, cd, 0, 0, true, null);
            assertClose(ref, cd, 1e-12, kern.name() + " float64 accumulate");
        }
    }

    @Test
    void resultsAreBitIdenticalForOneTwoAndThreeThreads() {
        Rng rng = new Rng(14);
        int[][] shapes = {{37, 65, 33}, {512, 128, 128}, {130, 260, 70}};
        for (int[] s : shapes) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            float[] af = toFloat(randomArray(rng, 3 * n * k));
            float[] bf = toFloat(randomArray(rng, 3 * k * m));
            double[] ad = randomArray(rng, 3 * n * k);
            double[] bd = randomArray(rng, 3 * k * m);
            for (GemmKernel kern : kernels()) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    float[][] fOut = new float[3][];
                    double[][] dOut = new double[3][];
                    for (int threads = 1; threads <= 3; threads++) {
                        Parallel.setThreads(threads);
                        fOut[threads - 1] = new float[3 * n * m];
                        dOut[threads - 1] = new double[3 * n * m];
                        MatMul.gemm(kern, 3, ta, tb, n, k, m, af, 0, n * k, bf, 0, k * m, fOut[threads - 1], 0, n * m,
                                false, null);
                        MatMul.gemm(kern, 3, ta, tb, n, k, m, ad, 0, n * k, bd, 0, k * m, dOut[threads - 1], 0, n * m,
                                false, null);
                    }
                    String what = kern.name() + " " + n + "x" + k + "x" + m + " t=" + t;
                    for (int threads = 2; threads <= 3; threads++) {
                        assertArrayEquals(fOut[0], fOut[threads - 1], what + " float32, " + threads + " threads");
                        assertArrayEquals(dOut[0], dOut[threads - 1], what + " float64, " + threads + " threads");
                    }
                }
            }
        }
    }

    @Test
    void batchedProductsMatchEachItemIncludingSharedOperands() {
        Rng rng = new Rng(15);
        int batch = 3;
        int n = 5;
        int k = 7;
        int m = 18;
        double[] a = randomArray(rng, batch * n * k);
        double[] b = randomArray(rng, batch * k * m);
        int[][] strides = {{n * k, k * m}, {n * k, 0}, {0, k * m}};
        for (GemmKernel kern : kernels()) {
            for (int[] st : strides) {
                double[] c = new double[batch * n * m];
                MatMul.gemm(kern, batch, false, false, n, k, m, a, 0, st[0], b, 0, st[1], c, 0, n * m, false, null);
                for (int t = 0; t < batch; t++) {
                    double[] at = java.util.Arrays.copyOfRange(a, t * st[0], t * st[0] + n * k);
                    double[] bt = java.util.Arrays.copyOfRange(b, t * st[1], t * st[1] + k * m);
                    double[][] ref = naive(false, false, n, k, m, at, bt, null);
                    assertClose(ref, java.util.Arrays.copyOfRange(c, t * n * m, (t + 1) * n * m), 1e-12,
                            kern.name() + " item " + t + " strides " + st[0] + "/" + st[1]);
                }
            }
        }
    }

    @Test
    void tensorApiHandlesBatchedTransposedAndSharedOperands() {
        Rng rng = new Rng(16);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, 2, 6, 4);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 6, 5);
        Tensor c = MatMul.matmul(a, true, b, false);
        assertArrayEquals(new int[] {2, 4, 5}, c.shape());
        for (int t = 0; t < 2; t++) {
            double[] at = java.util.Arrays.copyOfRange(a.doubleData(), t * 24, (t + 1) * 24);
            double[][] ref = naive(true, false, 4, 6, 5, at, b.doubleData(), null);
            assertClose(ref, java.util.Arrays.copyOfRange(c.doubleData(), t * 20, (t + 1) * 20), 1e-12, "item " + t);
        }
        Tensor x = Tensor.randn(rng, DType.FLOAT32, 3, 4, 6);
        Tensor w = Tensor.randn(rng, DType.FLOAT32, 5, 6);
        Tensor y = MatMul.matmul(x, false, w, true);
        assertArrayEquals(new int[] {3, 4, 5}, y.shape());
        double[][] ref = naive(false, true, 12, 6, 5, widen(x.floatData()), widen(w.floatData()), null);
        assertClose(ref, widen(y.floatData()), 1e-5, "flattened batch");
    }

    @Test
    void epilogueSeesEveryFinishedRowExactlyOnce() {
        Rng rng = new Rng(17);
        int batch = 2;
        int n = 45;
        int k = 40;
        int m = 30;
        double[] a = randomArray(rng, batch * n * k);
        double[] b = randomArray(rng, k * m);
        double[][] ref = naive(false, false, batch * n, k, m, a, b, null);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            double[] c = new double[batch * n * m];
            int[] seen = new int[batch * n];
            boolean[] finished = new boolean[batch * n];
            MatMul.gemm(batch, false, false, n, k, m, a, 0, n * k, b, 0, 0, c, 0, n * m, false, (from, to) -> {
                for (int r = from; r < to; r++) {
                    seen[r]++;
                    boolean ok = true;
                    for (int j = 0; j < m; j++) {
                        ok &= Math.abs(c[r * m + j] - ref[0][r * m + j]) <= 1e-12 * ref[1][r * m + j];
                    }
                    finished[r] = ok;
                }
            });
            for (int r = 0; r < batch * n; r++) {
                assertEquals(1, seen[r], "row " + r + " with " + threads + " threads");
                assertTrue(finished[r], "row " + r + " was not final when the epilogue ran");
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZerosOrLeavesTheOutput() {
        float[] c = {1f, 2f, 3f, 4f, 5f, 6f};
        MatMul.gemm(1, false, false, 2, 0, 3, new float[0], 0, 0, new float[0], 0, 0, c, 0, 0, true, null);
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, c);
        MatMul.gemm(1, false, false, 2, 0, 3, new float[0], 0, 0, new float[0], 0, 0, c, 0, 0, false, null);
        assertArrayEquals(new float[6], c);
        Tensor e = MatMul.matmul(Tensor.zeros(DType.FLOAT64, 0, 3), Tensor.zeros(DType.FLOAT64, 3, 2));
        assertArrayEquals(new int[] {0, 2}, e.shape());
    }

    @Test
    void handComputedProduct() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor b = Tensor.of(new double[][] {{7, 8, 9}, {10, 11, 12}});
        Tensor c = MatMul.matmul(a, b);
        assertArrayEquals(new double[] {27, 30, 33, 61, 68, 75, 95, 106, 117}, c.doubleData());
        Tensor ct = MatMul.matmul(b, true, a, true);
        assertArrayEquals(new double[] {27, 61, 95, 30, 68, 106, 33, 75, 117}, ct.doubleData());
    }

    @Test
    void badShapesAndArgumentsAreNamedInTheMessage() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 4, 5);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> MatMul.matmul(a, b));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        ShapeMismatchException batch = assertThrows(ShapeMismatchException.class,
                () -> MatMul.matmul(Tensor.zeros(DType.FLOAT32, 2, 2, 3), Tensor.zeros(DType.FLOAT32, 3, 3, 2)));
        assertTrue(batch.getMessage().contains("[2, 2, 3]") && batch.getMessage().contains("[3, 3, 2]"),
                batch.getMessage());
        assertThrows(ShapeMismatchException.class, () -> MatMul.matmul(Tensor.zeros(DType.FLOAT32, 3), b));
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(a, Tensor.zeros(DType.FLOAT64, 3, 2)));
        float[] small = new float[5];
        IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
                () -> MatMul.gemm(1, false, false, 2, 3, 2, small, 0, 0, new float[6], 0, 0, new float[4], 0, 0, false, null));
        assertTrue(shortArray.getMessage().contains("A needs 6"), shortArray.getMessage());
        float[] same = new float[9];
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.gemm(1, false, false, 3, 3, 3, same, 0, 0, new float[9], 0, 0, same, 0, 0, false, null));
        Tensor c = Tensor.zeros(DType.FLOAT32, 2, 4);
        assertThrows(ShapeMismatchException.class,
                () -> MatMul.matmulInto(a, false, Tensor.zeros(DType.FLOAT32, 3, 5), false, c, false, null));
    }

    @Test
    void vectorKernelsAreSelectedWhenTheModuleIsPresent() {
        assumeTrue(VECTOR_MODULE && !"false".equalsIgnoreCase(System.getProperty("flows4j.vector")));
        assertTrue(MatMul.vectorized(), MatMul.kernelName());
    }

    @Test
    void aJvmWithoutTheVectorModuleFallsBackToScalarKernels() throws Exception {
        String out = ChildJvm.run(ScalarFallbackMain.class);
        assertTrue(out.contains("vectorized=false") && out.contains("product ok"), out);
    }
}
