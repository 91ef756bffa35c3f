package org.flows4j.tensor.kernel;

/**
 * {@code log(x)} and {@code log1p(u)} in double precision from IEEE additions, multiplications,
 * divisions, fused multiply-adds and bit operations only, so, like {@link PortableExp}, they give the
 * same bits in every execution mode and in {@link VectorPortableMath}'s lane-wise form. Within about
 * 1 ulp of the exact value.
 *
 * <p>Method for {@code log}: subnormal {@code x} are first scaled by {@code 2^54}. Subtracting the bit
 * pattern of {@code sqrt(1/2)} from that of {@code x} leaves {@code e = floor(log2(x / sqrt(1/2)))} in
 * the exponent field, so {@code x = 2^e m} with {@code m} in {@code [sqrt(1/2), sqrt(2))} and
 * {@code f = m - 1} exact. With {@code s = f / (2 + f)}, {@code log(m) = 2 atanh(s)
 * = 2s + s R}, {@code R = sum_{j=1..10} 2 s^{2j} / (2j + 1)} (truncation below {@code 10^-18} for
 * {@code |s| <= 0.1716}; evaluated in Estrin's scheme in {@code z = s^2}, all terms positive); since {@code 2s = f - s f} and {@code s f = (1 - s) f^2 / 2}, this is
 * {@code log(m) = f - (f^2/2 - s (f^2/2 + R))}, a small correction to the exact {@code f}. Then
 * {@code log(x) = e ln2_hi - ((f^2/2 - (s (f^2/2 + R) + e ln2_lo)) - f)} with {@code ln2_hi} holding
 * the upper 21 bits of {@code ln2}, so {@code e ln2_hi} is exact ({@code e} is converted to double
 * by the same {@code 1.5 * 2^52} bit trick as in {@link PortableExp}). Special values: NaN below 0 and for NaN, {@code -Infinity}
 * at {@code ±0}, {@code Infinity} at {@code Infinity}.
 *
 * <p>{@code log1p(u) = log(v) u / (v - 1)} with {@code v = fl(1 + u)} (Goldberg): the rounding of
 * {@code v} cancels in the ratio; {@code u} itself when {@code v = 1} or {@code u = Infinity}, and
 * the canonical NaN below {@code -1} and for NaN (so the result's bits never depend on which NaN
 * operand the hardware propagates).
 */
public final class PortableLog {
    static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    static final double LN2_HI = 0x1.62e42p-1;
    static final double LN2_LO = 0x1.fdf473de6af28p-22;
    static final double TWO_54 = 0x1p54;
    /** {@code 2 / (2j + 1)} for {@code j = 1..10}, index {@code j - 1}. */
    static final double[] R = series(10);

    private PortableLog() {
    }

    private static double[] series(int terms) {
        double[] c = new double[terms];
        for (int j = 1; j <= terms; j++) {
            c[j - 1] = 2.0 / (2 * j + 1);
        }
        return c;
    }

    /** The natural logarithm of {@code x}. */
    public static double log(double x) {
        if (!(x > 0.0) || x == Double.POSITIVE_INFINITY) {
            return x == 0.0 ? Double.NEGATIVE_INFINITY : (x > 0.0 ? x : Double.NaN);
        }
        boolean sub = x < Double.MIN_NORMAL;
        double y = sub ? x * TWO_54 : x;
        long bits = Double.doubleToRawLongBits(y);
        long e = (bits - SQRT_HALF_BITS) >> 52;
        double m = Double.longBitsToDouble(bits - (e << 52));
        double ed = Double.longBitsToDouble(e + PortableExp.SHIFT_BITS) - PortableExp.SHIFT - (sub ? 54.0 : 0.0);
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double z2 = z * z;
        double z4 = z2 * z2;
        double q01 = Math.fma(R[1], z, R[0]);
        double q23 = Math.fma(R[3], z, R[2]);
        double q45 = Math.fma(R[5], z, R[4]);
        double q67 = Math.fma(R[7], z, R[6]);
        double q89 = Math.fma(R[9], z, R[8]);
        double q0123 = Math.fma(q23, z2, q01);
        double q4567 = Math.fma(q67, z2, q45);
        double r = Math.fma(q89, z4 * z4, Math.fma(q4567, z4, q0123)) * z;
        double hfsq = 0.5 * f * f;
        double t = Math.fma(ed, LN2_LO, s * (hfsq + r));
        return ed * LN2_HI - ((hfsq - t) - f);
    }

    /** {@code log(1 + u)}, accurate also for tiny {@code u}. */
    public static double log1p(double u) {
        double v = 1.0 + u;
        double m = v - 1.0;
        if (!(u >= -1.0)) {
            return Double.NaN;
        }
        return m == 0.0 || u == Double.POSITIVE_INFINITY ? u : log(v) * (u / m);
    }
}
