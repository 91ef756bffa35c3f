package org.flows4j.tensor.kernel;

import org.flows4j.tensor.Tensor;

/**
 * Run by {@link MatMulTest} in a child JVM started without {@code --add-modules jdk.incubator.vector}:
 * prints which kernels were chosen and whether a hand-computed product comes out right.
 */
public final class ScalarFallbackMain {
    private ScalarFallbackMain() {
    }

    /** Prints {@code vectorized=<flag>} and {@code product ok} or the wrong values. */
    public static void main(String[] args) {
        System.out.println("vectorized=" + MatMul.vectorized());
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor b = Tensor.of(new float[][] {{7, 8, 9}, {10, 11, 12}});
        float[] c = MatMul.matmul(a, b).floatData();
        float[] expected = {27, 30, 33, 61, 68, 75, 95, 106, 117};
        System.out.println(java.util.Arrays.equals(c, expected) ? "product ok" : "product wrong " + java.util.Arrays.toString(c));
    }
}
