package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamKernelsTest {
    private static float[] values(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(17) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    @Test
    void theVectorLoopIsInUseWhenTheModuleIsLoaded() {
        assertEquals(VectorModule.available(), AdamKernels.kernel() != AdamKernels.Scalar.INSTANCE);
    }

    @Test
    void vectorAndScalarLoopsGiveTheSameBits() {
        Random r = new Random(7);
        for (int n : new int[] {1, 15, 16, 17, 100, 1000, 4099}) {
            float[] p = values(r, n, 1);
            float[] g = values(r, n, 1e-2);
            float[] m = values(r, n, 1e-3);
            float[] v = values(r, n, 1e-4);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[][] a = {p.clone(), g, m.clone(), v.clone()};
            float[][] b = {p.clone(), g, m.clone(), v.clone()};
            AdamKernels.kernel().update(a[0], a[1], a[2], a[3], 0.9, 0.999, 1e-8, 0.99, 0.01, 1e-3 / 0.1, Math.sqrt(0.001));
            AdamKernels.Scalar.INSTANCE.update(b[0], b[1], b[2], b[3], 0.9, 0.999, 1e-8, 0.99, 0.01, 1e-3 / 0.1,
                    Math.sqrt(0.001));
            assertArrayEquals(b[0], a[0], "p, n=" + n);
            assertArrayEquals(b[2], a[2], "m, n=" + n);
            assertArrayEquals(b[3], a[3], "v, n=" + n);
        }
    }

    @Test
    void oneElementFollowsTheFormulaInFloat32() {
        float[] p = {0.5f};
        float[] g = {0.2f};
        float[] m = {0.1f};
        float[] v = {0.04f};
        AdamKernels.update(p, g, m, v, 0.9, 0.999, 1e-8, 1.0, 0.0, 0.01, 1.0);
        float mi = 0.1f * 0.9f + 0.2f * 0.1f;
        float vi = 0.04f * 0.999f + 0.2f * 0.001f * 0.2f;
        assertEquals(mi, m[0]);
        assertEquals(vi, v[0]);
        assertEquals(0.5f - mi * 0.01f / ((float) Math.sqrt(vi) + 1e-8f), p[0]);
        assertEquals(0.5 - 0.01 * 0.11 / (Math.sqrt(0.999 * 0.04 + 0.001 * 0.04) + 1e-8), p[0], 1e-7);
    }
}
