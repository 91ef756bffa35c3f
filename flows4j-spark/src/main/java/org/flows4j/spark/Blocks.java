package org.flows4j.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flows4j.data.Standardizer;

/**
 * Turns a DataFrame into training blocks: {@link #raw} reads each partition's rows into one {@link Block} (bad
 * rows fail naming the row, or are skipped and counted), {@link #fit} fits the standardization on the training
 * blocks in two distributed passes, and {@link #standardize} makes the float32 blocks the trainer reads.
 */
final class Blocks {
    /** Below this relative spread a column is treated as constant (scale 1), as {@link Standardizer#fit} does. */
    private static final double CONSTANT_COLUMN = 1e-12;

    private Blocks() {
    }

    /** One raw block per partition of {@code df}. */
    static JavaRDD<Block> raw(Dataset<Row> df, RowColumns cols, boolean skip) {
        int d = cols.features();
        int k = cols.contextFeatures();
        return df.javaRDD().mapPartitionsWithIndex((Integer p, Iterator<Row> it) -> {
            double[] x = new double[16 * d];
            double[] c = new double[Math.max(1, 16 * k)];
            double[] xb = new double[d];
            double[] cb = new double[k];
            int n = 0;
            long skipped = 0;
            long index = 0;
            while (it.hasNext()) {
                Row row = it.next();
                String where = "row " + index + " of partition " + p;
                index++;
                String bad = cols.read(row, where, xb, cb);
                if (bad != null) {
                    if (!skip) {
                        throw cols.invalid(where, bad);
                    }
                    skipped++;
                    continue;
                }
                if ((n + 1) * d > x.length) {
                    x = Arrays.copyOf(x, 2 * x.length);
                }
                if ((n + 1) * k > c.length) {
                    c = Arrays.copyOf(c, 2 * c.length);
                }
                System.arraycopy(xb, 0, x, n * d, d);
                System.arraycopy(cb, 0, c, n * k, k);
                n++;
            }
            Block b = Block.raw(p, n, d, k, Arrays.copyOf(x, n * d), k == 0 ? null : Arrays.copyOf(c, n * k), skipped);
            return List.of(b).iterator();
        }, true);
    }

    /**
     * The standardizations of the data ({@code [0]}) and context ({@code [1]}, null without context) columns of
     * the rows of {@code raw}: Standardizer.fit's corrected two-pass formula, with the sums taken per partition
     * and added on the driver ({@code mean = m0 + r / n}, {@code var = (s - r^2 / n) / n}).
     *
     * @throws IllegalArgumentException when there are no rows
     */
    static Standardizer[] fit(JavaRDD<Block> raw, int d, int k) {
        int w = d + k;
        double[] first = raw.treeAggregate(new double[w + 1], (acc, b) -> {
            for (int i = 0; i < b.n; i++) {
                for (int j = 0; j < d; j++) {
                    acc[j] += b.rawX[i * d + j];
                }
                for (int j = 0; j < k; j++) {
                    acc[d + j] += b.rawC[i * k + j];
                }
            }
            acc[w] += b.n;
            return acc;
        }, Blocks::add, 2);
        double n = first[w];
        if (n == 0) {
            throw new IllegalArgumentException("FlowEstimator: expected at least one valid training row, got 0");
        }
        double[] m0 = new double[w];
        for (int j = 0; j < w; j++) {
            m0[j] = first[j] / n;
        }
        double[] second = raw.treeAggregate(new double[2 * w], (acc, b) -> {
            for (int i = 0; i < b.n; i++) {
                for (int j = 0; j < w; j++) {
                    double v = (j < d ? b.rawX[i * d + j] : b.rawC[i * k + j - d]) - m0[j];
                    acc[j] += v;
                    acc[w + j] += v * v;
                }
            }
            return acc;
        }, Blocks::add, 2);
        double[] mean = new double[w];
        double[] scale = new double[w];
        for (int j = 0; j < w; j++) {
            double r = second[j];
            double std = Math.sqrt(Math.max(0, second[w + j] - r * r / n) / n);
            mean[j] = m0[j] + r / n;
            scale[j] = std > CONSTANT_COLUMN * Math.max(1, Math.abs(mean[j])) ? std : 1.0;
        }
        Standardizer data = new Standardizer(Arrays.copyOf(mean, d), Arrays.copyOf(scale, d));
        Standardizer ctx = k == 0 ? null
                : new Standardizer(Arrays.copyOfRange(mean, d, w), Arrays.copyOfRange(scale, d, w));
        return new Standardizer[] {data, ctx};
    }

    /** The raw blocks standardized with {@code s} ({@code [0]} data, {@code [1]} context or null), as float32. */
    static JavaRDD<Block> standardize(JavaRDD<Block> raw, Standardizer[] s) {
        double[] mx = s[0].mean();
        double[] sx = s[0].scale();
        double[] mc = s[1] == null ? null : s[1].mean();
        double[] sc = s[1] == null ? null : s[1].scale();
        return raw.map(b -> Block.standardized(b.partition, b.n, b.d, b.k, scaled(b.rawX, b.d, mx, sx),
                b.rawC == null ? null : scaled(b.rawC, b.k, mc, sc), b.skipped));
    }

    private static float[] scaled(double[] v, int width, double[] mean, double[] scale) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            int j = i % width;
            out[i] = (float) ((v[i] - mean[j]) / scale[j]);
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
