package org.flows4j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdamKernels} on the Vector API: a float vector of the preferred shape widens into two double
 * vectors (parts 0 and 1), each runs the scalar loop's operations lane-wise, and the results narrow
 * back into the lower and upper halves. Only the preferred shapes are used, and the body is written
 * out in the loop (a helper taking vectors was not inlined and boxed them; see
 * {@code VectorPortableMath}). The remainder runs the scalar loop.
 *
 * <p>Loaded by {@link AdamKernels} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorAdamKernels implements AdamKernels.Kernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();

    @Override
    public void update(float[] p, float[] g, float[] m, float[] v, double b1, double b2, double eps, double shrink,
                       double l2, double step, double rootC2) {
        int i = 0;
        double c1 = 1.0 - b1;
        double c2 = 1.0 - b2;
        VectorMask<Float> upper = FS.indexInRange(-FL / 2, FL / 2);
        for (; i <= p.length - FL; i += FL) {
            FloatVector pf = FloatVector.fromArray(FS, p, i);
            FloatVector gf = FloatVector.fromArray(FS, g, i);
            FloatVector mf = FloatVector.fromArray(FS, m, i);
            FloatVector vf = FloatVector.fromArray(FS, v, i);

            DoubleVector p0 = (DoubleVector) pf.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector g0 = ((DoubleVector) gf.convertShape(VectorOperators.F2D, DS, 0)).add(p0.mul(l2));
            DoubleVector m0 = ((DoubleVector) mf.convertShape(VectorOperators.F2D, DS, 0)).mul(b1).add(g0.mul(c1));
            DoubleVector v0 = ((DoubleVector) vf.convertShape(VectorOperators.F2D, DS, 0)).mul(b2)
                    .add(g0.mul(c2).mul(g0));
            DoubleVector n0 = p0.mul(shrink).sub(m0.mul(step).div(v0.sqrt().div(rootC2).add(eps)));

            DoubleVector p1 = (DoubleVector) pf.convertShape(VectorOperators.F2D, DS, 1);
            DoubleVector g1 = ((DoubleVector) gf.convertShape(VectorOperators.F2D, DS, 1)).add(p1.mul(l2));
            DoubleVector m1 = ((DoubleVector) mf.convertShape(VectorOperators.F2D, DS, 1)).mul(b1).add(g1.mul(c1));
            DoubleVector v1 = ((DoubleVector) vf.convertShape(VectorOperators.F2D, DS, 1)).mul(b2)
                    .add(g1.mul(c2).mul(g1));
            DoubleVector n1 = p1.mul(shrink).sub(m1.mul(step).div(v1.sqrt().div(rootC2).add(eps)));

            ((FloatVector) m0.convertShape(VectorOperators.D2F, FS, 0))
                    .blend((FloatVector) m1.convertShape(VectorOperators.D2F, FS, -1), upper).intoArray(m, i);
            ((FloatVector) v0.convertShape(VectorOperators.D2F, FS, 0))
                    .blend((FloatVector) v1.convertShape(VectorOperators.D2F, FS, -1), upper).intoArray(v, i);
            ((FloatVector) n0.convertShape(VectorOperators.D2F, FS, 0))
                    .blend((FloatVector) n1.convertShape(VectorOperators.D2F, FS, -1), upper).intoArray(p, i);
        }
        AdamKernels.Scalar.tail(p, g, m, v, i, b1, b2, eps, shrink, l2, step, rootC2);
    }
}
