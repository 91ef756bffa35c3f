package org.flows4j.io;

/** A model file that cannot be read: corrupted, truncated, from a newer format, or not matching its own architecture. */
public final class InvalidModelFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message names the file and the problem. */
    public InvalidModelFileException(String message) {
        super(message);
    }
}
