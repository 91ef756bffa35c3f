package org.flows4j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PortableExp} and {@link PortableLog} lane-wise on the Vector API: the same sequence of
 * comparisons, fused multiply-adds, additions, multiplications, divisions and bit operations, each
 * exactly rounded (or exact) by specification in every execution mode, so every element gets the same
 * bits as from the scalar functions, wherever it sits in the array. Full vectors of the preferred
 * species, then the scalar functions for the remainder.
 *
 * <p>Loaded by {@link BulkMath} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorPortableMath implements BulkMath.Kernel {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();

    private static final int EXP = 0;
    private static final int LOG = 1;
    private static final int LOG1P = 2;

    @Override
    public void exp(double[] a, int from, int to) {
        int end = vectorEnd(from, to);
        for (int i = from; i < end; i += DL) {
            exp(DoubleVector.fromArray(DS, a, i)).intoArray(a, i);
        }
        scalarTail(a, end, to, EXP);
    }

    @Override
    public void log(double[] a, int from, int to) {
        int end = vectorEnd(from, to);
        for (int i = from; i < end; i += DL) {
            log(DoubleVector.fromArray(DS, a, i)).intoArray(a, i);
        }
        scalarTail(a, end, to, LOG);
    }

    @Override
    public void log1p(double[] a, int from, int to) {
        int end = vectorEnd(from, to);
        for (int i = from; i < end; i += DL) {
            log1p(DoubleVector.fromArray(DS, a, i)).intoArray(a, i);
        }
        scalarTail(a, end, to, LOG1P);
    }

    /** Where the full vectors from {@code from} end. */
    private static int vectorEnd(int from, int to) {
        return to - from < DL ? from : to - (to - from) % DL;
    }

    /** The scalar form of {@code op} on the remainder {@code [from, to)}. */
    private static void scalarTail(double[] a, int from, int to, int op) {
        for (int i = from; i < to; i++) {
            a[i] = op == EXP ? PortableExp.exp(a[i]) : op == LOG ? PortableLog.log(a[i]) : PortableLog.log1p(a[i]);
        }
    }

    private static DoubleVector log1p(DoubleVector u) {
        DoubleVector v = u.add(1.0);
        DoubleVector m = v.sub(1.0);
        DoubleVector r = log(v).mul(u.div(m));
        r = r.blend(u, m.eq(0.0).or(u.eq(Double.POSITIVE_INFINITY)));
        return r.blend(Double.NaN, u.compare(VectorOperators.GE, -1.0).not());
    }

    private static DoubleVector exp(DoubleVector in) {
        DoubleVector x = in.blend(PortableExp.LOW, in.lt(PortableExp.LOW))
                .blend(PortableExp.HIGH, in.compare(VectorOperators.GT, PortableExp.HIGH));
        DoubleVector t = x.fma(PortableExp.LOG2E, PortableExp.SHIFT);
        DoubleVector kd = t.sub(PortableExp.SHIFT);
        DoubleVector r = kd.fma(DoubleVector.broadcast(DS, PortableExp.NEG_LN2_HI), x);
        r = kd.fma(DoubleVector.broadcast(DS, PortableExp.NEG_LN2_LO), r);
        double[] c = PortableExp.C;
        DoubleVector p = DoubleVector.broadcast(DS, c[c.length - 1]);
        for (int n = c.length - 2; n >= 0; n--) {
            p = p.fma(r, DoubleVector.broadcast(DS, c[n]));
        }
        LongVector k = ((LongVector) t.viewAsIntegralLanes()).sub(PortableExp.SHIFT_BITS);
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = k.sub(k1);
        return p.mul(powerOfTwo(k1)).mul(powerOfTwo(k2));
    }

    /** {@code 2^k} for {@code -1022 <= k <= 1023}, from the exponent bits. */
    private static DoubleVector powerOfTwo(LongVector k) {
        return (DoubleVector) k.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
    }

    private static DoubleVector log(DoubleVector x) {
        VectorMask<Double> sub = x.lt(Double.MIN_NORMAL);
        DoubleVector y = x.blend(x.mul(PortableLog.TWO_54), sub);
        LongVector bits = (LongVector) y.viewAsIntegralLanes();
        LongVector e = bits.sub(PortableLog.SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
        DoubleVector m = (DoubleVector) bits.sub(e.lanewise(VectorOperators.LSHL, 52)).viewAsFloatingLanes();
        DoubleVector ed = ((DoubleVector) e.add(PortableExp.SHIFT_BITS).viewAsFloatingLanes()).sub(PortableExp.SHIFT);
        ed = ed.blend(ed.sub(54.0), sub);
        DoubleVector f = m.sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        double[] c = PortableLog.R;
        DoubleVector r = DoubleVector.broadcast(DS, c[c.length - 1]);
        for (int j = c.length - 2; j >= 0; j--) {
            r = r.fma(z, DoubleVector.broadcast(DS, c[j]));
        }
        r = r.mul(z);
        DoubleVector hfsq = f.mul(0.5).mul(f);
        DoubleVector t = ed.fma(DoubleVector.broadcast(DS, PortableLog.LN2_LO), s.mul(hfsq.add(r)));
        DoubleVector res = ed.mul(PortableLog.LN2_HI).sub(hfsq.sub(t).sub(f));
        res = res.blend(Double.NaN, x.compare(VectorOperators.GT, 0.0).not());
        res = res.blend(x, x.eq(Double.POSITIVE_INFINITY));
        return res.blend(Double.NEGATIVE_INFINITY, x.eq(0.0));
    }
}
