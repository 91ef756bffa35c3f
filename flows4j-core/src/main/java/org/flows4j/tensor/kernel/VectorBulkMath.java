package org.flows4j.tensor.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BulkMath} on the Vector API: full vectors of the preferred species, then one masked vector
 * for the remainder, so each element sees the same lane-wise function wherever it sits.
 *
 * <p>Loaded by {@link BulkMath} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorBulkMath implements BulkMath.Kernel {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();

    private static void apply(double[] a, int from, int to, VectorOperators.Unary op) {
        int i = from;
        for (; i <= to - DL; i += DL) {
            DoubleVector.fromArray(DS, a, i).lanewise(op).intoArray(a, i);
        }
        if (i < to) {
            VectorMask<Double> m = DS.indexInRange(i, to);
            DoubleVector.fromArray(DS, a, i, m).lanewise(op).intoArray(a, i, m);
        }
    }

    @Override
    public void exp(double[] a, int from, int to) {
        apply(a, from, to, VectorOperators.EXP);
    }

    @Override
    public void log(double[] a, int from, int to) {
        apply(a, from, to, VectorOperators.LOG);
    }

    @Override
    public void log1p(double[] a, int from, int to) {
        apply(a, from, to, VectorOperators.LOG1P);
    }
}
