package org.flows4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * Reads and writes named tensors in the safetensors format.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {"__metadata__": {"key": "value", ...}, "name": {"dtype": "F32" | "F64", "shape": [d0, ...],
 * "data_offsets": [begin, end]}, ...}}, padded with spaces so that {@code N} is a multiple of 8; then the
 * data buffer, where tensor {@code name} occupies bytes {@code [begin, end)} (relative to the buffer) in
 * row-major order, little-endian, with {@code end - begin = prod(shape) x width(dtype)}. The writer
 * stores tensors in map order, back to back from offset 0, and omits an empty {@code __metadata__}.
 *
 * <p>Reading is strict: a file shorter than its header says, a header that is not one JSON object of
 * the form above (unknown keys included), a dtype other than {@code F32}/{@code F64}, a shape of rank
 * above {@value Tensor#MAX_RANK} or with a negative size, offsets out of range or disagreeing with the
 * shape, and tensors that overlap, leave gaps or leave bytes unused, are all errors naming the source
 * and the tensor. Tensors come back in header order.
 *
 * <p>Files are written to a temporary file in the target directory and renamed over the target, so a
 * crash never leaves a partial file. Cost: one copy of the data in memory; files up to 2 GiB.
 */
public final class SafeTensors {
    /** The header key holding string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /**
     * Tensors and metadata decoded from one safetensors buffer.
     *
     * @param tensors  the tensors by name, in header order
     * @param metadata the {@code __metadata__} entries (empty when absent)
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file} through a temporary file and a rename. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        AtomicWrite.write(file, encode(tensors, metadata));
    }

    /** The tensors of {@code file}, in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readContents(file).tensors();
    }

    /** The tensors and metadata of {@code file}. */
    public static Contents readContents(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SafeTensors: " + file + " has " + size
                    + " bytes; files above 2 GiB are not supported");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** The safetensors encoding of {@code tensors} (map order) and {@code metadata} (may be empty). */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            HeaderJson.appendString(json, METADATA_KEY);
            json.append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.append(sep);
                HeaderJson.appendString(json, requireNonNull(e.getKey(), "metadata key"));
                json.append(':');
                HeaderJson.appendString(json, requireNonNull(e.getValue(), "metadata value of " + e.getKey()));
                sep = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = requireNonNull(e.getKey(), "tensor name");
            Tensor t = requireNonNull(e.getValue(), "tensor " + name);
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.encode: " + METADATA_KEY + " is reserved and "
                        + "cannot name a tensor");
            }
            long end = offset + (long) t.numel() * t.dtype().bytes();
            json.append(json.length() > 1 ? "," : "");
            HeaderJson.appendString(json, name);
            json.append(":{\"dtype\":\"").append(code(t.dtype())).append("\",\"shape\":")
                    .append(Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        if (8L + padded + offset > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SafeTensors.encode: " + (8L + padded + offset)
                    + " bytes exceed the 2 GiB limit");
        }
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            if (t.dtype() == DType.FLOAT32) {
                out.asFloatBuffer().put(t.floatData());
            } else {
                out.asDoubleBuffer().put(t.doubleData());
            }
            out.position(out.position() + t.numel() * t.dtype().bytes());
        }
        return out.array();
    }

    /** Decodes a safetensors buffer (as written by {@link #encode}); {@code source} names it in errors. */
    public static Contents decode(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("SafeTensors: " + source + " is truncated: " + bytes.length
                    + " bytes, but the header length alone takes 8");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (Long.compareUnsigned(n, bytes.length - 8L) > 0) {
            throw new IllegalArgumentException("SafeTensors: " + source + " is truncated: the header length is "
                    + Long.toUnsignedString(n) + " bytes but only " + (bytes.length - 8) + " bytes follow");
        }
        if (n < 2 || n > MAX_HEADER) {
            throw new IllegalArgumentException("SafeTensors: " + source + ": header length " + n
                    + " is outside [2, " + MAX_HEADER + "]");
        }
        String text = utf8(bytes, (int) n, source);
        if (!text.startsWith("{")) {
            throw new IllegalArgumentException("SafeTensors: " + source + ": the header must start with '{'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) HeaderJson.parse(text, source);
        int dataStart = 8 + (int) n;
        int dataLength = bytes.length - dataStart;
        Map<String, String> metadata = metadata(header.get(METADATA_KEY), source);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (!e.getKey().equals(METADATA_KEY)) {
                entries.add(Entry.parse(e.getKey(), e.getValue(), dataLength, source));
            }
        }
        checkCoverage(entries, dataLength, source);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, e.read(buf, dataStart));
        }
        return new Contents(tensors, metadata);
    }

    /** The tensors of a safetensors buffer, in header order. */
    public static Map<String, Tensor> decode(byte[] bytes) {
        return decode(bytes, "buffer").tensors();
    }

    private static String code(DType d) {
        return d == DType.FLOAT32 ? "F32" : "F64";
    }

    private static <T> T requireNonNull(T v, String what) {
        if (v == null) {
            throw new IllegalArgumentException("SafeTensors.encode: " + what + " is null");
        }
        return v;
    }

    private static String utf8(byte[] bytes, int n, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 8, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("SafeTensors: " + source + ": the header is not valid UTF-8", e);
        }
    }

    private static Map<String, String> metadata(Object value, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("SafeTensors: " + source + ": " + METADATA_KEY + " must be an object");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("SafeTensors: " + source + ": " + METADATA_KEY + " value of \""
                        + e.getKey() + "\" must be a string, got " + e.getValue());
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    /** Tensors sorted by offset must tile {@code [0, dataLength)} exactly. */
    private static void checkCoverage(List<Entry> entries, int dataLength, String source) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.<Entry>comparingLong(e -> e.begin).thenComparingLong(e -> e.end));
        long at = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.begin < at) {
                throw new IllegalArgumentException("SafeTensors: " + source + ": tensor \"" + e.name + "\" [" + e.begin
                        + ", " + e.end + ") overlaps tensor \"" + previous + "\", which ends at " + at);
            }
            if (e.begin > at) {
                throw new IllegalArgumentException("SafeTensors: " + source + ": bytes [" + at + ", " + e.begin
                        + ") of the data buffer belong to no tensor (gap before \"" + e.name + "\")");
            }
            at = e.end;
            previous = e.name;
        }
        if (at != dataLength) {
            throw new IllegalArgumentException("SafeTensors: " + source + ": the data buffer has " + dataLength
                    + " bytes but the tensors cover only [0, " + at + ")");
        }
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        static Entry parse(String name, Object value, int dataLength, String source) {
            String where = "SafeTensors: " + source + ": tensor \"" + name + "\": ";
            if (!(value instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(where + "expected an object with dtype, shape and data_offsets");
            }
            for (Object key : m.keySet()) {
                if (!ENTRY_KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + "unknown key \"" + key
                            + "\"; expected dtype, shape and data_offsets");
                }
            }
            for (String key : ENTRY_KEYS) {
                if (!m.containsKey(key)) {
                    throw new IllegalArgumentException(where + "missing \"" + key + "\"");
                }
            }
            DType dtype;
            if ("F32".equals(m.get("dtype"))) {
                dtype = DType.FLOAT32;
            } else if ("F64".equals(m.get("dtype"))) {
                dtype = DType.FLOAT64;
            } else {
                throw new IllegalArgumentException(where + "unsupported dtype " + m.get("dtype")
                        + "; flows4j reads F32 and F64");
            }
            long[] dims = longs(m.get("shape"), -1, where + "shape");
            if (dims.length > Tensor.MAX_RANK) {
                throw new IllegalArgumentException(where + "shape " + Arrays.toString(dims) + " has rank "
                        + dims.length + "; at most " + Tensor.MAX_RANK + " is supported");
            }
            int[] shape = new int[dims.length];
            long numel = 1;
            for (int k = 0; k < dims.length; k++) {
                if (dims[k] < 0 || dims[k] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(where + "shape " + Arrays.toString(dims) + " has a bad size "
                            + dims[k]);
                }
                shape[k] = (int) dims[k];
                numel = Math.min(numel * dims[k], 1L << 31);
            }
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + "shape " + Arrays.toString(dims)
                        + " has more than 2^31-1 elements");
            }
            long[] offsets = longs(m.get("data_offsets"), 2, where + "data_offsets");
            long begin = offsets[0];
            long end = offsets[1];
            if (begin < 0 || begin > end || end > dataLength) {
                throw new IllegalArgumentException(where + "data_offsets [" + begin + ", " + end
                        + "] are out of range: expected 0 <= begin <= end <= " + dataLength
                        + " (the data buffer size)");
            }
            if (end - begin != numel * dtype.bytes()) {
                throw new IllegalArgumentException(where + "shape " + Arrays.toString(shape) + " of " + m.get("dtype")
                        + " needs " + numel * dtype.bytes() + " bytes but data_offsets [" + begin + ", " + end
                        + "] span " + (end - begin));
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        private static long[] longs(Object value, int length, String what) {
            if (!(value instanceof List<?> list) || length >= 0 && list.size() != length) {
                throw new IllegalArgumentException(what + " must be an array of " + (length >= 0 ? length + " " : "")
                        + "integers, got " + value);
            }
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Long v)) {
                    throw new IllegalArgumentException(what + " must hold integers, got " + list.get(i));
                }
                out[i] = v;
            }
            return out;
        }

        Tensor read(ByteBuffer buf, int dataStart) {
            ByteBuffer slice = buf.duplicate().position(dataStart + (int) begin).limit(dataStart + (int) end)
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            int count = (int) ((end - begin) / dtype.bytes());
            if (dtype == DType.FLOAT32) {
                float[] f = new float[count];
                slice.asFloatBuffer().get(f);
                return Tensor.wrap(f, shape);
            }
            double[] d = new double[count];
            slice.asDoubleBuffer().get(d);
            return Tensor.wrap(d, shape);
        }
    }
}
