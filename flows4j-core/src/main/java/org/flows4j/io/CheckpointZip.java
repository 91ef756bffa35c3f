package org.flows4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.flows4j.tensor.Tensor;

/**
 * The layout shared by the checkpoint files of the trainers: a zip of {@code state.json} (the format name and
 * version, the run's own fields, the optimizer's scalar entries under {@code optimizer_scalars}) and the
 * safetensors files {@code model.safetensors}, {@code optimizer.safetensors} (the optimizer's tensors) and, when
 * there is one, {@code best.safetensors}. Doubles are written with full precision (Jackson writes the shortest
 * representation that reads back to the same bits; NaN and infinities as strings), so a loaded state equals the
 * saved one exactly. Written through a temporary file and a rename.
 */
final class CheckpointZip {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CheckpointZip() {
    }

    /** What a checkpoint file holds; {@code best} may be null. */
    record Contents(JsonNode root, Map<String, Tensor> model, Map<String, Object> optimizer, Map<String, Tensor> best) {
    }

    /** A {@code state.json} root naming the format and its version. */
    static ObjectNode root(String format, int version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", format);
        root.put("format_version", version);
        return root;
    }

    /** Writes {@code root} (with the optimizer's scalars added) and the tensors to {@code file}. */
    static void write(Path file, ObjectNode root, Map<String, Tensor> model, Map<String, Object> optimizer,
            Map<String, Tensor> best) throws IOException {
        ObjectNode scalars = root.putObject("optimizer_scalars");
        Map<String, Tensor> optimizerTensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : optimizer.entrySet()) {
            if (e.getValue() instanceof Tensor t) {
                optimizerTensors.put(e.getKey(), t);
            } else if (e.getValue() instanceof Long l) {
                scalars.putObject(e.getKey()).put("long", l);
            } else {
                scalars.putObject(e.getKey()).put("double", ((Number) e.getValue()).doubleValue());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "state.json", MAPPER.writeValueAsBytes(root));
            put(zip, "model.safetensors", SafeTensors.encode(model, Map.of()));
            put(zip, "optimizer.safetensors", SafeTensors.encode(optimizerTensors, Map.of()));
            if (best != null) {
                put(zip, "best.safetensors", SafeTensors.encode(best, Map.of()));
            }
        }
        AtomicWrite.write(file, out.toByteArray());
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Reads a file written by {@link #write} whose root names {@code format} at {@code version}.
     *
     * @throws InvalidModelFileException naming the file, when it is not such a checkpoint or is incomplete
     */
    static Contents read(Path file, String format, int version) throws IOException {
        String src = file.toString();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (ZipException e) {
            throw new InvalidModelFileException(src + ": corrupted checkpoint (" + e.getMessage() + ")");
        }
        for (String needed : List.of("state.json", "model.safetensors", "optimizer.safetensors")) {
            if (!entries.containsKey(needed)) {
                throw new InvalidModelFileException(src + ": not a flows4j checkpoint; missing " + needed);
            }
        }
        JsonNode root = MAPPER.readTree(entries.get("state.json"));
        if (!format.equals(root.path("format").asText()) || root.path("format_version").asInt() != version) {
            throw new InvalidModelFileException(src + ": not a " + format + " file of format version " + version
                    + "; got " + root.path("format").asText() + " version " + root.path("format_version").asText());
        }
        try {
            Map<String, Object> optimizer = new LinkedHashMap<>();
            root.get("optimizer_scalars").fields().forEachRemaining(f -> optimizer.put(f.getKey(),
                    f.getValue().has("long") ? (Object) f.getValue().get("long").longValue()
                            : (Object) f.getValue().get("double").asDouble()));
            optimizer.putAll(SafeTensors.decode(entries.get("optimizer.safetensors"), src).tensors());
            Map<String, Tensor> best = entries.containsKey("best.safetensors")
                    ? SafeTensors.decode(entries.get("best.safetensors"), src).tensors() : null;
            return new Contents(root, SafeTensors.decode(entries.get("model.safetensors"), src).tensors(), optimizer,
                    best);
        } catch (NullPointerException | ClassCastException e) {
            throw incomplete(file, e);
        }
    }

    /** The error of a {@code state.json} that lacks a field or has one of the wrong kind. */
    static InvalidModelFileException incomplete(Path file, RuntimeException cause) {
        return new InvalidModelFileException(file + ": incomplete checkpoint state (" + cause + ")");
    }

    /** The generator state words of {@code rng}, written as an array. */
    static void putLongs(ObjectNode root, String name, long[] values) {
        ArrayNode a = root.putArray(name);
        for (long w : values) {
            a.add(w);
        }
    }

    /** An array of longs written by {@link #putLongs}. */
    static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).longValue();
        }
        return out;
    }
}
