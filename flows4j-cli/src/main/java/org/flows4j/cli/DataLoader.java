package org.flows4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.flows4j.data.CsvReader;
import org.flows4j.data.IdxData;
import org.flows4j.data.IdxReader;
import org.flows4j.data.Table;
import org.flows4j.data.Toys;
import org.flows4j.flows.FlowModel;
import org.flows4j.tensor.ImageShape;

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
        if (isIdx(file)) {
            if (!columns.isEmpty() || !contextColumns.isEmpty()) {
                throw new IllegalArgumentException("IDX files have no named columns; drop --columns/--context-columns");
            }
            IdxData idx = IdxReader.read(file);
            int levels = idx.type() == IdxReader.ElementType.UBYTE ? 256 : 0;
            return new Dataset(spec, idx.rows(), null, names("p", idx.rowLength()), List.of(), levels, imageShape(idx));
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

    /** The image shape of IDX rows: {@code 1 x H x W} for {@code [N, H, W]}, {@code C x H x W} for {@code [N, C, H, W]}. */
    private static ImageShape imageShape(IdxData idx) {
        int[] s = idx.shape();
        if (s.length == 3) {
            return new ImageShape(1, s[1], s[2]);
        }
        return s.length == 4 ? new ImageShape(s[1], s[2], s[3]) : null;
    }

    /** Whether {@code file} is read as IDX (by its name: {@code .idx}, {@code .idx.gz}, {@code -ubyte}, {@code idx3}). */
    private static boolean isIdx(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        return lower.endsWith(".idx") || lower.endsWith(".idx.gz") || lower.contains("-ubyte") || lower.contains("idx3");
    }

    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /**
     * Rows of {@code spec} for a trained model, the one place eval, score, plot and fit-bench read data for a
     * model. Toy and IDX data are taken by position and must have the model's width. A CSV file with a
     * header must name every one of the model's columns and context columns: they are selected by name, in
     * any order, and other columns are ignored. A CSV file without a header is taken by position (data
     * columns, then context columns) and must have exactly that many columns.
     */
    static Dataset forModel(String spec, FlowModel model, int toyRows, long seed) throws IOException {
        if (spec.startsWith("toy:") || isIdx(Path.of(spec))) {
            Dataset d = load(spec, List.of(), List.of(), toyRows, seed);
            requireWidth(d, model);
            return d;
        }
        Path file = Path.of(spec);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(spec);
        }
        List<String> wanted = concat(model.columns(), model.contextColumns());
        Optional<List<String>> header = new CsvReader().header(file);
        Table table;
        if (header.isPresent()) {
            List<String> missing = wanted.stream().filter(c -> !header.get().contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(spec + ": expected the model's columns " + describe(model)
                        + ", the file has " + String.join(", ", header.get()) + " (missing: " + String.join(", ", missing)
                        + ")");
            }
            table = new CsvReader().columns(wanted.toArray(new String[0])).read(file);
        } else {
            table = new CsvReader().read(file);
            if (table.numColumns() != wanted.size()) {
                throw new IllegalArgumentException(spec + ": expected " + wanted.size() + " columns (" + describe(model)
                        + ", by position since the file has no header), got " + table.numColumns());
            }
        }
        double[][] rows = table.rows();
        if (model.contextColumns().isEmpty()) {
            return new Dataset(spec, rows, null, model.columns(), List.of(), 0);
        }
        int d = model.columns().size();
        return new Dataset(spec, Rows.columns(rows, 0, d), Rows.columns(rows, d, wanted.size()), model.columns(),
                model.contextColumns(), 0);
    }

    /** The model's columns for a message: {@code a, b (context: t)}. */
    private static String describe(FlowModel model) {
        String data = String.join(", ", model.columns());
        return model.contextColumns().isEmpty() ? data : data + " (context: " + String.join(", ", model.contextColumns()) + ")";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void requireWidth(Dataset d, FlowModel model) {
        if (d.features() != model.features()) {
            throw new IllegalArgumentException(d.source() + ": the model expects " + model.features()
                    + " columns, the data has " + d.features());
        }
        int c = d.context() == null ? 0 : d.contextColumns().size();
        if (c != model.contextFeatures()) {
            throw new IllegalArgumentException(d.source() + ": the model expects " + model.contextFeatures()
                    + " context columns, the data has " + c);
        }
    }
}
