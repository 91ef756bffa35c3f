package org.flows4j.spark;

import java.io.Serializable;

/**
 * The rows of one partition as flat arrays: {@code n} rows of {@code d} data values ({@code x}, row-major) and
 * {@code k} context values ({@code c}, null when {@code k = 0}). Raw blocks hold the values in data units as
 * doubles; training blocks hold them standardized as float32, the flow's element type. {@code skipped} counts the
 * rows of the partition left out as invalid.
 */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int n;
    final int d;
    final int k;
    final double[] rawX;
    final double[] rawC;
    final float[] x;
    final float[] c;
    final long skipped;

    private Block(int partition, int n, int d, int k, double[] rawX, double[] rawC, float[] x, float[] c, long skipped) {
        this.partition = partition;
        this.n = n;
        this.d = d;
        this.k = k;
        this.rawX = rawX;
        this.rawC = rawC;
        this.x = x;
        this.c = c;
        this.skipped = skipped;
    }

    static Block raw(int partition, int n, int d, int k, double[] x, double[] c, long skipped) {
        return new Block(partition, n, d, k, x, c, null, null, skipped);
    }

    static Block standardized(int partition, int n, int d, int k, float[] x, float[] c, long skipped) {
        return new Block(partition, n, d, k, null, null, x, c, skipped);
    }

    /** Data rows {@code rows} of a training block gathered into one {@code [rows.length * d]} array. */
    float[] gatherX(int[] rows) {
        return gather(x, d, rows);
    }

    /** Context rows {@code rows} gathered, or null without context. */
    float[] gatherC(int[] rows) {
        return c == null ? null : gather(c, k, rows);
    }

    private static float[] gather(float[] from, int width, int[] rows) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(from, rows[i] * width, out, i * width, width);
        }
        return out;
    }
}
