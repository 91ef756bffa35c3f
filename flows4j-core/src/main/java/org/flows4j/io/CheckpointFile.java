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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.flows4j.tensor.Tensor;
import org.flows4j.flows.EpochStats;
import org.flows4j.train.TrainState;

/**
 * A {@link TrainState} on disk, so an interrupted training run can resume exactly: a zip of
 * {@code state.json} (epochs and steps done, the shuffling generator's four state words, the
 * early-stopping state, the epoch history and the optimizer's scalar entries) and three safetensors
 * files: {@code model.safetensors} (the weights), {@code optimizer.safetensors} (the optimizer's moment
 * tensors) and, when there is one, {@code best.safetensors} (the best epoch's weights). Doubles are
 * written with full precision (Jackson writes the shortest representation that reads back to the same
 * bits), so a loaded state equals the saved one exactly. Written through a temporary file and a rename.
 */
public final class CheckpointFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int VERSION = 1;

    private CheckpointFile() {
    }

    /** Writes {@code state} to {@code file}. */
    public static void save(TrainState state, Path file) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "flows4j-checkpoint");
        root.put("format_version", VERSION);
        root.put("epochs_done", state.epochsDone());
        root.put("steps", state.steps());
        ArrayNode rng = root.putArray("rng");
        for (long w : state.rng()) {
            rng.add(w);
        }
        root.put("best_val_nll", state.bestValNll());
        root.put("best_epoch", state.bestEpoch());
        root.put("bad_epochs", state.badEpochs());
        ArrayNode history = root.putArray("history");
        for (EpochStats e : state.history()) {
            history.addArray().add(e.epoch()).add(e.steps()).add(e.trainLoss()).add(e.valNll()).add(e.lr()).add(e.seconds());
        }
        ObjectNode scalars = root.putObject("optimizer_scalars");
        Map<String, Tensor> optimizerTensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : state.optimizer().entrySet()) {
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
            put(zip, "model.safetensors", SafeTensors.encode(state.model(), Map.of()));
            put(zip, "optimizer.safetensors", SafeTensors.encode(optimizerTensors, Map.of()));
            if (state.best() != null) {
                put(zip, "best.safetensors", SafeTensors.encode(state.best(), Map.of()));
            }
        }
        AtomicWrite.write(file, out.toByteArray());
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static TrainState load(Path file) throws IOException {
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
        if (!"flows4j-checkpoint".equals(root.path("format").asText()) || root.path("format_version").asInt() != VERSION) {
            throw new InvalidModelFileException(src + ": not a flows4j checkpoint of format version " + VERSION);
        }
        try {
            long[] rng = new long[root.get("rng").size()];
            for (int i = 0; i < rng.length; i++) {
                rng[i] = root.get("rng").get(i).longValue();
            }
            List<EpochStats> history = new ArrayList<>();
            for (JsonNode h : root.get("history")) {
                history.add(new EpochStats(h.get(0).intValue(), h.get(1).longValue(), h.get(2).asDouble(),
                        h.get(3).asDouble(), h.get(4).asDouble(), h.get(5).asDouble()));
            }
            Map<String, Object> optimizer = new LinkedHashMap<>();
            root.get("optimizer_scalars").fields().forEachRemaining(f -> optimizer.put(f.getKey(),
                    f.getValue().has("long") ? (Object) f.getValue().get("long").longValue()
                            : (Object) f.getValue().get("double").asDouble()));
            optimizer.putAll(SafeTensors.decode(entries.get("optimizer.safetensors"), src).tensors());
            Map<String, Tensor> best = entries.containsKey("best.safetensors")
                    ? SafeTensors.decode(entries.get("best.safetensors"), src).tensors() : null;
            return new TrainState(root.get("epochs_done").intValue(), root.get("steps").longValue(),
                    SafeTensors.decode(entries.get("model.safetensors"), src).tensors(), optimizer, rng, best,
                    root.get("best_val_nll").asDouble(), root.get("best_epoch").intValue(),
                    root.get("bad_epochs").intValue(), history);
        } catch (NullPointerException | ClassCastException e) {
            throw new InvalidModelFileException(src + ": incomplete checkpoint state (" + e + ")");
        }
    }
}
