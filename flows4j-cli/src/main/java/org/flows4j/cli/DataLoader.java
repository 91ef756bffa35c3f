package org.flows4j.cli;

import org.flows4j.flows.FlowModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flows4j.data.CsvReader;
import org.flows4j.data.IdxData;
import org.flows4j.data.IdxReader;
import org.flows4j.data.Table;
import org.flows4j.data.Toys;

/**
 * Resolves a {@code --data} argument: {@code toy:NAME} (a 2-D toy generated from the seed), a CSV file
 * (numeric columns; {@code columns} and {@code contextColumns} select by header name, or by 0-based
 * index when every entry is a number), or an IDX file ({@code .idx}, {@code -ubyte}, optionally
 * {@code .gz}; images flattened to rows; unsigned-byte data is marked for dequantization over 256 levels).
 */
final class DataLoader {
    private DataLoader() {
    }

    static Dataset load(String spec, List<String> columns, List<String> contextColumns, int toyRows, long seed)
            throws IOException {
        if (spec.startsWith("toy:")) {
            String name = spec.substring(4);
            if (!contextColumns.isEmpty() || !columns.isEmpty()) {
                throw new IllegalArgumentException("toy data has no named columns; drop --columns/--context-columns");
            }
            return new Dataset(spec, Toys.generate(name, toyRows, seed), null, List.of("x0", "x1"), List.of(), 0);
        }
        Path file = Path.of(spec);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(spec);
        }
        String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".idx") || lower.endsWith(".idx.gz") || lower.contains("-ubyte") || lower.contains("idx3")) {
            if (!columns.isEmpty() || !contextColumns.isEmpty()) {
                throw new IllegalArgumentException("IDX files have no named columns; drop --columns/--context-columns");
            }
            IdxData idx = IdxReader.read(file);
            int levels = idx.type() == IdxReader.ElementType.UBYTE ? 256 : 0;
            return new Dataset(spec, idx.rows(), null, names("p", idx.rowLength()), List.of(), levels);
        }
        Table data = select(file, columns, contextColumns);
        double[][] ctx = null;
        List<String> ctxNames = List.of();
        if (!contextColumns.isEmpty()) {
            Table c = read(file, contextColumns);
            ctx = c.rows();
            ctxNames = c.columns();
        }
        if (data.numColumns() == 0) {
            throw new IllegalArgumentException(spec + ": no data columns left after removing the context columns");
        }
        return new Dataset(spec, data.rows(), ctx, data.columns(), ctxNames, 0);
    }

    private static Table select(Path file, List<String> columns, List<String> contextColumns) throws IOException {
        if (!columns.isEmpty()) {
            return read(file, columns);
        }
        Table all = new CsvReader().read(file);
        if (contextColumns.isEmpty()) {
            return all;
        }
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < all.numColumns(); j++) {
            boolean isContext = contextColumns.contains(all.columns().get(j)) || contextColumns.contains(Integer.toString(j));
            if (!isContext) {
                keep.add(j);
            }
        }
        return read(file, keep.stream().map(String::valueOf).toList());
    }

    private static Table read(Path file, List<String> selection) throws IOException {
        if (selection.stream().allMatch(s -> s.matches("\\d+"))) {
            return new CsvReader().columnIndices(selection.stream().mapToInt(Integer::parseInt).toArray()).read(file);
        }
        return new CsvReader().columns(selection.toArray(new String[0])).read(file);
    }

    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** Rows of a CSV or IDX file for a trained model: the model's columns by name when the header has them. */
    static Dataset forModel(String spec, org.flows4j.flows.FlowModel model, int toyRows, long seed) throws IOException {
        if (spec.startsWith("toy:") || !spec.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            Dataset d = load(spec, List.of(), List.of(), toyRows, seed);
            requireWidth(d, model);
            return d;
        }
        Path file = Path.of(spec);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(spec);
        }
        List<String> header = headerFields(file);
        boolean named = header.containsAll(model.columns()) && header.containsAll(model.contextColumns());
        Dataset d;
        if (named) {
            d = load(spec, model.columns(), model.contextColumns(), toyRows, seed);
        } else {
            int total = model.columns().size() + model.contextColumns().size();
            if (header.size() != total) {
                throw new IllegalArgumentException(spec + ": expected " + total + " columns (" + String.join(", ",
                        concat(model.columns(), model.contextColumns())) + "), got " + header.size());
            }
            List<String> dataIdx = new ArrayList<>();
            List<String> ctxIdx = new ArrayList<>();
            for (int j = 0; j < total; j++) {
                (j < model.columns().size() ? dataIdx : ctxIdx).add(Integer.toString(j));
            }
            d = load(spec, dataIdx, ctxIdx, toyRows, seed);
        }
        requireWidth(d, model);
        return d;
    }

    /** The fields of the first non-blank line, unquoted (header names, or the first row's values). */
    private static List<String> headerFields(Path file) throws IOException {
        try (java.io.BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.replace("\uFEFF", "").strip();
                if (!line.isEmpty()) {
                    List<String> out = new ArrayList<>();
                    for (String f : line.split(",", -1)) {
                        String t = f.strip();
                        out.add(t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t);
                    }
                    return out;
                }
            }
        }
        throw new IllegalArgumentException(file + ": the file is empty");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void requireWidth(Dataset d, org.flows4j.flows.FlowModel model) {
        if (d.features() != model.spec().orElseThrow().features()) {
            throw new IllegalArgumentException(d.source() + ": the model expects " + model.spec().orElseThrow().features()
                    + " columns, the data has " + d.features());
        }
        int c = d.context() == null ? 0 : d.contextColumns().size();
        if (c != model.spec().orElseThrow().contextFeatures()) {
            throw new IllegalArgumentException(d.source() + ": the model expects " + model.spec().orElseThrow().contextFeatures()
                    + " context columns, the data has " + c);
        }
    }
}
