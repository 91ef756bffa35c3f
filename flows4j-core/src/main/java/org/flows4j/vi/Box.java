package org.flows4j.vi;

import java.util.Arrays;

/**
 * The box {@code [low_1, high_1] x ... x [low_D, high_D]}, the support of a target that is zero outside it.
 *
 * @param low  the lower bound of each coordinate
 * @param high the upper bound of each coordinate, each above its lower bound
 */
public record Box(double[] low, double[] high) {
    /** Validates and copies the bounds. */
    public Box {
        if (low.length != high.length || low.length == 0) {
            throw new IllegalArgumentException("Box: expected bounds of equal length >= 1, got " + low.length + " and "
                    + high.length);
        }
        for (int i = 0; i < low.length; i++) {
            if (!(Double.isFinite(low[i]) && Double.isFinite(high[i]) && low[i] < high[i])) {
                throw new IllegalArgumentException("Box: expected finite low < high in coordinate " + i + ", got ["
                        + low[i] + ", " + high[i] + "]");
            }
        }
        low = low.clone();
        high = high.clone();
    }

    /** The cube {@code [low, high]^d}. */
    public static Box cube(int d, double low, double high) {
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi);
    }

    /** The number of coordinates. */
    public int features() {
        return low.length;
    }

    /** Whether {@code x} lies strictly inside the box. */
    public boolean contains(double[] x) {
        for (int i = 0; i < low.length; i++) {
            if (!(x[i] > low[i] && x[i] < high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double[] low() {
        return low.clone();
    }

    @Override
    public double[] high() {
        return high.clone();
    }
}
