package org.flows4j.tensor;

/** Thrown when an op receives operands whose shapes it cannot combine; the message names the op and both shapes. */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Builds the message "op: shapes [a] and [b] are not compatible". */
    public ShapeMismatchException(String op, int[] a, int[] b) {
        super(op + ": shapes " + Shape.str(a) + " and " + Shape.str(b) + " are not compatible");
    }

    /** A free-form message; it should still name the op, the expected and the actual shape. */
    public ShapeMismatchException(String message) {
        super(message);
    }
}
