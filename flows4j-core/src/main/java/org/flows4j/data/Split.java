package org.flows4j.data;

import org.flows4j.tensor.Rng;

/**
 * A seeded random partition of rows into training, validation and test sets.
 *
 * <p>{@link #of} shuffles the row order with {@code new Rng(seed)} (Fisher–Yates), then takes the first
 * {@code nTrain = floor(n * trainFraction)} rows for training, the next
 * {@code nValidation = floor(n * validationFraction)} for validation and the rest for testing (the
 * floors allow {@code 1e-9} of rounding, so {@code 0.57 * 100} gives 57). Every row lands in exactly
 * one part; the row arrays are shared with the input, not copied. Cost: O(n).
 *
 * @param train      training rows
 * @param validation validation rows
 * @param test       test rows
 */
public record Split(double[][] train, double[][] validation, double[][] test) {
    /**
     * Splits {@code rows} reproducibly.
     *
     * @throws IllegalArgumentException if a fraction is outside [0, 1] or the two add up to more than 1
     */
    public static Split of(double[][] rows, double trainFraction, double validationFraction, long seed) {
        checkFraction("trainFraction", trainFraction);
        checkFraction("validationFraction", validationFraction);
        if (trainFraction + validationFraction > 1 + 1e-12) {
            throw new IllegalArgumentException("Split.of: trainFraction + validationFraction must be <= 1, got "
                    + trainFraction + " + " + validationFraction + " = " + (trainFraction + validationFraction));
        }
        int n = rows.length;
        int nTrain = Math.min(n, (int) Math.floor(n * trainFraction + 1e-9));
        int nValidation = Math.min(n - nTrain, (int) Math.floor(n * validationFraction + 1e-9));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        new Rng(seed).shuffle(order);
        return new Split(take(rows, order, 0, nTrain), take(rows, order, nTrain, nTrain + nValidation),
                take(rows, order, nTrain + nValidation, n));
    }

    private static void checkFraction(String name, double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("Split.of: " + name + " must be in [0, 1], got " + f);
        }
    }

    private static double[][] take(double[][] rows, int[] order, int from, int to) {
        double[][] out = new double[to - from][];
        for (int i = from; i < to; i++) {
            out[i - from] = rows[order[i]];
        }
        return out;
    }
}
