package org.flows4j.spark;

/**
 * A row that cannot be used by a flow stage under {@code handleInvalid = "error"}: a missing value, a NaN or an
 * infinity in a data or context column, or a vector of the wrong size. The message names the column, the row
 * (its index within its partition) and what was expected.
 */
public final class InvalidRowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An invalid-row error with the given message. */
    public InvalidRowException(String message) {
        super(message);
    }
}
