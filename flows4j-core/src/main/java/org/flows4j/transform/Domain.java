package org.flows4j.transform;

/**
 * The set a transform's input (or output) lives in, per coordinate. The transform checker samples
 * test points from it, and transforms reject inputs outside it.
 */
public enum Domain {
    /** All finite reals. Typical scale 1, extremes ±10. */
    REAL,
    /** The open unit interval (0, 1). */
    UNIT_INTERVAL,
    /** The closed unit interval [0, 1], bounds included (data such as pixel intensities). */
    CLOSED_UNIT_INTERVAL,
    /** The open interval (-1, 1), the range of {@code tanh}. */
    SYMMETRIC_UNIT_INTERVAL,
    /** The positive reals (0, infinity). */
    POSITIVE;

    /** Whether {@code v} belongs to this domain (finite values only). */
    public boolean contains(double v) {
        switch (this) {
            case UNIT_INTERVAL:
                return v > 0 && v < 1;
            case CLOSED_UNIT_INTERVAL:
                return v >= 0 && v <= 1;
            case SYMMETRIC_UNIT_INTERVAL:
                return v > -1 && v < 1;
            case POSITIVE:
                return v > 0 && v < Double.POSITIVE_INFINITY;
            default:
                return Double.isFinite(v);
        }
    }

    /** A short description for error messages. */
    public String describe() {
        switch (this) {
            case UNIT_INTERVAL:
                return "the open interval (0, 1)";
            case CLOSED_UNIT_INTERVAL:
                return "the closed interval [0, 1]";
            case SYMMETRIC_UNIT_INTERVAL:
                return "the open interval (-1, 1)";
            case POSITIVE:
                return "the positive reals";
            default:
                return "the finite reals";
        }
    }
}
