package org.flows4j.data;

import java.util.Arrays;

/**
 * Per-column affine standardization {@code z_j = (x_j - mean_j) / scale_j}, fitted on training data
 * only and then applied unchanged to validation, test and new data.
 *
 * <p>{@link #fit} sets {@code mean_j} to the column mean and {@code scale_j} to the population standard
 * deviation {@code sqrt(sum_i (x_ij - mean_j)^2 / n)}. A column that is constant up to rounding
 * ({@code std_j <= 1e-12 max(1, |mean_j|)}) gets {@code scale_j = 1}: it is centred, not divided by zero.
 *
 * <p>Densities: the map is affine with Jacobian {@code diag(1/scale)}, so per row
 * {@code log |det dz/dx| = -sum_j log scale_j} ({@link #logDet()}) and, by the change of variables,
 * {@code log p_x(x) = log p_z(z) - sum_j log scale_j} ({@link #logProbInDataUnits}). A flow trained on
 * {@code z} thus reports log-likelihoods in the original units after adding {@link #logDet()}.
 *
 * @param mean  the per-column offsets
 * @param scale the per-column divisors, all finite and positive
 */
public record Standardizer(double[] mean, double[] scale) {
    private static final double CONSTANT_COLUMN = 1e-12;

    /** Checks that mean and scale have one finite entry per column and every scale is positive. */
    public Standardizer {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("Standardizer: mean has " + mean.length + " columns but scale has "
                    + scale.length);
        }
        mean = mean.clone();
        scale = scale.clone();
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j]) || !(scale[j] > 0) || !Double.isFinite(scale[j])) {
                throw new IllegalArgumentException("Standardizer: column " + j + " needs a finite mean and a finite "
                        + "positive scale, got mean " + mean[j] + ", scale " + scale[j]);
            }
        }
    }

    /**
     * Fits mean and scale to {@code train} ({@code [n][d]}, {@code n >= 1}, all finite) by the corrected
     * two-pass algorithm: {@code m0 = sum x / n}, {@code r = sum (x - m0)}, {@code s = sum (x - m0)^2},
     * then {@code mean = m0 + r / n} and {@code var = (s - r^2 / n) / n}, which cancels the rounding error
     * of {@code m0} for columns with a large offset. Cost: two passes.
     */
    public static Standardizer fit(double[][] train) {
        if (train.length == 0) {
            throw new IllegalArgumentException("Standardizer.fit: expected at least one row, got 0");
        }
        int d = train[0].length;
        double[] mean = new double[d];
        for (int i = 0; i < train.length; i++) {
            checkRow("Standardizer.fit", train[i], i, d);
            for (int j = 0; j < d; j++) {
                mean[j] += train[i][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= train.length;
        }
        double[] residual = new double[d];
        double[] scale = new double[d];
        for (double[] row : train) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                residual[j] += c;
                scale[j] += c * c;
            }
        }
        int n = train.length;
        for (int j = 0; j < d; j++) {
            double std = Math.sqrt(Math.max(0, scale[j] - residual[j] * residual[j] / n) / n);
            mean[j] += residual[j] / n;
            scale[j] = std > CONSTANT_COLUMN * Math.max(1, Math.abs(mean[j])) ? std : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    /** The per-column offsets (a copy). */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** The per-column divisors (a copy). */
    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Number of columns. */
    public int numColumns() {
        return mean.length;
    }

    /** {@code z = (x - mean) / scale} for every row (new arrays). */
    public double[][] forward(double[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            checkRow("Standardizer.forward", x[i], i, mean.length);
            z[i] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        return z;
    }

    /** {@code x = z * scale + mean} for every row (new arrays). */
    public double[][] inverse(double[][] z) {
        double[][] x = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            checkRow("Standardizer.inverse", z[i], i, mean.length);
            x[i] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                x[i][j] = z[i][j] * scale[j] + mean[j];
            }
        }
        return x;
    }

    /** {@code log |det dz/dx| = -sum_j log scale_j}, the same for every row. */
    public double logDet() {
        double s = 0;
        for (double v : scale) {
            s -= Math.log(v);
        }
        return s;
    }

    /** {@code log p_x(x) = log p_z(z) + logDet()}: a log-density of standardized data in original units. */
    public double logProbInDataUnits(double logProbStandardized) {
        return logProbStandardized + logDet();
    }

    private static void checkRow(String op, double[] row, int i, int d) {
        if (row.length != d) {
            throw new IllegalArgumentException(op + ": row " + i + " has " + row.length + " columns, expected " + d);
        }
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(row[j])) {
                throw new IllegalArgumentException(op + ": row " + i + ", column " + j + " is " + row[j]
                        + "; expected a finite value");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardizer[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
