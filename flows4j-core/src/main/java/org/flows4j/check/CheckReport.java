package org.flows4j.check;

import java.util.List;

/**
 * All properties checked for one transform. {@link #passed()} holds when every property passed;
 * {@link #toString()} is a readable table with one line per property.
 *
 * @param transform a description of the transform checked
 * @param results   one entry per property, in the order checked
 */
public record CheckReport(String transform, List<PropertyResult> results) {
    /** Whether every property passed. */
    public boolean passed() {
        return results.stream().allMatch(PropertyResult::passed);
    }

    /** The largest error over all properties (NaN if one was not finite). */
    public double worstError() {
        double w = 0;
        for (PropertyResult r : results) {
            if (Double.isNaN(r.error())) {
                return Double.NaN;
            }
            w = Math.max(w, r.error());
        }
        return w;
    }

    /** The properties that failed. */
    public List<PropertyResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(transform).append(": ").append(passed() ? "pass" : "FAIL").append('\n');
        for (PropertyResult r : results) {
            sb.append("  ").append(r).append('\n');
        }
        return sb.toString();
    }
}
