package org.flows4j.data;

import org.flows4j.tensor.Rng;

/**
 * Uniform dequantization of integer data with {@code levels} values per dimension (256 for 8-bit pixels):
 * {@code y = (x + u) / levels} with {@code x} in {@code {0, ..., levels - 1}} and {@code u ~ U[0, 1)}
 * drawn per entry, so {@code y} lies in {@code [0, 1)} and each integer owns the cell
 * {@code [x / levels, (x + 1) / levels)}.
 *
 * <p>Bits per dimension. A density {@code p} on {@code [0, 1)^D} defines the discrete model
 * {@code P(x) = integral over the cell of x of p(y) dy = E_u[levels^-D p((x + u) / levels)]}, the cell having
 * volume {@code levels^-D}. By Jensen's inequality
 * {@code -ln P(x) <= E_u[-ln p((x + u) / levels)] + D ln levels}. So with {@code nll} the mean negative
 * log-density of the dequantized data under the model on the {@code [0, 1)} scale (nats per example),
 * the discrete code length is at most {@code (nll + D ln levels) / ln 2} bits, and per dimension
 * {@code bpd = (nll + D ln levels) / (D ln 2)} ({@link #bitsPerDim}). A uniform density on
 * {@code [0, 1)^D} ({@code nll = 0}) gives {@code log2 levels} (8 bits for 256 levels), as it should.
 * A model evaluated on the {@code [0, levels)} scale ({@code x + u}, not divided) already includes the
 * {@code D ln levels} term: pass {@code levels = 1} for it.
 *
 * @param levels number of integer values per dimension, at least 1
 */
public record Dequantizer(int levels) {
    /** Checks {@code levels >= 1}. */
    public Dequantizer {
        if (levels < 1) {
            throw new IllegalArgumentException("Dequantizer: levels must be >= 1, got " + levels);
        }
    }

    /**
     * {@code (x + u) / levels} per entry with fresh {@code u ~ U[0, 1)} from {@code rng}, drawn in row-major
     * order (new arrays).
     *
     * @throws IllegalArgumentException if an entry is not an integer in {@code [0, levels - 1]}
     */
    public double[][] dequantize(double[][] x, Rng rng) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                double v = x[i][j];
                if (!(v >= 0 && v <= levels - 1 && v == Math.rint(v))) {
                    throw new IllegalArgumentException("Dequantizer.dequantize: row " + i + ", column " + j + " is "
                            + v + "; expected an integer in [0, " + (levels - 1) + "]");
                }
                y[i][j] = (v + rng.nextDouble()) / levels;
            }
        }
        return y;
    }

    /** {@code min(levels - 1, max(0, floor(y * levels)))} per entry: the integer whose cell holds {@code y}. */
    public double[][] quantize(double[][] y) {
        double[][] x = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            x[i] = new double[y[i].length];
            for (int j = 0; j < y[i].length; j++) {
                if (Double.isNaN(y[i][j])) {
                    throw new IllegalArgumentException("Dequantizer.quantize: row " + i + ", column " + j + " is NaN");
                }
                x[i][j] = Math.min(levels - 1, Math.max(0, Math.floor(y[i][j] * levels)));
            }
        }
        return x;
    }

    /**
     * Bits per dimension {@code (nll + dims ln levels) / (dims ln 2)} for a mean negative log-likelihood
     * {@code nll} in nats per example of a model on the {@code [0, 1)} scale (see the class description).
     */
    public static double bitsPerDim(double nll, int dims, int levels) {
        if (dims < 1 || levels < 1) {
            throw new IllegalArgumentException("Dequantizer.bitsPerDim: dims and levels must be >= 1, got dims "
                    + dims + ", levels " + levels);
        }
        return (nll + dims * Math.log(levels)) / (dims * Math.log(2));
    }
}
