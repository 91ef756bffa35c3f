package org.flows4j.tensor;

/**
 * The float32 Adam update loop, for {@code org.flows4j.optim}: for every element, in float32 (as
 * PyTorch updates float32 parameters), with the coefficients rounded to float32 once,
 * <pre>
 *   g' = g + l2 p,   m = b1 m + (1 - b1) g',   v = b2 v + (1 - b2) g' g',
 *   p = p shrink - step m / (sqrt(v) / rootC2 + eps)
 * </pre>
 * With module {@code jdk.incubator.vector} the loop runs on float vectors of the preferred shape;
 * every lane performs the same IEEE float operations in the same order as the scalar loop (Java never
 * fuses a multiply and an add), so both give the same bits (tested). A first version computed in
 * float64 and converted halves of vectors; those conversions fell back to the Vector API's Java
 * implementation in the worker threads and made the update slower than the scalar loop.
 */
public final class AdamKernels {
    /** The loop; implementations are stateless. */
    interface Kernel {
        void update(float[] p, float[] g, float[] m, float[] v, double b1, double b2, double eps, double shrink,
                    double l2, double step, double rootC2);
    }

    private static final Kernel KERNEL = VectorModule.load("org.flows4j.tensor.VectorAdamKernels", Kernel.class,
            Scalar.INSTANCE);

    private AdamKernels() {
    }

    /** Applies the update of the class comment to every element of {@code p} (all arrays of equal length). */
    public static void update(float[] p, float[] g, float[] m, float[] v, double b1, double b2, double eps,
                              double shrink, double l2, double step, double rootC2) {
        KERNEL.update(p, g, m, v, b1, b2, eps, shrink, l2, step, rootC2);
    }

    /** The loop's float32 coefficients: b1, 1 - b1, b2, 1 - b2, eps, shrink, l2, step, rootC2. */
    static float[] coefficients(double b1, double b2, double eps, double shrink, double l2, double step,
                                double rootC2) {
        return new float[] {(float) b1, (float) (1.0 - b1), (float) b2, (float) (1.0 - b2), (float) eps,
            (float) shrink, (float) l2, (float) step, (float) rootC2};
    }

    /** The kernel in use (tests compare it with {@link Scalar}). */
    static Kernel kernel() {
        return KERNEL;
    }

    /** The plain loop. */
    static final class Scalar implements Kernel {
        static final Scalar INSTANCE = new Scalar();

        @Override
        public void update(float[] p, float[] g, float[] m, float[] v, double b1, double b2, double eps,
                           double shrink, double l2, double step, double rootC2) {
            tail(p, g, m, v, 0, b1, b2, eps, shrink, l2, step, rootC2);
        }

        static void tail(float[] p, float[] g, float[] m, float[] v, int from, double b1, double b2, double eps,
                         double shrink, double l2, double step, double rootC2) {
            float[] k = coefficients(b1, b2, eps, shrink, l2, step, rootC2);
            float fb1 = k[0];
            float fc1 = k[1];
            float fb2 = k[2];
            float fc2 = k[3];
            float fe = k[4];
            float fs = k[5];
            float fl2 = k[6];
            float fst = k[7];
            float fr = k[8];
            for (int i = from; i < p.length; i++) {
                float pi = p[i];
                float gi = g[i] + pi * fl2;
                float mi = m[i] * fb1 + gi * fc1;
                float vi = v[i] * fb2 + gi * fc2 * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] = pi * fs - mi * fst / ((float) Math.sqrt(vi) / fr + fe);
            }
        }
    }
}
