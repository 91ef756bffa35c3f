package org.flows4j.tensor.kernel;

/**
 * Run by {@link PortableExpTest} in child JVMs (interpreted, C1 only, with and without the vector
 * module): prints digests of the bits of the scalar {@link PortableExp} and {@link PortableLog}
 * functions and of the {@link BulkMath} sweeps over {@link PortableExpTest#inputs()} and
 * {@link PortableLogTest#inputs()}.
 */
public final class PortableMathMain {
    private PortableMathMain() {
    }

    /** Prints the line {@link #digests()} returns. */
    public static void main(String[] args) {
        System.out.println(digests());
    }

    /** {@code exp=<scalar>/<sweep> log=<scalar>/<sweep> log1p=<scalar>/<sweep>}. */
    static String digests() {
        double[] e = PortableExpTest.inputs();
        double[] l = PortableLogTest.inputs();
        double[] se = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            se[i] = PortableExp.exp(e[i]);
        }
        double[] sl = new double[l.length];
        double[] sp = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            sl[i] = PortableLog.log(l[i]);
            sp[i] = PortableLog.log1p(l[i]);
        }
        double[] we = e.clone();
        BulkMath.exp(we, 0, we.length);
        double[] wl = l.clone();
        BulkMath.log(wl, 0, wl.length);
        double[] wp = l.clone();
        BulkMath.log1p(wp, 0, wp.length);
        return "exp=" + digest(se) + "/" + digest(we) + " log=" + digest(sl) + "/" + digest(wl) + " log1p="
                + digest(sp) + "/" + digest(wp);
    }

    /** An order-sensitive hash of the raw bits. */
    static long digest(double[] a) {
        long h = 17;
        for (double x : a) {
            h = h * 1_000_003L + Double.doubleToRawLongBits(x);
        }
        return h;
    }
}
