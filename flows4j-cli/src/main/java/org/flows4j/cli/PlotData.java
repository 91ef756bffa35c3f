package org.flows4j.cli;

import java.util.Arrays;

/** Input checks, axis ranges and subsampling shared by {@link Plots}' renderers. */
final class PlotData {
    private PlotData() {
    }

    /**
     * Checks that {@code rows} is a non-empty matrix of finite values with {@code columns} columns
     * ({@code columns < 0}: any common width of at least 1) and returns its width.
     */
    static int requireMatrix(String op, String name, double[][] rows, int columns) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException(op + ": expected a non-empty " + name + " array, got "
                    + (rows == null ? "null" : "0 rows"));
        }
        int width = columns >= 0 ? columns : rows[0] == null ? 0 : rows[0].length;
        if (width < 1) {
            throw new IllegalArgumentException(op + ": expected " + name + " rows with at least 1 column, got 0");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != width) {
                throw new IllegalArgumentException(op + ": expected " + name + " rows of " + width + " columns, row "
                        + i + " has " + (rows[i] == null ? "null" : rows[i].length));
            }
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException(op + ": expected finite " + name + ", got " + rows[i][j]
                            + " at row " + i + ", column " + j);
                }
            }
        }
        return width;
    }

    /** Column {@code j} of {@code rows}. */
    static double[] column(double[][] rows, int j) {
        double[] c = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][j];
        }
        return c;
    }

    /**
     * Linear-interpolation percentile: with {@code v} sorted ascending and {@code h = q (n - 1)},
     * {@code v[floor(h)] + (h - floor(h)) (v[floor(h)+1] - v[floor(h)])}; {@code q} in [0, 1].
     */
    static double percentile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        double h = q * (v.length - 1);
        int lo = (int) Math.floor(h);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (h - lo) * (v[hi] - v[lo]);
    }

    /**
     * The range {@code [lo - pad w, hi + pad w]} with {@code lo, hi} the {@code qLo}/{@code qHi}
     * percentiles of the values together and {@code w = hi - lo}; a zero-width range becomes
     * {@code [lo - u, hi + u]} with {@code u = max(1, |lo|) / 2} so a single value still gets an axis.
     */
    static double[] paddedRange(double qLo, double qHi, double pad, double[]... values) {
        int n = 0;
        for (double[] v : values) {
            n += v.length;
        }
        double[] all = new double[n];
        int k = 0;
        for (double[] v : values) {
            System.arraycopy(v, 0, all, k, v.length);
            k += v.length;
        }
        double lo = percentile(all, qLo);
        double hi = percentile(all, qHi);
        double w = hi - lo;
        if (!(w > 1e-12 * Math.max(1, Math.abs(lo)))) {
            double u = Math.max(1, Math.abs(lo)) / 2;
            return new double[] {lo - u, hi + u};
        }
        return new double[] {lo - pad * w, hi + pad * w};
    }

    /** Every {@code ceil(n / max)}-th row (all rows when {@code n <= max}), so plots stay fast on large inputs. */
    static double[][] thin(double[][] rows, int max) {
        if (rows.length <= max) {
            return rows;
        }
        int stride = (rows.length + max - 1) / max;
        double[][] out = new double[(rows.length + stride - 1) / stride][];
        for (int i = 0, k = 0; i < rows.length; i += stride, k++) {
            out[k] = rows[i];
        }
        return out;
    }
}
