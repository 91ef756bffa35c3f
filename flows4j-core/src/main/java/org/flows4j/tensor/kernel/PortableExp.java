package org.flows4j.tensor.kernel;

/**
 * {@code exp(x)} in double precision from IEEE additions, multiplications, fused multiply-adds and
 * bit operations only, so it gives the same bits in the interpreter, in C1- and C2-compiled code and
 * in {@link VectorPortableMath}'s lane-wise form (unlike {@link Math#exp} against the Vector API's
 * {@code EXP}, which may differ in the last bit). Within about 1 ulp of the exact value.
 *
 * <p>Method: clamp {@code x} to {@code [-746, 710]} (beyond those {@code exp} underflows to 0 or
 * overflows to infinity anyway; NaN passes), then {@code x = k ln2 + r} with
 * {@code k = round(x / ln2)} found by adding {@code 1.5 * 2^52} (which leaves {@code k} in the low
 * mantissa bits) and {@code r = x - k ln2_hi - k ln2_lo} by two fused multiply-adds
 * ({@code k ln2_hi} is exact inside the first, so {@code |r| <= ln2 / 2} carries no cancellation
 * error); {@code e^r} is the Taylor polynomial of degree 13 in Horner form (truncation below
 * {@code 0.02} ulp for {@code |r| <= 0.347}); the result is {@code e^r 2^k1 2^k2} with
 * {@code k1 = floor(k / 2)}, {@code k2 = k - k1}, two powers of two built from their exponent bits
 * that are normal for every clamped {@code k}, so the first product is exact and only the second
 * rounds, also into the subnormal range.
 */
public final class PortableExp {
    static final double LOG2E = 0x1.71547652b82fep0;
    static final double SHIFT = 0x1.8p52;
    static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    static final double NEG_LN2_HI = -0x1.62e42fefa39efp-1;
    static final double NEG_LN2_LO = -0x1.abc9e3b39803fp-56;
    static final double LOW = -746.0;
    static final double HIGH = 710.0;
    /** {@code 1 / n!} for {@code n = 0..13}. */
    static final double[] C = taylor(13);

    private PortableExp() {
    }

    private static double[] taylor(int degree) {
        double[] c = new double[degree + 1];
        c[0] = 1.0;
        for (int n = 1; n <= degree; n++) {
            c[n] = c[n - 1] / n;
        }
        return c;
    }

    /** {@code e^x}, NaN for NaN, 0 for {@code -Infinity}, {@code Infinity} for large {@code x}. */
    public static double exp(double x) {
        double c = x < LOW ? LOW : (x > HIGH ? HIGH : x);
        double t = Math.fma(c, LOG2E, SHIFT);
        double kd = t - SHIFT;
        double r = Math.fma(kd, NEG_LN2_HI, c);
        r = Math.fma(kd, NEG_LN2_LO, r);
        double p = C[13];
        for (int n = 12; n >= 0; n--) {
            p = Math.fma(p, r, C[n]);
        }
        long k = Double.doubleToRawLongBits(t) - SHIFT_BITS;
        long k1 = k >> 1;
        long k2 = k - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }
}
