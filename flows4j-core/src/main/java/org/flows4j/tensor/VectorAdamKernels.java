package org.flows4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdamKernels} on the Vector API: float vectors of the preferred shape, the scalar loop's float
 * operations lane-wise in the same order; the remainder runs the scalar loop. The body is written out
 * in the loop (a helper taking vectors was not inlined and boxed them; see {@code VectorPortableMath}).
 *
 * <p>Loaded by {@link AdamKernels} only when the module is in the boot layer; never reference this
 * class from code that must run without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorAdamKernels implements AdamKernels.Kernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();

    @Override
    public void update(float[] p, float[] g, float[] m, float[] v, double b1, double b2, double eps, double shrink,
                       double l2, double step, double rootC2) {
        float[] k = AdamKernels.coefficients(b1, b2, eps, shrink, l2, step, rootC2);
        float fb1 = k[0];
        float fc1 = k[1];
        float fb2 = k[2];
        float fc2 = k[3];
        float fe = k[4];
        float fs = k[5];
        float fl2 = k[6];
        float fst = k[7];
        float fr = k[8];
        int i = 0;
        for (; i <= p.length - FL; i += FL) {
            FloatVector pi = FloatVector.fromArray(FS, p, i);
            FloatVector gi = FloatVector.fromArray(FS, g, i).add(pi.mul(fl2));
            FloatVector mi = FloatVector.fromArray(FS, m, i).mul(fb1).add(gi.mul(fc1));
            FloatVector vi = FloatVector.fromArray(FS, v, i).mul(fb2).add(gi.mul(fc2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            pi.mul(fs).sub(mi.mul(fst).div(vi.sqrt().div(fr).add(fe))).intoArray(p, i);
        }
        AdamKernels.Scalar.tail(p, g, m, v, i, b1, b2, eps, shrink, l2, step, rootC2);
    }
}
