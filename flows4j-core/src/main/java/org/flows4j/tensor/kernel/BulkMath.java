package org.flows4j.tensor.kernel;

/**
 * In-place element-wise {@code exp}, {@code log} and {@code log1p} over a range of a double array,
 * for kernels that gather many arguments first and transform them in one sweep.
 *
 * <p>By default the sweeps are {@link PortableExp} and {@link PortableLog}: on the Vector API
 * ({@link VectorPortableMath}) when module {@code jdk.incubator.vector} is in the boot layer, as
 * scalar loops otherwise. Both forms run the same exactly rounded operations, so every element gets
 * the same bits in interpreted and compiled code, whichever form runs, for any split of the work and
 * any thread count.
 *
 * <p>With system property {@code flows4j.fastMath=true} and the vector module present, the sweeps use
 * the Vector API's lane-wise transcendentals instead (SVML on x64). That path is opt-in because its
 * results can differ in the last bit between the interpreter's fallback and the JIT-compiled
 * intrinsic, so the same input may give different bits before and after warm-up: a run is then no
 * longer reproducible bit for bit across thread counts.
 */
public final class BulkMath {
    /** The operations; implementations are stateless. */
    interface Kernel {
        void exp(double[] a, int from, int to);

        void log(double[] a, int from, int to);

        void log1p(double[] a, int from, int to);
    }

    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final Kernel PORTABLE = MODULE ? load("org.flows4j.tensor.kernel.VectorPortableMath") : null;
    private static final Kernel KERNEL = select();

    private BulkMath() {
    }

    private static Kernel load(String name) {
        try {
            return (Kernel) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarKernel.INSTANCE;
        }
    }

    private static Kernel select() {
        if (MODULE && Boolean.getBoolean("flows4j.fastMath")) {
            Kernel k = load("org.flows4j.tensor.kernel.VectorBulkMath");
            if (k != ScalarKernel.INSTANCE) {
                return k;
            }
        }
        return portable();
    }

    /** Whether the opt-in Vector API transcendentals are in use. */
    public static boolean vectorized() {
        return KERNEL != portable();
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

    /** The scalar loops over {@link PortableExp} and {@link PortableLog}. */
    static final class ScalarKernel implements Kernel {
        static final ScalarKernel INSTANCE = new ScalarKernel();

        @Override
        public void exp(double[] a, int from, int to) {
            for (int i = from; i < to; i++) {
                a[i] = PortableExp.exp(a[i]);
            }
        }

        @Override
        public void log(double[] a, int from, int to) {
            for (int i = from; i < to; i++) {
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

    /** The kernel in use (tests compare it with the scalar one). */
    static Kernel kernel() {
        return KERNEL;
    }

    /** The portable kernel: {@link VectorPortableMath} when the module is present, else the scalar loops. */
    static Kernel portable() {
        return PORTABLE != null ? PORTABLE : ScalarKernel.INSTANCE;
    }
}
