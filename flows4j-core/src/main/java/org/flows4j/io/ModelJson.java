package org.flows4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flows4j.autodiff.Activation;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;

/**
 * The {@code model.json} of a model file:
 * <pre>
 * { "format": "flows4j-model", "format_version": 2, "library_version": "...",
 *   "flow": { "type": "flow", "transform": {...}, "base": {...} },      (the part tree, see PartJson)
 *   "preset": { "kind", "features", "context_features", "layers", "hidden": [..], "activation",
 *               "bins", "tail_bound", "lu_mixing", "dtype", "seed", "dropout", "conditioner",
 *               "input_bound", "both_halves", "affine_scale", "image": [C, H, W] | null, "levels" } | null,
 *   "preprocessing": { "standardize": {"mean": [..], "scale": [..]} | null,
 *                      "context_standardize": {..} | null, "dequantize_levels": 0 },
 *   "columns": [..], "context_columns": [..],
 *   "training": { "data", "train_rows", "validation_rows", "test_rows", "best_epoch", "test_nll",
 *                 "seconds", "seed", "threads",
 *                 "epochs": [ {"epoch", "steps", "train_loss", "val_nll", "lr", "seconds"} ] } | null }
 * </pre>
 * A version-1 file has no {@code flow} and {@code preset}; its {@code spec} (the preset's fields) rebuilds the
 * flow through {@link org.flows4j.flows.Flows#build}. Non-finite numbers (a NaN validation NLL) are written as
 * {@code null}. Reading is strict: a missing
 * field or one of the wrong type is an {@link InvalidModelFileException} naming the file and the field.
 * The exceptions are the spec's {@code dropout}, {@code conditioner}, {@code input_bound},
 * {@code both_halves}, {@code affine_scale}, {@code image} and {@code levels}, added later: files without them
 * read as {@code 0}, {@code "mlp"}, {@code 0}, {@code false}, {@code "tanh"}, null and 1, the architecture they
 * were trained with.
 */
final class ModelJson {
    static final String FORMAT = "flows4j-model";

    private ModelJson() {
    }

    static ObjectNode toJson(FlowModel m, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", ModelFile.FORMAT_VERSION);
        root.put("library_version", ModelFile.LIBRARY_VERSION);
        root.set("flow", PartJson.toJson(Parts.describe(m.flow()), mapper));
        if (m.spec().isPresent()) {
            root.set("preset", specJson(m.spec().get(), mapper));
        } else {
            root.putNull("preset");
        }
        ObjectNode pre = root.putObject("preprocessing");
        putStandardizer(pre, "standardize", m.preprocessing().data());
        putStandardizer(pre, "context_standardize", m.preprocessing().context());
        pre.put("dequantize_levels", m.preprocessing().dequantizeLevels());
        m.columns().forEach(root.putArray("columns")::add);
        m.contextColumns().forEach(root.putArray("context_columns")::add);
        TrainingSummary t = m.summary().orElse(null);
        if (t == null) {
            root.putNull("training");
            return root;
        }
        ObjectNode tr = root.putObject("training");
        tr.put("data", t.data());
        tr.put("train_rows", t.trainRows());
        tr.put("validation_rows", t.validationRows());
        tr.put("test_rows", t.testRows());
        tr.put("best_epoch", t.bestEpoch());
        putNumber(tr, "test_nll", t.testNll());
        tr.put("seconds", t.seconds());
        tr.put("seed", t.seed());
        tr.put("threads", t.threads());
        ArrayNode epochs = tr.putArray("epochs");
        for (EpochStats e : t.epochs()) {
            ObjectNode o = epochs.addObject();
            o.put("epoch", e.epoch());
            o.put("steps", e.steps());
            putNumber(o, "train_loss", e.trainLoss());
            putNumber(o, "val_nll", e.valNll());
            o.put("lr", e.lr());
            o.put("seconds", e.seconds());
        }
        return root;
    }

    private static ObjectNode specJson(FlowSpec s, ObjectMapper mapper) {
        ObjectNode spec = mapper.createObjectNode();
        spec.put("kind", s.kind());
        spec.put("features", s.features());
        spec.put("context_features", s.contextFeatures());
        spec.put("layers", s.layers());
        ArrayNode hidden = spec.putArray("hidden");
        for (int h : s.hidden()) {
            hidden.add(h);
        }
        spec.put("activation", s.activation().name().toLowerCase(Locale.ROOT));
        spec.put("bins", s.bins());
        spec.put("tail_bound", s.tailBound());
        spec.put("lu_mixing", s.luMixing());
        spec.put("dtype", s.dtype().name().toLowerCase(Locale.ROOT));
        spec.put("seed", s.seed());
        spec.put("dropout", s.dropout());
        spec.put("conditioner", s.conditioner());
        spec.put("input_bound", s.inputBound());
        spec.put("both_halves", s.bothHalves());
        spec.put("affine_scale", s.affineScale());
        if (s.image() == null) {
            spec.putNull("image");
        } else {
            ArrayNode image = spec.putArray("image");
            for (int v : s.image().toArray()) {
                image.add(v);
            }
        }
        spec.put("levels", s.levels());
        return spec;
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static void putStandardizer(ObjectNode o, String key, Standardizer s) {
        if (s == null) {
            o.putNull(key);
            return;
        }
        ObjectNode n = o.putObject(key);
        ArrayNode mean = n.putArray("mean");
        for (double v : s.mean()) {
            mean.add(v);
        }
        ArrayNode scale = n.putArray("scale");
        for (double v : s.scale()) {
            scale.add(v);
        }
    }

    static int checkVersion(JsonNode root, String source) {
        String format = text(root, "format", source);
        if (!FORMAT.equals(format)) {
            throw new InvalidModelFileException(source + ": not a flows4j model (format '" + format + "', expected '"
                    + FORMAT + "')");
        }
        int version = integer(root, "format_version", source);
        if (version > ModelFile.FORMAT_VERSION) {
            throw new InvalidModelFileException(source + ": written by a newer flows4j ("
                    + text(root, "library_version", source) + ", format version " + version + "); this build ("
                    + ModelFile.LIBRARY_VERSION + ") reads format versions up to " + ModelFile.FORMAT_VERSION);
        }
        if (version < 1) {
            throw new InvalidModelFileException(source + ": format_version must be >= 1, got " + version);
        }
        return version;
    }

    /** The part tree of a version-2 file. */
    static PartConfig flow(JsonNode root, String source) {
        return PartJson.fromJson(object(root, "flow", source), "flow", source);
    }

    /** The preset of a version-2 file, or null if its flow was composed by hand. */
    static FlowSpec preset(JsonNode root, String source) {
        JsonNode p = field(root, "preset", source);
        return p.isNull() ? null : spec(p, "preset", source);
    }

    /** The {@code spec} of a version-1 file. */
    static FlowSpec spec(JsonNode root, String source) {
        return spec(object(root, "spec", source), "spec", source);
    }

    private static FlowSpec spec(JsonNode s, String where, String source) {
        int[] h = integers(field(s, "hidden", source), where + ".hidden", source);
        JsonNode image = s.has("image") ? s.get("image") : null;
        int[] chw = image == null || image.isNull() ? null : integers(image, where + ".image", source);
        try {
            return new FlowSpec(text(s, "kind", source), integer(s, "features", source),
                    integer(s, "context_features", source), integer(s, "layers", source), h,
                    Activation.valueOf(text(s, "activation", source).toUpperCase(Locale.ROOT)), integer(s, "bins", source),
                    number(s, "tail_bound", source), bool(s, "lu_mixing", source),
                    DType.valueOf(text(s, "dtype", source).toUpperCase(Locale.ROOT)), longValue(s, "seed", source),
                    s.has("dropout") ? number(s, "dropout", source) : 0.0,
                    s.has("conditioner") ? text(s, "conditioner", source) : "mlp",
                    s.has("input_bound") ? number(s, "input_bound", source) : 0.0,
                    s.has("both_halves") && bool(s, "both_halves", source),
                    s.has("affine_scale") ? text(s, "affine_scale", source) : "tanh",
                    chw == null ? null : ImageShape.of(chw), s.has("levels") ? integer(s, "levels", source) : 1);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(source + ": invalid " + where + ": " + e.getMessage());
        }
    }

    private static int[] integers(JsonNode array, String where, String source) {
        if (!array.isArray()) {
            throw new InvalidModelFileException(source + ": " + where + " must be an array of integers");
        }
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            if (!array.get(i).canConvertToInt() || !array.get(i).isIntegralNumber()) {
                throw new InvalidModelFileException(source + ": " + where + "[" + i + "] must be an integer");
            }
            v[i] = array.get(i).intValue();
        }
        return v;
    }

    static Preprocessing preprocessing(JsonNode root, String source) {
        JsonNode p = object(root, "preprocessing", source);
        try {
            return new Preprocessing(standardizer(p, "standardize", source), standardizer(p, "context_standardize", source),
                    integer(p, "dequantize_levels", source));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException(source + ": invalid preprocessing: " + e.getMessage());
        }
    }

    private static Standardizer standardizer(JsonNode p, String key, String source) {
        JsonNode n = field(p, key, source);
        if (n.isNull()) {
            return null;
        }
        return new Standardizer(doubles(n, "mean", source), doubles(n, "scale", source));
    }

    static List<String> columns(JsonNode root, String key, String source) {
        JsonNode a = field(root, key, source);
        if (!a.isArray()) {
            throw new InvalidModelFileException(source + ": " + key + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) {
                throw new InvalidModelFileException(source + ": " + key + " must be an array of strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    static TrainingSummary summary(JsonNode root, String source) {
        JsonNode t = field(root, "training", source);
        if (t.isNull()) {
            return null;
        }
        List<EpochStats> epochs = new ArrayList<>();
        JsonNode list = field(t, "epochs", source);
        if (!list.isArray()) {
            throw new InvalidModelFileException(source + ": training.epochs must be an array");
        }
        for (JsonNode e : list) {
            epochs.add(new EpochStats(integer(e, "epoch", source), longValue(e, "steps", source),
                    nullableNumber(e, "train_loss", source), nullableNumber(e, "val_nll", source), number(e, "lr", source),
                    number(e, "seconds", source)));
        }
        return new TrainingSummary(text(t, "data", source), integer(t, "train_rows", source),
                integer(t, "validation_rows", source), integer(t, "test_rows", source), epochs,
                integer(t, "best_epoch", source), nullableNumber(t, "test_nll", source), number(t, "seconds", source),
                longValue(t, "seed", source), integer(t, "threads", source));
    }

    private static JsonNode field(JsonNode o, String key, String source) {
        JsonNode n = o.get(key);
        if (n == null) {
            throw new InvalidModelFileException(source + ": model.json lacks the field '" + key + "'");
        }
        return n;
    }

    private static JsonNode object(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isObject()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be a JSON object");
        }
        return n;
    }

    private static String text(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isTextual()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be a string, got " + n.getNodeType());
        }
        return n.textValue();
    }

    private static int integer(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static long longValue(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be an integer, got " + n);
        }
        return n.longValue();
    }

    private static double number(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isNumber()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static double nullableNumber(JsonNode o, String key, String source) {
        return field(o, key, source).isNull() ? Double.NaN : number(o, key, source);
    }

    private static boolean bool(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isBoolean()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static double[] doubles(JsonNode o, String key, String source) {
        JsonNode n = field(o, key, source);
        if (!n.isArray()) {
            throw new InvalidModelFileException(source + ": '" + key + "' must be an array of numbers");
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isNumber()) {
                throw new InvalidModelFileException(source + ": '" + key + "[" + i + "]' must be a number");
            }
            out[i] = n.get(i).doubleValue();
        }
        return out;
    }
}
