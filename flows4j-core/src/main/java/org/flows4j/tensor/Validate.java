package org.flows4j.tensor;

/** Boundary checks shared by public APIs; each failure names the caller, the row and the column. */
public final class Validate {
    private Validate() {
    }

    /** Throws IllegalArgumentException if {@code t} holds a NaN or infinite value. */
    public static void requireFinite(String who, String what, Tensor t) {
        int cols = t.rank() >= 2 ? t.size(-1) : Math.max(1, t.numel());
        for (int i = 0; i < t.numel(); i++) {
            double v = t.get(i);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(who + ": " + what + " holds " + (Double.isNaN(v) ? "NaN" : "an infinite value")
                        + " at row " + (i / cols) + ", column " + (i % cols) + "; expected finite values");
            }
        }
    }
}
