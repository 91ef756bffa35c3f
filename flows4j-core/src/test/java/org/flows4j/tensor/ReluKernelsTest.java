package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReluKernelsTest {
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
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), ReluKernels.vectorized());
    }

    @Test
    void backwardSelectsTheGradientWhereTheOutputIsPositive() {
        Random r = new Random(3);
        for (int n : new int[] {0, 1, 7, 16, 33, 100, 1000}) {
            float[] g = values(r, n);
            float[] y = values(r, n);
            float[] got = new float[n];
            ReluKernels.backward(g, y, got, 0, n);
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
        ReluKernels.backward(g, y, out, 3, 19);
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
            ReluKernels.biasRelu(v, m + 1, b, m);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(v[i]), "m=" + m + " i=" + i);
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
        ReluKernels.kernel().backward(g, y, a, 1, 4099);
        ReluKernels.Scalar.INSTANCE.backward(g, y, b, 1, 4099);
        assertArrayEquals(b, a);
        float[] v1 = values(r, 300);
        float[] v2 = v1.clone();
        float[] bias = values(r, 299);
        ReluKernels.kernel().biasRelu(v1, 1, bias, 299);
        ReluKernels.Scalar.INSTANCE.biasRelu(v2, 1, bias, 299);
        assertArrayEquals(v2, v1);
    }
}
