package org.flows4j.cli;

import java.util.Arrays;

/** Small row helpers for the commands: joining data and context columns so one split keeps them aligned. */
final class Rows {
    private Rows() {
    }

    /** {@code [x_i | c_i]} per row (or {@code x} itself when {@code c} is null). */
    static double[][] join(double[][] x, double[][] c) {
        if (c == null) {
            return x;
        }
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = Arrays.copyOf(x[i], x[i].length + c[i].length);
            System.arraycopy(c[i], 0, out[i], x[i].length, c[i].length);
        }
        return out;
    }

    /** Columns {@code [from, to)} of every row. */
    static double[][] columns(double[][] rows, int from, int to) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Arrays.copyOfRange(rows[i], from, to);
        }
        return out;
    }
}
