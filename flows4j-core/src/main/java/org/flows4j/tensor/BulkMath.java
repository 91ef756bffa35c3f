package org.flows4j.tensor;

/**
 * In-place element-wise {@code exp}, {@code log} and {@code log1p} over a range of a double array,
 * for kernels that gather many arguments first and transform them in one sweep.
 *
 * <p>{@code exp} is always {@link PortableExp}, on the Vector API ({@link VectorExp}) when module
 * {@code jdk.incubator.vector} is in the boot layer and as a scalar loop otherwise; both run the same
 * exactly rounded operations, so every element gets the same bits in interpreted and compiled code,
 * for any split of the work and any thread count.
 *
 * <p>By default {@code log} and {@code log1p} are scalar loops over {@link Math#log} and a fast
 * {@code log1p}, which also give the same bits in interpreted and compiled code. With system property
 * {@code flows4j.fastMath=true} and the vector module present, they (and {@code exp}) use the Vector
 * API's lane-wise transcendentals instead (SVML on x64). That path is opt-in because its results can
 * differ in the last bit between the interpreter's fallback and the JIT-compiled intrinsic, so the
 * same input may give different bits before and after warm-up: a run is then no longer reproducible
 * bit for bit across thread counts.
 */
public final class BulkMath {
    /** An in-place sweep {@code a[i] = f(a[i])} over {@code [from, to)}; implementations are stateless. */
    interface Sweep {
        void apply(double[] a, int from, int to);
    }

    /** The operations; implementations are stateless. */
    interface Kernel {
        void exp(double[] a, int from, int to);

        void log(double[] a, int from, int to);

        void log1p(double[] a, int from, int to);
    }

    private static final Kernel KERNEL = select();
    private static final Sweep PORTABLE_EXP = selectExp();

    private BulkMath() {
    }

    private static Kernel select() {
        if (!Boolean.getBoolean("flows4j.fastMath") || !ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return ScalarKernel.INSTANCE;
        }
        try {
            return (Kernel) Class.forName("org.flows4j.tensor.VectorBulkMath").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarKernel.INSTANCE;
        }
    }

    private static Sweep selectExp() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return PortableExp::exp;
        }
        try {
            return (Sweep) Class.forName("org.flows4j.tensor.VectorExp").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return PortableExp::exp;
        }
    }

    /** Whether the opt-in Vector API path is in use. */
    public static boolean vectorized() {
        return KERNEL != ScalarKernel.INSTANCE;
    }

    /** {@code a[i] = exp(a[i])} for {@code from <= i < to}. */
    public static void exp(double[] a, int from, int to) {
        check(a, from, to, "exp");
        KERNEL.exp(a, from, to);
    }

    /** {@code a[i] = log(a[i])} for {@code from <= i < to} (NaN below 0, -Infinity at 0). */
    public static void log(double[] a, int from, int to) {
        check(a, from, to, "log");
        KERNEL.log(a, from, to);
    }

    /** {@code a[i] = log(1 + a[i])} for {@code from <= i < to}, accurate also for tiny {@code a[i]}. */
    public static void log1p(double[] a, int from, int to) {
        check(a, from, to, "log1p");
        KERNEL.log1p(a, from, to);
    }

    private static void check(double[] a, int from, int to, String op) {
        if (from < 0 || to > a.length || from > to) {
            throw new IndexOutOfBoundsException("BulkMath." + op + ": range [" + from + ", " + to
                    + ") is not inside an array of length " + a.length);
        }
    }

    /**
     * {@code log(1 + u)} to a few ulps for {@code u > -1}, as {@code log(v) u / (v - 1)} with
     * {@code v = fl(1 + u)}: the rounding of {@code v} cancels in the ratio (Goldberg's method).
     * About twice as fast as {@link Math#log1p}, which the JIT does not intrinsify.
     */
    public static double log1p(double u) {
        double v = 1.0 + u;
        double m = v - 1.0;
        return m == 0.0 ? u : Math.log(v) * (u / m);
    }

    /** The scalar loops. */
    static final class ScalarKernel implements Kernel {
        static final ScalarKernel INSTANCE = new ScalarKernel();

        @Override
        public void exp(double[] a, int from, int to) {
            PORTABLE_EXP.apply(a, from, to);
        }

        @Override
        public void log(double[] a, int from, int to) {
            for (int i = from; i < to; i++) {
                a[i] = Math.log(a[i]);
            }
        }

        @Override
        public void log1p(double[] a, int from, int to) {
            for (int i = from; i < to; i++) {
                a[i] = BulkMath.log1p(a[i]);
            }
        }
    }

    /** The kernel in use (tests compare it with the scalar one). */
    static Kernel kernel() {
        return KERNEL;
    }

    /** The portable exp sweep in use: {@link VectorExp} or the scalar {@link PortableExp} loop. */
    static Sweep portableExp() {
        return PORTABLE_EXP;
    }
}
