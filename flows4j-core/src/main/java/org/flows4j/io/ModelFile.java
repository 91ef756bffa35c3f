package org.flows4j.io;

import org.flows4j.flows.FlowModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LogTails;
import org.flows4j.transform.Transform;

/**
 * The {@code .flow} model file: a zip holding {@code model.json} (format version, library version, the
 * flow's part tree, the {@link FlowSpec} preset it was built from if any, the preprocessing, the column names
 * and the training summary; see {@link ModelJson}) and {@code weights.safetensors} (the flow's state dict in the safetensors format,
 * readable by Python's {@code safetensors}). Saving writes a temporary file in the target directory
 * and renames it over the target, so a crash never leaves a half-written model. Any flow whose parts are all
 * registered ({@link Parts}) saves; one with an unregistered part is refused naming its class. Loading checks
 * the format version (a newer one is refused), rebuilds the flow from the part tree (a version-1 file: from
 * its spec, with the architecture it was trained with), refuses NaN or infinite weights naming the tensor, and
 * checks every tensor's name, shape and dtype before copying the weights; a truncated or corrupted file fails
 * with an {@link InvalidModelFileException} naming the file and the problem.
 */
public final class ModelFile {
    /** The format version this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 2;
    /** The library version written into new files. */
    public static final String LIBRARY_VERSION = "0.1.0-SNAPSHOT";
    static final String JSON_ENTRY = "model.json";
    static final String WEIGHTS_ENTRY = "weights.safetensors";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} through a temporary file and an atomic rename. */
    public static void save(FlowModel model, Path file) throws IOException {
        AtomicWrite.write(file, encode(model));
    }

    /** The bytes of a model file. */
    public static byte[] encode(FlowModel model) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "flows4j");
        meta.put("format_version", Integer.toString(FORMAT_VERSION));
        byte[] weights = SafeTensors.encode(model.flow().stateDict(), meta);
        byte[] json = MAPPER.writeValueAsBytes(ModelJson.toJson(model, MAPPER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, JSON_ENTRY, json);
            put(zip, WEIGHTS_ENTRY, weights);
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Reads a model file. */
    public static FlowModel load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        return decode(bytes, file.toString());
    }

    /** Reads a model from the bytes of a model file; {@code source} names it in errors. */
    public static FlowModel decode(byte[] bytes, String source) {
        Map<String, byte[]> entries = unzip(bytes, source);
        byte[] json = entries.get(JSON_ENTRY);
        byte[] weights = entries.get(WEIGHTS_ENTRY);
        if (json == null || weights == null) {
            throw new InvalidModelFileException(source + ": not a flows4j model file; expected entries "
                    + JSON_ENTRY + " and " + WEIGHTS_ENTRY + ", found " + entries.keySet());
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidModelFileException(source + ": " + JSON_ENTRY + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof ObjectNode)) {
            throw new InvalidModelFileException(source + ": " + JSON_ENTRY + " must hold a JSON object");
        }
        int version = ModelJson.checkVersion(root, source);
        FlowSpec spec = version == 1 ? ModelJson.spec(root, source) : ModelJson.preset(root, source);
        Flow flow = version == 1 ? formatOneFlow(spec) : buildFlow(ModelJson.flow(root, source), source);
        Map<String, Tensor> tensors;
        try {
            tensors = SafeTensors.decode(weights, source + "!" + WEIGHTS_ENTRY).tensors();
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(e.getMessage());
        }
        requireFinite(tensors, source);
        try {
            flow.loadStateDict(tensors);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(source + ": the weights do not match the architecture: "
                    + e.getMessage());
        }
        FlowModel m;
        try {
            m = (spec == null || shiftScaleVariationalBase(spec, flow) ? FlowModel.of(flow) : FlowModel.of(spec, flow))
                    .withPreprocessing(ModelJson.preprocessing(root, source))
                    .withColumns(ModelJson.columns(root, "columns", source),
                            ModelJson.columns(root, "context_columns", source));
        } catch (InvalidModelFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(source + ": " + e.getMessage());
        }
        TrainingSummary summary = ModelJson.summary(root, source);
        return summary == null ? m : m.withSummary(summary);
    }

    /**
     * A format-1 file's flow: the preset rebuilt from its spec, as it was when format 1 was written, which was
     * before the affine presets ended with {@link LogTails}; the trailing one is dropped so that such a file's
     * log-densities stay those of the release that wrote it.
     */
    private static Flow formatOneFlow(FlowSpec spec) {
        Flow flow = Flows.build(spec);
        if (!(flow.transform() instanceof Composite)) {
            return flow;
        }
        List<Transform> steps = ((Composite) flow.transform()).steps();
        if (!(steps.get(steps.size() - 1) instanceof LogTails)) {
            return flow;
        }
        List<Transform> kept = steps.subList(0, steps.size() - 1);
        return new Flow(kept.size() == 1 ? kept.get(0) : new Composite(kept), flow.base());
    }

    /**
     * Whether {@code flow} is a planar or radial preset saved before those presets' base became a location-scale
     * {@link Affine}: its last step is the shift-scale one. Such a file loads exactly as trained, from its part tree,
     * but without its preset label, since today's preset of that spec would have differently named parameters.
     */
    private static boolean shiftScaleVariationalBase(FlowSpec spec, Flow flow) {
        if (!spec.kind().equals("planar") && !spec.kind().equals("radial")
                || !(flow.transform() instanceof Composite)) {
            return false;
        }
        List<Transform> steps = ((Composite) flow.transform()).steps();
        return steps.get(steps.size() - 1) instanceof Affine a && a.isLearnable() && !a.isLocationScale();
    }

    private static Flow buildFlow(PartConfig config, String source) {
        try {
            return Parts.build(config, Flow.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(source + ": cannot rebuild the flow: " + e.getMessage());
        }
    }

    /** Refuses a tensor holding NaN or an infinite value, naming it and the first bad index. */
    private static void requireFinite(Map<String, Tensor> tensors, String source) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            for (int i = 0; i < t.numel(); i++) {
                double v = t.get(i);
                if (!Double.isFinite(v)) {
                    throw new InvalidModelFileException(source + ": the tensor '" + e.getKey() + "' holds " + v
                            + " at flat index " + i + " of " + t.numel() + "; expected finite weights");
                }
            }
        }
    }

    /**
     * The versions a model file records.
     *
     * @param format  the file's {@code format_version}
     * @param library the {@code library_version} of the flows4j that wrote it
     */
    public record Versions(int format, String library) {
    }

    /** The versions recorded in {@code file}'s {@code model.json} (the file's format checked as by {@link #load}). */
    public static Versions versions(Path file) throws IOException {
        byte[] json = unzip(Files.readAllBytes(file), file.toString()).get(JSON_ENTRY);
        if (json == null) {
            throw new InvalidModelFileException(file + ": not a flows4j model file; expected an entry " + JSON_ENTRY);
        }
        JsonNode root = MAPPER.readTree(json);
        ModelJson.checkVersion(root, file.toString());
        return new Versions(root.get("format_version").intValue(), root.path("library_version").asText("unknown"));
    }

    private static Map<String, byte[]> unzip(byte[] bytes, String source) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), readAll(zip));
            }
        } catch (ZipException e) {
            throw new InvalidModelFileException(source + ": corrupted model file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidModelFileException(source + ": truncated or unreadable model file (" + e + ")");
        }
        if (out.isEmpty()) {
            throw new InvalidModelFileException(source + ": not a flows4j model file (not a zip, or empty)");
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toByteArray();
    }
}
