package org.flows4j.tensor.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LinearKernels} on the Vector API: whole vectors of the preferred species, then the remainder
 * with the scalar loop (same bits: each element is a select or one add and a comparison).
 *
 * <p>Loaded by {@link LinearKernels} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorLinearKernels implements LinearKernels.Kernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    /**
     * Doubles of the same bit size as {@link #FS}: a float vector widens into two of them (parts 0 and
     * 1). Only the preferred shape is used; mixing float shapes in one JVM pollutes the type profiles
     * the Vector API intrinsics depend on, and the matmul kernel then ran 10x slower.
     */
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    @Override
    public void backward(float[] g, float[] y, float[] out, int from, int to) {
        FloatVector zero = FloatVector.zero(FS);
        int i = from;
        for (; i <= to - FL; i += FL) {
            VectorMask<Float> active = FloatVector.fromArray(FS, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(FS, g, i), active).intoArray(out, i);
        }
        LinearKernels.Scalar.INSTANCE.backward(g, y, out, i, to);
    }

    @Override
    public void biasRelu(float[] v, int off, float[] b, int m) {
        int j = 0;
        for (; j <= m - FL; j += FL) {
            FloatVector s = FloatVector.fromArray(FS, v, off + j).add(FloatVector.fromArray(FS, b, j));
            s.blend(0f, s.compare(VectorOperators.LE, 0f)).intoArray(v, off + j);
        }
        for (; j < m; j++) {
            v[off + j] = Math.max(v[off + j] + b[j], 0f);
        }
    }

    @Override
    public void columnSums(float[] g, int rows, int m, double[] out) {
        int j = 0;
        for (; j <= m - FL; j += FL) {
            DoubleVector lo = DoubleVector.zero(DS);
            DoubleVector hi = lo;
            for (int i = 0; i < rows; i++) {
                FloatVector v = FloatVector.fromArray(FS, g, i * m + j);
                lo = lo.add(v.convertShape(VectorOperators.F2D, DS, 0));
                hi = hi.add(v.convertShape(VectorOperators.F2D, DS, 1));
            }
            lo.intoArray(out, j);
            hi.intoArray(out, j + FL / 2);
        }
        LinearKernels.Scalar.columnRange(g, rows, m, j, m, out);
    }
}
