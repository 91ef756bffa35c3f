package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class BulkMathTest {
    private interface Sweep {
        void apply(BulkMath.Kernel k, double[] a, int from, int to);
    }

    private static final BulkMath.Kernel SCALAR = BulkMath.ScalarKernel.INSTANCE;

    /**
     * The scalar kernel, the one in use, the portable one, and the opt-in vector kernel when the
     * module is present.
     */
    private static BulkMath.Kernel[] kernels() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return module ? new BulkMath.Kernel[] {SCALAR, BulkMath.kernel(), BulkMath.portable(), new VectorBulkMath()}
                : new BulkMath.Kernel[] {SCALAR, BulkMath.kernel(), BulkMath.portable()};
    }

    private static double[] values(long seed, int n, double lo, double hi) {
        Rng rng = new Rng(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return v;
    }

    private static void assertWithinUlps(DoubleUnaryOperator exact, Sweep sweep, double[] v, int ulps, String what) {
        for (BulkMath.Kernel k : kernels()) {
            double[] a = v.clone();
            sweep.apply(k, a, 0, a.length);
            for (int i = 0; i < v.length; i++) {
                double e = exact.applyAsDouble(v[i]);
                assertEquals(e, a[i], ulps * Math.ulp(e), what + "(" + v[i] + ") with " + k.getClass().getSimpleName());
            }
        }
    }

    @Test
    void kernelsAgreeWithJavaLangMath() {
        assertWithinUlps(Math::exp, BulkMath.Kernel::exp, values(1, 1001, -740, 700), 2, "exp");
        assertWithinUlps(Math::exp, BulkMath.Kernel::exp, values(2, 1001, -1, 1), 2, "exp");
        assertWithinUlps(Math::log, BulkMath.Kernel::log, values(3, 1001, 1e-300, 1e300), 2, "log");
        assertWithinUlps(Math::log, BulkMath.Kernel::log, values(4, 1001, 0.5, 2), 2, "log");
        assertWithinUlps(Math::log1p, BulkMath.Kernel::log1p, values(5, 1001, -0.9, 1e3), 4, "log1p");
        assertWithinUlps(Math::log1p, BulkMath.Kernel::log1p, values(6, 1001, 0, 1e-12), 4, "log1p");
    }

    @Test
    void specialValues() {
        for (BulkMath.Kernel k : kernels()) {
            double[] e = {Double.NEGATIVE_INFINITY, -800, 0};
            k.exp(e, 0, 3);
            assertEquals(0.0, e[0]);
            assertEquals(0.0, e[1]);
            assertEquals(1.0, e[2]);
            double[] l = {0, 1, -1};
            k.log(l, 0, 3);
            assertEquals(Double.NEGATIVE_INFINITY, l[0]);
            assertEquals(0.0, l[1]);
            assertTrue(Double.isNaN(l[2]));
            double[] p = {0, 1e-300};
            k.log1p(p, 0, 2);
            assertEquals(0.0, p[0]);
            assertEquals(1e-300, p[1], Math.ulp(1e-300));
        }
    }

    @Test
    void eachElementGetsTheSameBitsWhereverTheRangeStarts() {
        double[] v = values(7, 64, -5, 5);
        double[] whole = v.clone();
        BulkMath.exp(whole, 0, whole.length);
        for (int from = 1; from < 20; from++) {
            for (int to : new int[] {from + 1, from + 13, 64}) {
                double[] part = v.clone();
                BulkMath.exp(part, from, to);
                for (int i = 0; i < v.length; i++) {
                    double expected = i >= from && i < to ? whole[i] : v[i];
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(part[i]),
                            "element " + i + " of range [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void theVectorPathIsUsedOnlyWhenAskedForAndTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module && Boolean.getBoolean("flows4j.fastMath"), BulkMath.vectorized());
    }

    @Test
    void rangesOutsideTheArrayAreRejected() {
        double[] a = new double[4];
        String m = assertThrows(IndexOutOfBoundsException.class, () -> BulkMath.exp(a, 2, 5)).getMessage();
        assertTrue(m.contains("BulkMath.exp") && m.contains("[2, 5)") && m.contains("length 4"), m);
        assertThrows(IndexOutOfBoundsException.class, () -> BulkMath.log(a, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> BulkMath.log1p(a, 3, 2));
    }
}
