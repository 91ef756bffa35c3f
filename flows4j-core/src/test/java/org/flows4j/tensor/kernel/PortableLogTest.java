package org.flows4j.tensor.kernel;

import static org.flows4j.tensor.kernel.PortableExpTest.assertNearStrictMath;
import static org.flows4j.tensor.kernel.PortableExpTest.assertSweepMatchesScalar;
import static org.flows4j.tensor.kernel.PortableExpTest.ulps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class PortableLogTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_NORMAL,
        Double.MIN_NORMAL * 0.999, Double.MAX_VALUE, 0.7071067811865475, 0.7071067811865476, 1.414213562373095,
        1.4142135623730951, 1.0 + 0x1p-52, 1.0 - 0x1p-53, 1e-300, 1e300, 1e-17, -1e-17, -0.5, -0.999999, 1e18};

    /** Special values, then random values spread over all exponents, near 1, and in (0, 1]. */
    static double[] inputs() {
        Rng rng = new Rng(21);
        int n = 10_000;
        double[] v = new double[SPECIAL.length + 3 * n];
        System.arraycopy(SPECIAL, 0, v, 0, SPECIAL.length);
        int o = SPECIAL.length;
        for (int i = 0; i < n; i++) {
            v[o + i] = Math.scalb(1.0 + rng.nextDouble(), rng.nextInt(2098) - 1075);
            v[o + n + i] = 1.0 + (rng.nextDouble() - 0.5) * 1e-3;
            v[o + 2 * n + i] = rng.nextDouble();
        }
        return v;
    }

    @Test
    void logWithinOneUlpOfStrictMathAndExactOnSpecialValues() {
        assertNearStrictMath(inputs(), StrictMath::log, PortableLog::log, 1.0, "log");
        assertEquals(Double.NEGATIVE_INFINITY, PortableLog.log(0.0));
        assertEquals(Double.NEGATIVE_INFINITY, PortableLog.log(-0.0));
        assertEquals(0.0, PortableLog.log(1.0));
        assertEquals(Double.POSITIVE_INFINITY, PortableLog.log(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(PortableLog.log(-1e-300)));
        assertTrue(Double.isNaN(PortableLog.log(Double.NEGATIVE_INFINITY)));
        assertEquals(-744.4400719213812, PortableLog.log(Double.MIN_VALUE), 1e-13);
    }

    @Test
    void log1pWithinTwoUlpsOfStrictMath() {
        assertNearStrictMath(inputs(), StrictMath::log1p, PortableLog::log1p, 2.0, "log1p");
        assertEquals(1e-300, PortableLog.log1p(1e-300));
        assertEquals(Double.NEGATIVE_INFINITY, PortableLog.log1p(-1.0));
        assertEquals(Double.POSITIVE_INFINITY, PortableLog.log1p(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(PortableLog.log1p(-2.0)));
    }

    /** Against {@code 2 atanh((x - 1) / (x + 1))} summed in 40 digits (converges for every x > 0). */
    @Test
    void logWithinOneUlpOfAHighPrecisionSeries() {
        Rng rng = new Rng(22);
        MathContext mc = new MathContext(40);
        for (int i = 0; i < 200; i++) {
            double x = 0.25 + 3.75 * rng.nextDouble();
            BigDecimal bx = new BigDecimal(x);
            BigDecimal s = bx.subtract(BigDecimal.ONE).divide(bx.add(BigDecimal.ONE), mc);
            BigDecimal s2 = s.multiply(s, mc);
            BigDecimal pow = s;
            BigDecimal sum = BigDecimal.ZERO;
            for (int j = 0; j < 200; j++) {
                sum = sum.add(pow.divide(BigDecimal.valueOf(2L * j + 1), mc), mc);
                pow = pow.multiply(s2, mc);
            }
            double exact = sum.multiply(BigDecimal.valueOf(2), mc).doubleValue();
            assertTrue(ulps(exact, PortableLog.log(x)) <= 1.0, "log(" + x + ")");
        }
    }

    @Test
    void theSweepsGiveTheScalarBitsAtEveryPosition() {
        assertSweepMatchesScalar(inputs(), BulkMath.portable()::log, PortableLog::log, "log");
        assertSweepMatchesScalar(inputs(), BulkMath.portable()::log1p, PortableLog::log1p, "log1p");
    }
}
