package org.flows4j.flows;

import org.flows4j.data.Standardizer;

/**
 * What is done to raw rows before the flow sees them, saved with the model so that densities and
 * samples are in the original data units. With {@code u = (x - mean) / scale} (the standardizer),
 * {@code log p_data(x) = log p_flow(u) - sum_j log scale_j}; samples are mapped back with
 * {@code x = mean + scale * u}. Context columns, when present, are standardized the same way (no log-det:
 * the density is over {@code x}, not the context).
 *
 * @param data            standardizer of the data columns, or null to use rows as they are
 * @param context         standardizer of the context columns, or null
 * @param dequantizeLevels for integer data (such as 8-bit pixels), the number of levels {@code L} of
 *                        uniform dequantization applied during training; 0 for continuous data.
 *                        Bits per dimension are reported for {@code L > 0}
 */
public record Preprocessing(Standardizer data, Standardizer context, int dequantizeLevels) {
    /** Checks the level count. */
    public Preprocessing {
        if (dequantizeLevels < 0) {
            throw new IllegalArgumentException("Preprocessing: dequantizeLevels must be >= 0, got " + dequantizeLevels);
        }
    }

    /**
     * {@code log p(x | c)} per row in data units of a flow trained on preprocessed rows:
     * {@code flow.logProb(standardize(x) | standardize(c)) - sum_j log scale_j}; {@code context} is null for
     * unconditional flows. Runs without recording a graph.
     */
    public double[] logProb(Flow flow, double[][] x, double[][] context) {
        double[][] u = data == null ? x : data.forward(x);
        double[][] c = context == null || this.context == null ? context : this.context.forward(context);
        double[] lp = c == null ? flow.logProb(u) : flow.logProb(u, c);
        if (data != null) {
            for (int i = 0; i < lp.length; i++) {
                lp[i] = data.logProbInDataUnits(lp[i]);
            }
        }
        return lp;
    }

    /** No preprocessing at all. */
    public static Preprocessing none() {
        return new Preprocessing(null, null, 0);
    }
}
