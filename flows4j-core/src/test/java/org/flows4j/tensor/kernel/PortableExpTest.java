package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.flows4j.tensor.ChildJvm;
import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class PortableExpTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -1e-300, 1e-17, -1e-17,
        0.34657359027997264, -0.34657359027997264, 0.34657359027997270, 709.782712893384, 709.7827128933841,
        709.79, 710.0, 711.0, 1e10, Double.MAX_VALUE, -708.3964185322641, -708.4, -720.0, -744.44007192138,
        -745.1332191019411, -745.1332191019412, -745.2, -746.0, -800.0, -1e10, -Double.MAX_VALUE};

    /** Special values, then random values over the whole finite range of exp and over [-1, 1]. */
    static double[] inputs() {
        Rng rng = new Rng(11);
        int n = 20_000;
        double[] v = new double[SPECIAL.length + 2 * n];
        System.arraycopy(SPECIAL, 0, v, 0, SPECIAL.length);
        for (int i = 0; i < n; i++) {
            v[SPECIAL.length + i] = -750.0 + 1465.0 * rng.nextDouble();
            v[SPECIAL.length + n + i] = -1.0 + 2.0 * rng.nextDouble();
        }
        return v;
    }

    /** Distance in units of the last place of {@code exact} (the spacing at the larger of the two). */
    static double ulps(double exact, double actual) {
        if (exact == actual) {
            return 0.0;
        }
        return Math.abs(exact - actual) / Math.ulp(Math.max(Math.abs(exact), Math.abs(actual)));
    }

    /** An in-place sweep over {@code [from, to)}. */
    interface Sweep {
        void apply(double[] a, int from, int to);
    }

    /** Asserts {@code actual} within {@code maxUlps} of {@code strict} (NaN exactly where it is NaN); the worst. */
    static double assertNearStrictMath(double[] inputs, DoubleUnaryOperator strict, DoubleUnaryOperator actual,
            double maxUlps, String name) {
        double worst = 0.0;
        for (double x : inputs) {
            double e = strict.applyAsDouble(x);
            double a = actual.applyAsDouble(x);
            if (Double.isNaN(e)) {
                assertTrue(Double.isNaN(a), name + "(" + x + ") = " + a);
                continue;
            }
            double u = ulps(e, a);
            worst = Math.max(worst, u);
            assertTrue(u <= maxUlps, name + "(" + x + ") = " + a + ", StrictMath " + e + ", " + u + " ulps");
        }
        return worst;
    }

    /** Asserts that a sweep starting anywhere gives each element the bits of the scalar function (after warm-up). */
    static void assertSweepMatchesScalar(double[] v, Sweep sweep, DoubleUnaryOperator scalar, String name) {
        for (int warm = 0; warm < 200; warm++) {
            sweep.apply(v.clone(), warm % 7, v.length);
        }
        for (int from = 0; from < 9; from++) {
            double[] a = v.clone();
            sweep.apply(a, from, a.length);
            for (int i = from; i < v.length; i++) {
                assertEquals(Double.doubleToRawLongBits(scalar.applyAsDouble(v[i])), Double.doubleToRawLongBits(a[i]),
                        name + "(" + v[i] + ") at position " + i + " of a sweep from " + from);
            }
        }
    }

    @Test
    void withinOneUlpOfStrictMathAndExactOnSpecialValues() {
        double worst = assertNearStrictMath(inputs(), StrictMath::exp, PortableExp::exp, 1.0, "exp");
        assertTrue(worst > 0.0, "expected some last-bit differences from StrictMath");
        assertEquals(1.0, PortableExp.exp(0.0));
        assertEquals(1.0, PortableExp.exp(-0.0));
        assertEquals(0.0, PortableExp.exp(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, PortableExp.exp(Double.POSITIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, PortableExp.exp(709.79));
        assertEquals(Double.MIN_VALUE, PortableExp.exp(-745.1332191019411));
        assertEquals(0.0, PortableExp.exp(-745.2));
        assertTrue(Double.isNaN(PortableExp.exp(Double.NaN)));
    }

    @Test
    void withinOneUlpOfAHighPrecisionTaylorSeries() {
        Rng rng = new Rng(12);
        MathContext mc = new MathContext(40);
        for (int i = 0; i < 300; i++) {
            double x = -40.0 + 80.0 * rng.nextDouble();
            BigDecimal bx = new BigDecimal(Math.abs(x));
            BigDecimal term = BigDecimal.ONE;
            BigDecimal sum = BigDecimal.ONE;
            for (int n = 1; n < 400; n++) {
                term = term.multiply(bx, mc).divide(BigDecimal.valueOf(n), mc);
                sum = sum.add(term, mc);
            }
            double exact = (x < 0 ? BigDecimal.ONE.divide(sum, mc) : sum).doubleValue();
            double u = ulps(exact, PortableExp.exp(x));
            assertTrue(u <= 1.0, "exp(" + x + ") off by " + u + " ulps");
        }
    }

    @Test
    void theSweepGivesTheScalarBitsAtEveryPosition() {
        assertSweepMatchesScalar(inputs(), BulkMath.portable()::exp, PortableExp::exp, "exp");
    }

    /**
     * Exp, log and log1p, scalar and swept (vectorized here when the module is present), give the same
     * bits after warm-up in this JVM as interpreted or C1-compiled in child JVMs with and without the
     * vector module; the scalar and swept digests also agree with each other.
     */
    @Test
    void interpretedAndC1CompiledChildJvmsGiveTheBitsOfThisWarmedUpOne() throws Exception {
        String expected = "";
        for (int warm = 0; warm < 100; warm++) {
            expected = PortableMathMain.digests();
        }
        for (String op : expected.split(" ")) {
            String[] halves = op.substring(op.indexOf('=') + 1).split("/");
            assertEquals(halves[0], halves[1], "scalar and swept digests of " + op);
        }
        String vector = "--add-modules=jdk.incubator.vector";
        for (List<String> flags : List.of(List.of("-Xint", vector), List.of("-XX:TieredStopAtLevel=1", vector),
                List.of("-Xint"))) {
            String out = ChildJvm.run(PortableMathMain.class, flags);
            assertTrue(out.contains(expected), "child JVM " + flags + " printed " + out + ", expected " + expected);
        }
    }
}
