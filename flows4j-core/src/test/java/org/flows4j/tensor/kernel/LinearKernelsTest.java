package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearKernelsTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f};

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(5) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void theVectorLoopsAreInUseWhenTheModuleIsLoaded() {
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), LinearKernels.vectorized());
    }

    @Test
    void backwardSelectsTheGradientWhereTheOutputIsPositive() {
        Random r = new Random(3);
        for (int n : new int[] {0, 1, 7, 16, 33, 100, 1000}) {
            float[] g = values(r, n);
            float[] y = values(r, n);
            float[] got = new float[n];
            LinearKernels.backward(g, y, got, 0, n);
            for (int i = 0; i < n; i++) {
                float want = y[i] > 0f ? g[i] : 0f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void backwardTouchesOnlyItsRange() {
        float[] g = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        float[] y = new float[20];
        java.util.Arrays.fill(y, 1f);
        float[] out = new float[20];
        java.util.Arrays.fill(out, -5f);
        LinearKernels.backward(g, y, out, 3, 19);
        assertEquals(-5f, out[2]);
        assertEquals(4f, out[3]);
        assertEquals(19f, out[18]);
        assertEquals(-5f, out[19]);
    }

    @Test
    void biasReluMatchesMaxOfTheSum() {
        Random r = new Random(4);
        for (int m : new int[] {1, 5, 16, 31, 64, 129}) {
            float[] v = values(r, 3 * m + 2);
            float[] b = values(r, m);
            float[] want = v.clone();
            for (int j = 0; j < m; j++) {
                want[m + 1 + j] = Math.max(want[m + 1 + j] + b[j], 0f);
            }
            LinearKernels.biasRelu(v, m + 1, b, m);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(v[i]), "m=" + m + " i=" + i);
            }
        }
    }

    @Test
    void columnSumsAreFloat64SumsInRowOrder() {
        Random r = new Random(6);
        for (int[] shape : new int[][] {{1, 1}, {512, 128}, {37, 19}, {5, 8}, {0, 3}, {100, 4}}) {
            int rows = shape[0];
            int m = shape[1];
            float[] g = new float[rows * m];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            }
            double[] got = new double[m];
            java.util.Arrays.fill(got, 7.0);
            LinearKernels.columnSums(g, rows, m, got);
            for (int j = 0; j < m; j++) {
                double want = 0;
                for (int i = 0; i < rows; i++) {
                    want += g[i * m + j];
                }
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got[j]),
                        rows + "x" + m + " column " + j);
            }
        }
    }

    @Test
    void vectorAndScalarLoopsAgreeBitForBit() {
        Random r = new Random(5);
        float[] g = values(r, 4099);
        float[] y = values(r, 4099);
        float[] a = new float[4099];
        float[] b = new float[4099];
        LinearKernels.kernel().backward(g, y, a, 1, 4099);
        LinearKernels.Scalar.INSTANCE.backward(g, y, b, 1, 4099);
        assertArrayEquals(b, a);
        float[] v1 = values(r, 300);
        float[] v2 = v1.clone();
        float[] bias = values(r, 299);
        LinearKernels.kernel().biasRelu(v1, 1, bias, 299);
        LinearKernels.Scalar.INSTANCE.biasRelu(v2, 1, bias, 299);
        assertArrayEquals(v2, v1);
        float[] cols = values(r, 67 * 45);
        for (int i = 0; i < cols.length; i++) {
            cols[i] = Float.isFinite(cols[i]) ? cols[i] : 1f;
        }
        double[] s1 = new double[45];
        double[] s2 = new double[45];
        LinearKernels.kernel().columnSums(cols, 67, 45, s1);
        LinearKernels.Scalar.INSTANCE.columnSums(cols, 67, 45, s2);
        assertArrayEquals(s2, s1);
    }
}
