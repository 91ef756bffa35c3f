package org.flows4j.nn;

/**
 * A part that cannot be saved or rebuilt: its class does not implement {@link Part}, or its type name is not
 * registered with {@link Parts}, or the registered type belongs to another class. The message names the class.
 */
public class UnregisteredPartException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public UnregisteredPartException(String message) {
        super(message);
    }
}
