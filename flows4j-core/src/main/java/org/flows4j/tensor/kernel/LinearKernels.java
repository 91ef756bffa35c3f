package org.flows4j.tensor.kernel;

/**
 * Float32 loops of the fused linear layer besides its products: the ReLU forward epilogue
 * {@code v[i, j] = max(v[i, j] + b[j], 0)}, the ReLU backward select {@code out[i] = y[i] > 0 ? g[i] : 0}
 * (the derivative read from the output {@code y}), and the bias gradient, the column sums
 * {@code s[j] = sum_i g[i, j]} accumulated in float64 over {@code i} in order.
 *
 * <p>The backward select written as a scalar loop compiles to a branch that the CPU mispredicts about
 * half the time on trained networks (a unit is active for roughly half of the rows), which made it the
 * largest single cost of a training step. With module {@code jdk.incubator.vector} in the boot layer
 * both loops run on the Vector API (a compare and a blend per vector, no branch); otherwise they are
 * plain loops. Both forms give identical bits: the select copies values, and {@code max(v + b, 0)} is
 * one rounding followed by a comparison in either form (a NaN stays NaN in the forward and selects 0
 * in the backward), and each column sum is the same chain of float64 additions of exactly widened
 * values.
 */
public final class LinearKernels {
    /** The loops; implementations are stateless. */
    interface Kernel {
        void backward(float[] g, float[] y, float[] out, int from, int to);

        void biasRelu(float[] v, int off, float[] b, int m);

        void columnSums(float[] g, int rows, int m, double[] out);
    }

    private static final Kernel KERNEL = select();

    private LinearKernels() {
    }

    private static Kernel select() {
        return VectorModule.load("org.flows4j.tensor.kernel.VectorLinearKernels", Kernel.class, Scalar.INSTANCE);
    }

    /** Whether the Vector API loops are in use. */
    public static boolean vectorized() {
        return KERNEL != Scalar.INSTANCE;
    }

    /** {@code out[i] = y[i] > 0 ? g[i] : 0} for {@code from <= i < to}. */
    public static void backward(float[] g, float[] y, float[] out, int from, int to) {
        KERNEL.backward(g, y, out, from, to);
    }

    /** {@code v[off + j] = max(v[off + j] + b[j], 0)} for {@code 0 <= j < m}. */
    public static void biasRelu(float[] v, int off, float[] b, int m) {
        KERNEL.biasRelu(v, off, b, m);
    }

    /** {@code out[j] = sum_{i < rows} g[i * m + j]} for {@code j < m}, summed in float64 in row order. */
    public static void columnSums(float[] g, int rows, int m, double[] out) {
        KERNEL.columnSums(g, rows, m, out);
    }

    /** The plain loops (also the reference the vector loops are tested against). */
    static final class Scalar implements Kernel {
        static final Scalar INSTANCE = new Scalar();

        @Override
        public void backward(float[] g, float[] y, float[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                out[i] = y[i] > 0f ? g[i] : 0f;
            }
        }

        @Override
        public void biasRelu(float[] v, int off, float[] b, int m) {
            for (int j = 0; j < m; j++) {
                v[off + j] = Math.max(v[off + j] + b[j], 0f);
            }
        }

        @Override
        public void columnSums(float[] g, int rows, int m, double[] out) {
            columnRange(g, rows, m, 0, m, out);
        }

        static void columnRange(float[] g, int rows, int m, int from, int to, double[] out) {
            java.util.Arrays.fill(out, from, to, 0.0);
            for (int i = 0; i < rows; i++) {
                int row = i * m;
                for (int j = from; j < to; j++) {
                    out[j] += g[row + j];
                }
            }
        }
    }

    /** The kernel in use (tests compare it with {@link Scalar}). */
    static Kernel kernel() {
        return KERNEL;
    }
}
