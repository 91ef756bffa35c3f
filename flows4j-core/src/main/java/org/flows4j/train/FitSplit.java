package org.flows4j.train;

import org.flows4j.data.Dequantizer;
import org.flows4j.data.Split;
import org.flows4j.tensor.Rng;

/**
 * The rows of a {@link Fitter} run in their three parts, in the data's own units. Integer data is dequantized
 * once over all rows (generator {@code new Rng(seed ^ 0x5DEECE66D)}, the first epoch's and the validation and
 * test rows' noise) before the split; {@link #trainRowsOf} draws the training rows of a later epoch afresh
 * from the integer rows. The split is {@link Split#of} of the row indices, so the parts are those of
 * {@code Split.of(rows, 1 - v - t, v, seed)}. Context parts are null without context; arrays are shared.
 */
record FitSplit(double[][] trainX, double[][] trainContext, double[][] validationX, double[][] validationContext,
                double[][] testX, double[][] testContext, double[][] trainIntegers, int levels, long seed) {
    /** Mixed into the seed for the dequantization noise. */
    static final long DEQUANTIZE_SALT = 0x5DEECE66DL;

    static FitSplit of(FitData data, double validationFraction, double testFraction, long seed) {
        double[][] x = data.x();
        double[][] first = data.levels() > 0 ? new Dequantizer(data.levels()).dequantize(x, new Rng(seed ^ DEQUANTIZE_SALT)) : x;
        int n = x.length;
        double[][] index = new double[n][];
        for (int i = 0; i < n; i++) {
            index[i] = new double[] {i};
        }
        Split parts = Split.of(index, 1 - validationFraction - testFraction, validationFraction, seed);
        if (parts.train().length < 2) {
            throw new IllegalArgumentException(data.source() + ": too few rows to train on (" + parts.train().length
                    + " after the split); need at least 2");
        }
        double[][] c = data.context();
        return new FitSplit(take(first, parts.train()), take(c, parts.train()), take(first, parts.validation()),
                take(c, parts.validation()), take(first, parts.test()), take(c, parts.test()),
                data.levels() > 0 ? take(x, parts.train()) : null, data.levels(), seed);
    }

    /**
     * The training rows of the 1-based {@code epoch}: {@link #trainX()} for epoch 1 and for continuous data;
     * for integer data of later epochs {@code (x + u) / levels} with fresh {@code u} from a generator seeded by
     * the seed and the epoch.
     */
    double[][] trainRowsOf(int epoch) {
        if (epoch == 1 || levels == 0) {
            return trainX;
        }
        long base = new Rng(seed ^ DEQUANTIZE_SALT).nextLong();
        return new Dequantizer(levels).dequantize(trainIntegers, new Rng(base + epoch));
    }

    private static double[][] take(double[][] rows, double[][] index) {
        if (rows == null) {
            return null;
        }
        double[][] out = new double[index.length][];
        for (int i = 0; i < index.length; i++) {
            out[i] = rows[(int) index[i][0]];
        }
        return out;
    }
}
