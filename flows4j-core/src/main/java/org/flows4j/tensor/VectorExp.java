package org.flows4j.tensor;

import static org.flows4j.tensor.PortableExp.C;
import static org.flows4j.tensor.PortableExp.HIGH;
import static org.flows4j.tensor.PortableExp.LOG2E;
import static org.flows4j.tensor.PortableExp.LOW;
import static org.flows4j.tensor.PortableExp.NEG_LN2_HI;
import static org.flows4j.tensor.PortableExp.NEG_LN2_LO;
import static org.flows4j.tensor.PortableExp.SHIFT;
import static org.flows4j.tensor.PortableExp.SHIFT_BITS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PortableExp#exp(double)} lane-wise on the Vector API: the same sequence of comparisons,
 * fused multiply-adds, additions, multiplications and bit operations, each exactly rounded (or exact)
 * by specification in every execution mode, so every element gets the same bits as from the scalar
 * function, wherever it sits in the array. Full vectors of the preferred species, then the scalar
 * function for the remainder.
 *
 * <p>Loaded by {@link BulkMath} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorExp implements BulkMath.Sweep {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();

    @Override
    public void apply(double[] a, int from, int to) {
        int i = from;
        for (; i <= to - DL; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, i);
            x = x.blend(LOW, x.lt(LOW)).blend(HIGH, x.compare(VectorOperators.GT, HIGH));
            DoubleVector t = x.fma(LOG2E, SHIFT);
            DoubleVector kd = t.sub(SHIFT);
            DoubleVector r = kd.fma(DoubleVector.broadcast(DS, NEG_LN2_HI), x);
            r = kd.fma(DoubleVector.broadcast(DS, NEG_LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(DS, C[13]);
            for (int n = 12; n >= 0; n--) {
                p = p.fma(r, DoubleVector.broadcast(DS, C[n]));
            }
            LongVector k = ((LongVector) t.viewAsIntegralLanes()).sub(SHIFT_BITS);
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = k.sub(k1);
            DoubleVector s1 = (DoubleVector) k1.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
            DoubleVector s2 = (DoubleVector) k2.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
            p.mul(s1).mul(s2).intoArray(a, i);
        }
        PortableExp.exp(a, i, to);
    }
}
