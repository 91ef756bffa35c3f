package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Builds an IDX file by hand: 00 00 type rank, big-endian sizes, then big-endian elements. */
    private static byte[] idx(int type, int[] shape, double[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) shape.length});
        for (int s : shape) {
            out.writeInt(s);
        }
        for (double v : values) {
            switch (type) {
                case 0x08, 0x09 -> out.writeByte((int) v);
                case 0x0B -> out.writeShort((int) v);
                case 0x0C -> out.writeInt((int) v);
                case 0x0D -> out.writeFloat((float) v);
                case 0x0E -> out.writeDouble(v);
                default -> throw new IllegalArgumentException("test writer: type " + type);
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(plain);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static String error(byte[] content) {
        return assertThrows(IllegalArgumentException.class,
                () -> IdxReader.read(new ByteArrayInputStream(content), "t.idx")).getMessage();
    }

    @Test
    void plainUnsignedByteImagesBecomeRows() throws IOException {
        double[] pixels = new double[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i * 23 % 256;
        }
        pixels[5] = 255;
        Path p = write("images-idx3-ubyte", idx(0x08, new int[] {3, 2, 2}, pixels));
        IdxData d = IdxReader.read(p);
        assertEquals(IdxReader.ElementType.UBYTE, d.type());
        assertArrayEquals(new int[] {3, 2, 2}, d.shape());
        assertArrayEquals(pixels, d.values());
        assertEquals(3, d.numRows());
        assertEquals(4, d.rowLength());
        double[][] rows = d.rows();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(pixels, 4 * i, 4 * i + 4), rows[i]);
        }
        Tensor t = d.toTensor(DType.FLOAT32);
        assertArrayEquals(new int[] {3, 4}, t.shape());
        assertEquals(255.0, t.at(1, 1));
    }

    @Test
    void gzippedFloatsAreDetectedByMagicNotName() throws IOException {
        double[] values = {0.5, -1.25, 3e-3, 7, -0.0, 1e30};
        Path p = write("weights.idx", gzip(idx(0x0D, new int[] {2, 3}, values)));
        IdxData d = IdxReader.read(p);
        assertEquals(IdxReader.ElementType.FLOAT, d.type());
        assertArrayEquals(new int[] {2, 3}, d.shape());
        for (int i = 0; i < values.length; i++) {
            assertEquals((double) (float) values[i], d.values()[i], 0.0);
        }
        Path ubyte = write("labels.gz", gzip(idx(0x08, new int[] {4}, new double[] {9, 0, 255, 1})));
        IdxData labels = IdxReader.read(ubyte);
        assertArrayEquals(new double[] {9, 0, 255, 1}, labels.values());
        assertArrayEquals(new double[][] {{9}, {0}, {255}, {1}}, labels.rows());
    }

    @Test
    void everyElementTypeRoundTrips() throws IOException {
        double[][] cases = {
            {0x09, -128, 127, -1, 0},
            {0x0B, -32768, 32767, -2, 300},
            {0x0C, Integer.MIN_VALUE, Integer.MAX_VALUE, -5, 70000},
            {0x0E, Math.PI, -1e-300, 1e300, Double.MIN_VALUE},
        };
        for (double[] c : cases) {
            double[] values = Arrays.copyOfRange(c, 1, c.length);
            for (boolean compressed : new boolean[] {false, true}) {
                byte[] plain = idx((int) c[0], new int[] {2, 1, 2}, values);
                IdxData d = IdxReader.read(new ByteArrayInputStream(compressed ? gzip(plain) : plain), "mem");
                assertEquals((int) c[0], d.type().code());
                assertArrayEquals(values, d.values(), 0.0, "type " + (int) c[0]);
                assertArrayEquals(new int[] {2, 1, 2}, d.shape());
            }
        }
        IdxData empty = IdxReader.read(new ByteArrayInputStream(idx(0x08, new int[] {0, 28, 28}, new double[0])), "e");
        assertEquals(0, empty.rows().length);
        assertArrayEquals(new int[] {0, 784}, empty.toTensor(DType.FLOAT64).shape());
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        byte[] good = idx(0x08, new int[] {2, 2}, new double[] {1, 2, 3, 4});
        assertTrue(error(new byte[] {0, 0, 8}).contains("t.idx is truncated: expected the 4-byte magic number"));
        byte[] badMagic = good.clone();
        badMagic[1] = 3;
        assertTrue(error(badMagic).contains("does not start with the IDX magic 00 00: got 00 03"));
        byte[] badType = good.clone();
        badType[2] = 0x0A;
        assertTrue(error(badType).contains("unknown element type 0x0A"));
        byte[] rank0 = good.clone();
        rank0[3] = 0;
        assertTrue(error(rank0).contains("declares 0 dimensions"));
        assertTrue(error(Arrays.copyOf(good, 9)).contains("truncated: expected 2 dimension sizes (8 bytes), got 5"));
        assertTrue(error(Arrays.copyOf(good, good.length - 1)).contains("expected 4 elements of type UBYTE (4 bytes), got 3"));
        assertTrue(error(Arrays.copyOf(good, good.length + 1)).contains("bytes after its 4 elements"));
        byte[] negative = idx(0x08, new int[] {-1, 2}, new double[0]);
        assertTrue(error(negative).contains("dimension 0 has negative size"));
        byte[] huge = idx(0x08, new int[] {65536, 65536}, new double[0]);
        assertTrue(error(huge).contains("more than 2^31 elements"));
        assertTrue(error(idx(0x0D, new int[] {2}, new double[] {1, Double.NaN})).contains("element 1 is NaN"));
        byte[] zipped = gzip(good);
        assertTrue(error(Arrays.copyOf(zipped, zipped.length - 10)).contains("damaged or truncated gzip"));
    }
}
