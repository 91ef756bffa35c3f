package org.flows4j.tensor;

/**
 * Element type of a {@link Tensor}: {@code FLOAT32} (4 bytes, the default for training speed) or
 * {@code FLOAT64} (8 bytes, for checks and for users who need the precision).
 */
public enum DType {
    /** IEEE-754 single precision, stored in a {@code float[]}. */
    FLOAT32(4),
    /** IEEE-754 double precision, stored in a {@code double[]}. */
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
