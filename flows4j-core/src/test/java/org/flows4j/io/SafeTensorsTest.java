package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    private static final int[][] SHAPES = {{}, {0}, {5}, {2, 3}, {2, 0, 3}, {2, 3, 4}, {1, 2, 3, 2}};

    @TempDir
    Path dir;

    private static Tensor random(DType dtype, int[] shape, Rng rng) {
        Tensor t = Tensor.randn(rng, dtype, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.set(i, t.get(i) * Math.exp(20 * rng.nextGaussian()));
        }
        return t;
    }

    private static void assertBitExact(Tensor expected, Tensor actual, String name) {
        assertEquals(expected.dtype(), actual.dtype(), name);
        assertArrayEquals(expected.shape(), actual.shape(), name);
        for (int i = 0; i < expected.numel(); i++) {
            if (expected.dtype() == DType.FLOAT32) {
                assertEquals(Float.floatToRawIntBits(expected.floatData()[i]),
                        Float.floatToRawIntBits(actual.floatData()[i]), name + "[" + i + "]");
            } else {
                assertEquals(Double.doubleToRawLongBits(expected.doubleData()[i]),
                        Double.doubleToRawLongBits(actual.doubleData()[i]), name + "[" + i + "]");
            }
        }
    }

    private static Map<String, Tensor> sample(long seed) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int[] shape : SHAPES) {
            tensors.put("w" + tensors.size() + "/f32", random(DType.FLOAT32, shape, rng));
            tensors.put("w" + tensors.size() + ".f64", random(DType.FLOAT64, shape, rng));
        }
        Tensor specials32 = Tensor.wrap(new float[] {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
            Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc12345)}, 5);
        Tensor specials64 = Tensor.wrap(new double[] {-0.0, Double.MIN_VALUE, -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.longBitsToDouble(0x7ff8000000abcdefL)}, 5);
        tensors.put("specials32", specials32);
        tensors.put("specials64", specials64);
        return tensors;
    }

    @Test
    void bytesRoundTripBitExactInOrderWithMetadata() {
        Map<String, Tensor> tensors = sample(1);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "flows4j");
        meta.put("quote\"back\\slash", "line\nbreak\ttab \u0001 é ✓ \uD83D\uDE00");
        SafeTensors.Contents c = SafeTensors.decode(SafeTensors.encode(tensors, meta), "mem");
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(c.tensors().keySet()));
        for (String name : tensors.keySet()) {
            assertBitExact(tensors.get(name), c.tensors().get(name), name);
        }
        assertEquals(meta, c.metadata());
        assertEquals(new ArrayList<>(meta.keySet()), new ArrayList<>(c.metadata().keySet()));
        assertEquals(Map.of(), SafeTensors.decode(SafeTensors.encode(Map.of(), Map.of()), "empty").metadata());
    }

    @Test
    void filesAreWrittenAtomicallyAndReadBack() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old content");
        Map<String, Tensor> tensors = sample(2);
        SafeTensors.write(file, tensors, Map.of("k", "v"));
        Map<String, Tensor> back = SafeTensors.read(file);
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(back.keySet()));
        for (String name : tensors.keySet()) {
            assertBitExact(tensors.get(name), back.get(name), name);
        }
        assertEquals(Map.of("k", "v"), SafeTensors.readContents(file).metadata());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file may remain");
        }
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("__metadata__", Tensor.zeros(DType.FLOAT32, 1)), Map.of()));
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(SafeTensors.read(file).keySet()),
                "a failed write leaves the old file");
    }

    @Test
    void headerLayoutMatchesTheSpecByteForByte() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.wrap(new float[] {1.0f, -2.5f}, 2));
        tensors.put("a", Tensor.wrap(new double[] {0.5}, 1, 1));
        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}";
        assertEquals(135, json.length());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 136, 0, 0, 0, 0, 0, 0, 0});
        expected.writeBytes((json + " ").getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0});
        expected.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xE0, 0x3F});
        assertArrayEquals(expected.toByteArray(), SafeTensors.encode(tensors, Map.of("k", "v")));
    }

    @Test
    void headerIsPaddedToEightBytesForEveryNameLength() {
        for (int len = 1; len <= 16; len++) {
            byte[] b = SafeTensors.encode(Map.of("x".repeat(len), Tensor.zeros(DType.FLOAT64, 3)), Map.of());
            long n = 0;
            for (int i = 7; i >= 0; i--) {
                n = (n << 8) | (b[i] & 0xFF);
            }
            assertEquals(0, n % 8, "header length " + n);
            assertEquals(8 + n + 24, b.length);
            String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
            assertEquals(header.stripTrailing() + " ".repeat(header.length() - header.stripTrailing().length()), header);
        }
    }

    /** A file as another writer might produce it: spaces, escapes, data not in header order. */
    @Test
    void foreignLayoutIsReadInHeaderOrder() {
        String json = "{ \"second\" : {\"shape\": [1], \"dtype\": \"F32\", \"data_offsets\": [4, 8]},\n"
                + "  \"fir\\u0073t\": {\"data_offsets\": [0, 4], \"dtype\": \"F32\", \"shape\": []},"
                + " \"__metadata__\": {} }";
        byte[] data = {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40};
        Map<String, Tensor> t = SafeTensors.decode(file(json, data));
        assertEquals(List.of("second", "first"), new ArrayList<>(t.keySet()));
        assertEquals(2.0, t.get("second").item());
        assertEquals(1.0, t.get("first").item());
        assertEquals(0, t.get("first").rank());
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = h.length;
        for (int i = 0; i < 8; i++) {
            out.write((int) (n >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private static void assertRejected(byte[] bytes, String... fragments) {
        String msg = assertThrows(IllegalArgumentException.class, () -> SafeTensors.decode(bytes, "bad.st")).getMessage();
        assertTrue(msg.startsWith("SafeTensors: bad.st"), msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "expected '" + f + "' in: " + msg);
        }
    }

    @Test
    void truncatedOrMalformedFramesAreRejected() {
        byte[] good = SafeTensors.encode(Map.of("w", Tensor.zeros(DType.FLOAT32, 2, 2)), Map.of());
        assertRejected(new byte[5], "truncated: 5 bytes");
        assertRejected(Arrays.copyOf(good, 30), "truncated: the header length is", "only 22 bytes follow");
        byte[] huge = good.clone();
        huge[7] = (byte) 0xFF;
        assertRejected(huge, "truncated: the header length is 183746864796716237");
        assertRejected(Arrays.copyOf(good, good.length - 4), "data_offsets [0, 16] are out of range", "<= 12");
        assertEquals(Map.of(), SafeTensors.decode(file("{}", new byte[0])));
        assertRejected(file("[]", new byte[0]), "must start with '{'");
        assertRejected(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, '{'}, "header length 1 is outside");
        byte[] badUtf8 = file("{\"\u00e9\":1}", new byte[0]);
        badUtf8[11] = (byte) 0xC3;
        badUtf8[10] = (byte) 0xFF;
        assertRejected(badUtf8, "not valid UTF-8");
    }

    @Test
    void malformedJsonIsRejectedWithItsPosition() {
        assertRejected(file("{\"a\":", new byte[0]), "bad JSON header", "unexpected end of header");
        assertRejected(file("{} x", new byte[0]), "unexpected text after the header object");
        assertRejected(file("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0]), "duplicate key \"__metadata__\"");
        assertRejected(file("{\"a\":true}", new byte[0]), "unexpected character 't'");
        assertRejected(file("{" + entry("a", "F32", "[1.0]", "[0,4]") + "}", new byte[4]), "fraction or exponent");
        assertRejected(file("{\"a\":\"x\\q\"}", new byte[0]), "unknown escape \\q");
        assertRejected(file("{\"a\":\"x\ny\"}", new byte[0]), "raw control character");
        assertRejected(file("{\"a\":99999999999999999999}", new byte[0]), "too large");
        assertRejected(file("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}", new byte[0]), "nesting deeper");
        assertRejected(file("{\"a\":\"x\",}", new byte[0]), "expected a quoted key");
    }

    @Test
    void badEntriesAreRejectedNamingTheTensor() {
        byte[] four = new byte[4];
        assertRejected(file("{\"a\":[1]}", four), "tensor \"a\": expected an object");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", four),
                "tensor \"a\": unknown key \"x\"");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", four), "tensor \"a\": missing \"data_offsets\"");
        assertRejected(file("{" + entry("a", "F16", "[2]", "[0,4]") + "}", four), "unsupported dtype F16", "F32 and F64");
        assertRejected(file("{" + entry("a", "Q7", "[1]", "[0,4]") + "}", four), "unsupported dtype Q7");
        assertRejected(file("{" + entry("a", "F32", "[-1]", "[0,4]") + "}", four), "bad size -1");
        assertRejected(file("{" + entry("a", "F32", "[1,1,1,1,1]", "[0,4]") + "}", four), "rank 5; at most 4");
        assertRejected(file("{" + entry("a", "F32", "[65536,65536]", "[0,4]") + "}", four), "more than 2^31-1");
        assertRejected(file("{" + entry("a", "F32", "1", "[0,4]") + "}", four), "shape must be an array");
        assertRejected(file("{" + entry("a", "F32", "[1]", "[0,4,8]") + "}", four), "data_offsets must be an array of 2");
        assertRejected(file("{" + entry("a", "F32", "[1]", "[4,0]") + "}", four), "data_offsets [4, 0] are out of range");
        assertRejected(file("{" + entry("a", "F32", "[1]", "[0,8]") + "}", four), "out of range", "<= 4");
        assertRejected(file("{" + entry("a", "F32", "[2]", "[0,4]") + "}", four),
                "tensor \"a\": shape [2] of F32 needs 8 bytes but data_offsets [0, 4] span 4");
        assertRejected(file("{" + entry("a", "F64", "[1]", "[0,4]") + "}", four), "needs 8 bytes");
        assertRejected(file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be an object");
        assertRejected(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "value of \"k\" must be a string");
    }

    @Test
    void overlapsGapsAndUnusedBytesAreRejected() {
        String a = entry("a", "F32", "[2]", "[0,8]");
        assertRejected(file("{" + a + "," + entry("b", "F32", "[1]", "[4,8]") + "}", new byte[8]),
                "tensor \"b\" [4, 8) overlaps tensor \"a\", which ends at 8");
        assertRejected(file("{" + a + "," + entry("b", "F32", "[2]", "[0,8]") + "}", new byte[8]), "overlaps");
        assertRejected(file("{" + a + "," + entry("b", "F32", "[1]", "[12,16]") + "}", new byte[16]),
                "bytes [8, 12) of the data buffer belong to no tensor (gap before \"b\")");
        assertRejected(file("{" + a + "}", new byte[12]), "the data buffer has 12 bytes but the tensors cover only [0, 8)");
        assertRejected(file("{}", new byte[1]), "has 1 bytes but the tensors cover only [0, 0)");
        Map<String, Tensor> empty = SafeTensors.decode(file("{" + a + "," + entry("e", "F64", "[0]", "[8,8]") + "}",
                new byte[8]));
        assertArrayEquals(new int[] {0}, empty.get("e").shape());
    }

    @Test
    void encodeRejectsReservedAndNullNames() {
        Map<String, Tensor> nullValue = new LinkedHashMap<>();
        nullValue.put("w", null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafeTensors.encode(nullValue, Map.of()))
                .getMessage().contains("tensor w is null"));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.encode(Map.of("__metadata__", Tensor.zeros(DType.FLOAT64, 1)), Map.of()));
    }
}
