package org.flows4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flows4j.flows.ModelCard;
import org.flows4j.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j info}: a model's card ({@link ModelCard}) with the file's format and library versions, as
 * aligned text or, with {@code --json}, as one JSON object with the same content (snake_case keys, the spec
 * as in {@code model.json}, absent parts as {@code null}).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a model's card: versions, spec, modules and parameters, preprocessing, columns, training.")
final class InfoCommand implements Callable<Integer> {
    /** Column lists longer than this are shortened in the text (the JSON has them all). */
    private static final int LIST_LIMIT = 12;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
            .build();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model file written by train.")
    Path model;

    @Option(names = "--json", description = "Print the card as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelCard card = ModelCard.of(ModelOptions.load(model));
        ModelFile.Versions versions = ModelFile.versions(model);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(model, versions, card) + "\n" : text(model, versions, card));
        out.flush();
        return 0;
    }

    /** The card as one JSON object: file, format_version, library_version, then the card's fields. */
    static String json(Path file, ModelFile.Versions versions, ModelCard card) throws JsonProcessingException {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", file.toString());
        o.put("format_version", versions.format());
        o.put("library_version", versions.library());
        o.setAll((ObjectNode) JSON.valueToTree(card));
        return JSON.writeValueAsString(o);
    }

    /** The card as text: labelled lines, then one line per module and the total. */
    static String text(Path file, ModelFile.Versions versions, ModelCard card) {
        StringBuilder sb = new StringBuilder();
        field(sb, "file", file.toString());
        field(sb, "format version", Integer.toString(versions.format()));
        field(sb, "written by", "flows4j " + versions.library());
        field(sb, "spec", card.spec() == null ? "none" : card.spec().toString());
        field(sb, "columns", list(card.columns()));
        field(sb, "context columns", list(card.contextColumns()));
        field(sb, "standardize", scaling(card.standardization()));
        field(sb, "context standardize", scaling(card.contextStandardization()));
        field(sb, "dequantize", card.dequantizeLevels() == 0 ? "none" : card.dequantizeLevels() + " levels");
        field(sb, "training", training(card.training()));
        sb.append('\n');
        int pathWidth = "total".length();
        int typeWidth = "type".length();
        for (ModelCard.Layer l : card.layers()) {
            pathWidth = Math.max(pathWidth, display(l.path()).length());
            typeWidth = Math.max(typeWidth, l.type().length());
        }
        String row = "%-" + pathWidth + "s  %-" + typeWidth + "s  %12s  %14s";
        line(sb, row, "module", "type", "parameters", "with children");
        for (ModelCard.Layer l : card.layers()) {
            line(sb, row, display(l.path()), l.type(), l.parameters(), l.subtreeParameters());
        }
        line(sb, row, "total", "", card.totalParameters(), "");
        return sb.toString();
    }

    private static void field(StringBuilder sb, String label, String value) {
        line(sb, "%-21s%s", label, value);
    }

    /** Appends one formatted line without trailing blanks. */
    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args).stripTrailing()).append('\n');
    }

    private static String display(String path) {
        return path.isEmpty() ? "(flow)" : path;
    }

    private static String list(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> shown = names.size() <= LIST_LIMIT ? names
                : List.of(String.join(", ", names.subList(0, 5)), "...", String.join(", ", names.subList(names.size() - 2, names.size())));
        return String.join(", ", shown) + " (" + names.size() + ")";
    }

    private static String scaling(ModelCard.Scaling s) {
        if (s == null) {
            return "none";
        }
        return String.format(Locale.ROOT, "%d column%s, mean %.4g to %.4g, scale %.4g to %.4g", s.columns(),
                s.columns() == 1 ? "" : "s", s.meanMin(), s.meanMax(), s.scaleMin(), s.scaleMax());
    }

    private static String training(ModelCard.Training t) {
        if (t == null) {
            return "none recorded";
        }
        return String.format(Locale.ROOT, "%s; %d train, %d validation, %d test rows; best epoch %d of %d; test NLL %s; %.1f s",
                t.data(), t.trainRows(), t.validationRows(), t.testRows(), t.bestEpoch(), t.epochs(),
                t.testNll() == null ? "none" : String.format(Locale.ROOT, "%.4f", t.testNll()), t.seconds());
    }
}
