package org.flows4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>Layout (all integers big-endian): two zero bytes; one type byte ({@code 0x08} unsigned byte,
 * {@code 0x09} signed byte, {@code 0x0B} 16-bit int, {@code 0x0C} 32-bit int, {@code 0x0D} float32,
 * {@code 0x0E} float64); one byte {@code r}, the number of dimensions; {@code r} 32-bit sizes; then
 * {@code prod(sizes)} elements in row-major order. A gzip stream is recognised by its magic bytes
 * {@code 1f 8b}, not by the file name.
 *
 * <p>The reader is strict: a bad magic, an unknown type, a zero rank, a negative size, a missing element
 * or a byte after the last element, and a non-finite float, are errors that name the source. Cost: one
 * pass; the result holds {@code 8 x prod(sizes)} bytes (60000 MNIST images: 376 MB).
 */
public final class IdxReader {
    private static final int CHUNK = 1 << 16;

    private IdxReader() {
    }

    /** Element types of the IDX format, with their type byte and width in bytes. */
    public enum ElementType {
        /** Unsigned 8-bit integer, {@code 0x08}. */
        UBYTE(0x08, 1),
        /** Signed 8-bit integer, {@code 0x09}. */
        BYTE(0x09, 1),
        /** Signed 16-bit integer, {@code 0x0B}. */
        SHORT(0x0B, 2),
        /** Signed 32-bit integer, {@code 0x0C}. */
        INT(0x0C, 4),
        /** IEEE float32, {@code 0x0D}. */
        FLOAT(0x0D, 4),
        /** IEEE float64, {@code 0x0E}. */
        DOUBLE(0x0E, 8);

        private final int code;
        private final int bytes;

        ElementType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        /** The type byte in the IDX header. */
        public int code() {
            return code;
        }

        /** Width of one element in bytes. */
        public int bytes() {
            return bytes;
        }

        static ElementType of(int code, String source) {
            for (ElementType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException(String.format("IdxReader: %s has unknown element type 0x%02X; "
                    + "expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E", source, code));
        }
    }

    /** Reads {@code file}, decompressing it first if it is gzip. */
    public static IdxData read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one IDX array from {@code in} (plain or gzip); {@code source} names it in error messages. */
    public static IdxData read(InputStream in, String source) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(new BufferedInputStream(in, CHUNK), 2);
        byte[] magic = new byte[2];
        int got = peek.readNBytes(magic, 0, 2);
        peek.unread(magic, 0, got);
        boolean gzip = got == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
        if (!gzip) {
            return parse(peek, source);
        }
        try {
            return parse(new BufferedInputStream(new GZIPInputStream(peek), CHUNK), source);
        } catch (EOFException | ZipException e) {
            throw new IllegalArgumentException("IdxReader: " + source + " is a damaged or truncated gzip stream: "
                    + e.getMessage(), e);
        }
    }

    private static IdxData parse(InputStream body, String source) throws IOException {
        byte[] head = readExactly(body, 4, source, "the 4-byte magic number");
        if (head[0] != 0 || head[1] != 0) {
            throw new IllegalArgumentException(String.format("IdxReader: %s does not start with the IDX magic "
                    + "00 00: got %02X %02X", source, head[0] & 0xFF, head[1] & 0xFF));
        }
        ElementType type = ElementType.of(head[2] & 0xFF, source);
        int rank = head[3] & 0xFF;
        if (rank == 0) {
            throw new IllegalArgumentException("IdxReader: " + source + " declares 0 dimensions; expected at least 1");
        }
        ByteBuffer dims = ByteBuffer.wrap(readExactly(body, 4 * rank, source, rank + " dimension sizes"));
        int[] shape = new int[rank];
        long count = 1;
        for (int k = 0; k < rank; k++) {
            shape[k] = dims.getInt();
            if (shape[k] < 0) {
                throw new IllegalArgumentException("IdxReader: " + source + " dimension " + k + " has negative size "
                        + Integer.toUnsignedString(shape[k]) + " (read as " + shape[k] + ")");
            }
            count *= shape[k];
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("IdxReader: " + source + " holds more than 2^31 elements");
            }
        }
        double[] values = readValues(body, type, (int) count, source);
        if (body.read() != -1) {
            throw new IllegalArgumentException("IdxReader: " + source + " has bytes after its " + count
                    + " elements");
        }
        return new IdxData(type, shape, values);
    }

    private static double[] readValues(InputStream in, ElementType type, int count, String source)
            throws IOException {
        double[] out = new double[count];
        int perChunk = CHUNK / type.bytes;
        for (int start = 0; start < count; start += perChunk) {
            int n = Math.min(perChunk, count - start);
            byte[] chunk = new byte[n * type.bytes];
            int got = in.readNBytes(chunk, 0, chunk.length);
            if (got < chunk.length) {
                throw new IllegalArgumentException("IdxReader: " + source + " is truncated: expected " + count
                        + " elements of type " + type + " (" + (long) count * type.bytes + " bytes), got "
                        + ((long) start * type.bytes + got) + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(chunk);
            for (int i = 0; i < n; i++) {
                double v = switch (type) {
                    case UBYTE -> b.get() & 0xFF;
                    case BYTE -> b.get();
                    case SHORT -> b.getShort();
                    case INT -> b.getInt();
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> b.getDouble();
                };
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("IdxReader: " + source + " element " + (start + i)
                            + " is " + v + "; expected a finite value");
                }
                out[start + i] = v;
            }
        }
        return out;
    }

    private static byte[] readExactly(InputStream in, int n, String source, String what) throws IOException {
        byte[] buf = new byte[n];
        int got = in.readNBytes(buf, 0, n);
        if (got < n) {
            throw new IllegalArgumentException("IdxReader: " + source + " is truncated: expected " + what + " ("
                    + n + " bytes), got " + got + " bytes");
        }
        return buf;
    }
}
