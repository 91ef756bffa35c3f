package org.flows4j.tensor;

/**
 * The float32 Adam update loop, for {@code org.flows4j.optim}: for every element, in float64,
 * <pre>
 *   g' = g + l2 p,   m = b1 m + (1 - b1) g',   v = b2 v + (1 - b2) g' g',
 *   p = p shrink - step m / (sqrt(v) / rootC2 + eps)
 * </pre>
 * with {@code m}, {@code v} and {@code p} rounded to float32 once when stored. With module
 * {@code jdk.incubator.vector} the loop runs on float64 vectors (each float widened exactly); every
 * lane performs the same IEEE operations in the same order as the scalar loop, so both give the same
 * bits (tested).
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
            for (int i = from; i < p.length; i++) {
                double pi = p[i];
                double gi = g[i] + l2 * pi;
                double mi = b1 * m[i] + (1.0 - b1) * gi;
                double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
                m[i] = (float) mi;
                v[i] = (float) vi;
                p[i] = (float) (pi * shrink - step * mi / (Math.sqrt(vi) / rootC2 + eps));
            }
        }
    }
}
