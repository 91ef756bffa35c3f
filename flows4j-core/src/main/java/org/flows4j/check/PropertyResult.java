package org.flows4j.check;

/**
 * The outcome of one property checked by the {@link TransformChecker}.
 *
 * @param property  short name, e.g. "round trip"
 * @param passed    whether the property held within tolerance
 * @param error     the worst measured error (0 when not numeric)
 * @param tolerance the tolerance it was held to
 * @param detail    what was measured, or what went wrong
 */
public record PropertyResult(String property, boolean passed, double error, double tolerance, String detail) {
    @Override
    public String toString() {
        return String.format("%-22s %-4s  error %-10.3g tol %-8.1g %s", property, passed ? "pass" : "FAIL", error,
                tolerance, detail);
    }
}
