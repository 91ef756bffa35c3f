package org.flows4j.nn;

import java.util.function.DoubleUnaryOperator;
import org.flows4j.tensor.Tensor;

/** Test reference: dense layers written as plain loops over {@code double[][]}, independent of the kernels. */
final class Naive {
    private Naive() {
    }

    /** {@code f(x W^T + b)} for {@code x [n][in]}, {@code W [out, in]}, {@code b [out]}. */
    static double[][] dense(double[][] x, Tensor w, Tensor b, DoubleUnaryOperator f) {
        int out = w.size(0);
        int in = w.size(1);
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < out; j++) {
                double s = b.get(j);
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * w.get(j * in + k);
                }
                y[i][j] = f.applyAsDouble(s);
            }
        }
        return y;
    }

    /** {@code f} applied to every entry. */
    static double[][] map(double[][] x, DoubleUnaryOperator f) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = f.applyAsDouble(x[i][j]);
            }
        }
        return y;
    }

    /** {@code a + b} entry by entry. */
    static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            y[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                y[i][j] = a[i][j] + b[i][j];
            }
        }
        return y;
    }

    /** Rows of {@code a} followed by the columns of {@code b}. */
    static double[][] concat(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            y[i] = new double[a[i].length + b[i].length];
            System.arraycopy(a[i], 0, y[i], 0, a[i].length);
            System.arraycopy(b[i], 0, y[i], a[i].length, b[i].length);
        }
        return y;
    }
}
