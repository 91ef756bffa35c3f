package org.flows4j.tensor.kernel;

import static org.flows4j.tensor.kernel.PortableExp.C;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PortableExp#exp} and {@link PortableLog#log} lane-wise on the Vector API: the same sequence
 * of comparisons, fused multiply-adds, additions, multiplications, divisions and bit operations, each
 * exactly rounded (or exact) by specification in every execution mode, so every element gets the same
 * bits as from the scalar functions, wherever it sits in the array. Full vectors of the preferred
 * species, then the scalar functions for the remainder; {@code log1p} is the scalar loop.
 *
 * <p>Each lane-wise body is written out inside its loop: a helper method taking and returning vectors gets compiled on its own once hot, after which C2 refuses to inline it
 * ("already compiled into a big method") and every call boxes its vectors, several times slower.
 *
 * <p>Loaded by {@link BulkMath} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorPortableMath implements BulkMath.Kernel {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();

    @Override
    public void exp(double[] a, int from, int to) {
        int end = to - from < DL ? from : to - (to - from) % DL;
        for (int i = from; i < end; i += DL) {
            DoubleVector in = DoubleVector.fromArray(DS, a, i);
            DoubleVector x = in.blend(PortableExp.LOW, in.lt(PortableExp.LOW))
                    .blend(PortableExp.HIGH, in.compare(VectorOperators.GT, PortableExp.HIGH));
            DoubleVector t = x.fma(PortableExp.LOG2E, PortableExp.SHIFT);
            DoubleVector kd = t.sub(PortableExp.SHIFT);
            DoubleVector r = kd.fma(DoubleVector.broadcast(DS, PortableExp.NEG_LN2_HI), x);
            r = kd.fma(DoubleVector.broadcast(DS, PortableExp.NEG_LN2_LO), r);
            DoubleVector p = r.fma(DoubleVector.broadcast(DS, C[13]), DoubleVector.broadcast(DS, C[12]));
            for (int n = 11; n >= 0; n--) {
                p = p.fma(r, DoubleVector.broadcast(DS, C[n]));
            }
            LongVector k = ((LongVector) t.viewAsIntegralLanes()).sub(PortableExp.SHIFT_BITS);
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = k.sub(k1);
            DoubleVector s1 = (DoubleVector) k1.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
            DoubleVector s2 = (DoubleVector) k2.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
            p.mul(s1).mul(s2).intoArray(a, i);
        }
        for (int i = end; i < to; i++) {
            a[i] = PortableExp.exp(a[i]);
        }
    }

    @Override
    public void log(double[] a, int from, int to) {
        double[] c = PortableLog.R;
        int end = to - from < DL ? from : to - (to - from) % DL;
        for (int i = from; i < end; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, i);
            VectorMask<Double> sub = x.lt(Double.MIN_NORMAL);
            LongVector bits = (LongVector) x.blend(x.mul(PortableLog.TWO_54), sub).viewAsIntegralLanes();
            LongVector e = bits.sub(PortableLog.SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
            DoubleVector m = (DoubleVector) bits.sub(e.lanewise(VectorOperators.LSHL, 52)).viewAsFloatingLanes();
            DoubleVector ed = ((DoubleVector) e.add(PortableExp.SHIFT_BITS).viewAsFloatingLanes()).sub(PortableExp.SHIFT);
            ed = ed.blend(ed.sub(54.0), sub);
            DoubleVector f = m.sub(1.0);
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector z2 = z.mul(z);
            DoubleVector z4 = z2.mul(z2);
            DoubleVector q01 = z.fma(DoubleVector.broadcast(DS, c[1]), DoubleVector.broadcast(DS, c[0]));
            DoubleVector q23 = z.fma(DoubleVector.broadcast(DS, c[3]), DoubleVector.broadcast(DS, c[2]));
            DoubleVector q45 = z.fma(DoubleVector.broadcast(DS, c[5]), DoubleVector.broadcast(DS, c[4]));
            DoubleVector q67 = z.fma(DoubleVector.broadcast(DS, c[7]), DoubleVector.broadcast(DS, c[6]));
            DoubleVector q89 = z.fma(DoubleVector.broadcast(DS, c[9]), DoubleVector.broadcast(DS, c[8]));
            DoubleVector q0123 = q23.fma(z2, q01);
            DoubleVector q4567 = q67.fma(z2, q45);
            DoubleVector r = q89.fma(z4.mul(z4), q4567.fma(z4, q0123)).mul(z);
            DoubleVector hfsq = f.mul(0.5).mul(f);
            DoubleVector t = ed.fma(DoubleVector.broadcast(DS, PortableLog.LN2_LO), s.mul(hfsq.add(r)));
            DoubleVector res = ed.mul(PortableLog.LN2_HI).sub(hfsq.sub(t).sub(f));
            res = res.blend(Double.NaN, x.compare(VectorOperators.GT, 0.0).not());
            res = res.blend(x, x.eq(Double.POSITIVE_INFINITY));
            res.blend(Double.NEGATIVE_INFINITY, x.eq(0.0)).intoArray(a, i);
        }
        for (int i = end; i < to; i++) {
            a[i] = PortableLog.log(a[i]);
        }
    }

    @Override
    public void log1p(double[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = PortableLog.log1p(a[i]);
        }
    }
}
