package org.flows4j.tensor;

/**
 * Run by {@link PortableExpTest} in child JVMs (interpreted, C1 only): prints a digest of the bits of
 * {@link PortableExp#exp(double)} and of the {@link BulkMath#exp} sweep over {@link PortableExpTest#inputs()}.
 */
public final class PortableExpMain {
    private PortableExpMain() {
    }

    /** Prints {@code scalar=<digest> sweep=<digest>}. */
    public static void main(String[] args) {
        double[] v = PortableExpTest.inputs();
        double[] scalar = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            scalar[i] = PortableExp.exp(v[i]);
        }
        double[] sweep = v.clone();
        BulkMath.exp(sweep, 0, sweep.length);
        System.out.println("scalar=" + PortableExpTest.digest(scalar) + " sweep=" + PortableExpTest.digest(sweep));
    }
}
