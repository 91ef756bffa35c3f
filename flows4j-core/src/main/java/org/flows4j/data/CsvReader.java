package org.flows4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a delimited text file of numbers into a {@link Table}.
 *
 * <p>Format: one record per line, fields split at the delimiter (default {@code ','}); a field may be
 * wrapped in double quotes, with {@code ""} standing for one quote inside (no line breaks inside
 * fields). Blank lines are skipped; a leading byte-order mark is ignored. Every record must have as
 * many fields as the first.
 *
 * <p>Header: with {@link Header#AUTO} (the default) the first record is a header when at least one of its
 * fields is neither empty nor a number (so {@code "x,y"} is a header and {@code "1.5,2"} is data).
 * Without a header the columns are named {@code col0, col1, ...}. {@link #header(Path)} tells whether a file
 * has one, by the same rule.
 *
 * <p>Values: each selected field must be a finite decimal number ({@code [+-]digits[.digits][e[+-]digits]});
 * an empty field, {@code NaN}, an infinity or any other text is an error whose message names the file,
 * the line (1-based, blank lines counted) and the column (1-based position, and its name). Columns that
 * are not selected are not parsed, so they may hold text such as class labels.
 *
 * <p>Selection: {@link #columns(String...)} by header name or {@link #columnIndices(int...)} by 0-based
 * position, kept in the order given. Instances are immutable; the {@code with}-style methods return
 * new readers. Cost: one pass over the file, O(rows x selected columns) memory.
 */
public final class CsvReader {
    /** Whether the first record is a header. */
    public enum Header {
        /** Decide from the first record's fields (see the class description). */
        AUTO,
        /** The first record is a header. */
        PRESENT,
        /** There is no header. */
        ABSENT
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final char delimiter;
    private final Header header;
    private final List<String> names;
    private final int[] indices;

    /** A reader for comma-separated files with automatic header detection and all columns selected. */
    public CsvReader() {
        this(',', Header.AUTO, null, null);
    }

    private CsvReader(char delimiter, Header header, List<String> names, int[] indices) {
        this.delimiter = delimiter;
        this.header = header;
        this.names = names;
        this.indices = indices;
    }

    /** A reader splitting fields at {@code c} (for example {@code ';'} or {@code '\t'}). */
    public CsvReader delimiter(char c) {
        if (c == '"' || c == ' ' || c == '\n' || c == '\r') {
            throw new IllegalArgumentException("CsvReader.delimiter: '" + c + "' cannot be a delimiter");
        }
        return new CsvReader(c, header, names, indices);
    }

    /** A reader with the given header mode. */
    public CsvReader header(Header mode) {
        return new CsvReader(delimiter, mode, names, indices);
    }

    /** A reader keeping only the columns with these header names, in this order. */
    public CsvReader columns(String... columnNames) {
        requireDistinct(Arrays.asList(columnNames));
        return new CsvReader(delimiter, header, List.of(columnNames), null);
    }

    /** A reader keeping only the columns at these 0-based positions, in this order. */
    public CsvReader columnIndices(int... positions) {
        List<Integer> boxed = new ArrayList<>();
        for (int p : positions) {
            if (p < 0) {
                throw new IllegalArgumentException("CsvReader.columnIndices: index must be >= 0, got " + p);
            }
            boxed.add(p);
        }
        requireDistinct(boxed);
        return new CsvReader(delimiter, header, null, positions.clone());
    }

    private static void requireDistinct(List<?> selection) {
        if (selection.isEmpty()) {
            throw new IllegalArgumentException("CsvReader: the column selection is empty");
        }
        for (int i = 0; i < selection.size(); i++) {
            if (selection.indexOf(selection.get(i)) != i) {
                throw new IllegalArgumentException("CsvReader: column " + selection.get(i) + " is selected twice");
            }
        }
    }

    /** Reads {@code file} (UTF-8). */
    public Table read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /**
     * The header of {@code file} (UTF-8) as this reader sees it (its delimiter and header mode): the names
     * of the first record when it is a header, or empty when the file has none (columns can then only be
     * selected by position). Reads only up to the first record.
     */
    public Optional<List<String>> header(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> first = firstRecord(in, file.toString()).fields();
            return isHeader(first) ? Optional.of(List.copyOf(first)) : Optional.empty();
        }
    }

    /** Reads from {@code reader}; {@code source} names it in error messages. */
    public Table read(Reader reader, String source) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        FirstRecord firstRecord = firstRecord(in, source);
        List<String> first = firstRecord.fields();
        int firstLine = firstRecord.line();
        int lineNo = firstLine;
        String line;
        boolean hasHeader = isHeader(first);
        List<String> all = hasHeader ? first : defaultNames(first.size());
        int[] selected = resolveSelection(all, hasHeader, source);
        List<String> selectedNames = new ArrayList<>();
        for (int j : selected) {
            selectedNames.add(all.get(j));
        }
        List<double[]> rows = new ArrayList<>();
        if (!hasHeader) {
            rows.add(parseRow(first, all, selected, source, firstLine));
        }
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(line, source, lineNo);
            if (fields.size() != all.size()) {
                throw new IllegalArgumentException("CsvReader: " + source + " line " + lineNo + ": expected "
                        + all.size() + " fields (as on line " + firstLine + "), got " + fields.size());
            }
            rows.add(parseRow(fields, all, selected, source, lineNo));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("CsvReader: " + source + " has a header but no data rows");
        }
        return new Table(selectedNames, rows.toArray(new double[0][]));
    }

    /** The fields of a record and its 1-based line number. */
    private record FirstRecord(List<String> fields, int line) {
    }

    /** The first non-blank record (a leading byte-order mark dropped); an error when there is none. */
    private FirstRecord firstRecord(BufferedReader in, String source) throws IOException {
        int lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (!line.isBlank()) {
                return new FirstRecord(split(line, source, lineNo), lineNo);
            }
        }
        throw new IllegalArgumentException("CsvReader: " + source + " has no records");
    }

    private boolean isHeader(List<String> first) {
        return header == Header.PRESENT || header == Header.AUTO && looksLikeHeader(first);
    }

    private static boolean looksLikeHeader(List<String> fields) {
        for (String f : fields) {
            String s = f.trim();
            if (!s.isEmpty() && !NUMBER.matcher(s).matches() && !NON_FINITE.matcher(s).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> defaultNames(int n) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            out.add("col" + j);
        }
        return out;
    }

    private int[] resolveSelection(List<String> all, boolean hasHeader, String source) {
        if (names != null) {
            if (!hasHeader) {
                throw new IllegalArgumentException("CsvReader: " + source
                        + " has no header, so columns cannot be selected by name; select them by index");
            }
            int[] out = new int[names.size()];
            for (int k = 0; k < out.length; k++) {
                String name = names.get(k);
                int j = all.indexOf(name);
                if (j < 0) {
                    throw new IllegalArgumentException("CsvReader: column \"" + name + "\" is not in the header of "
                            + source + "; columns: " + String.join(", ", all));
                }
                if (all.lastIndexOf(name) != j) {
                    throw new IllegalArgumentException("CsvReader: column name \"" + name + "\" appears more than "
                            + "once in the header of " + source + "; select it by index");
                }
                out[k] = j;
            }
            return out;
        }
        if (indices != null) {
            for (int j : indices) {
                if (j >= all.size()) {
                    throw new IllegalArgumentException("CsvReader: column index " + j + " is out of range: "
                            + source + " has " + all.size() + " columns (indices 0.." + (all.size() - 1) + ")");
                }
            }
            return indices.clone();
        }
        int[] out = new int[all.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = j;
        }
        return out;
    }

    private static double[] parseRow(List<String> fields, List<String> all, int[] selected, String source,
            int lineNo) {
        double[] row = new double[selected.length];
        for (int k = 0; k < selected.length; k++) {
            int j = selected[k];
            String s = fields.get(j).trim();
            String problem;
            if (s.isEmpty()) {
                problem = "empty value";
            } else if (NUMBER.matcher(s).matches()) {
                double v = Double.parseDouble(s);
                if (Double.isFinite(v)) {
                    row[k] = v;
                    continue;
                }
                problem = "\"" + s + "\" overflows a double";
            } else if (NON_FINITE.matcher(s).matches()) {
                problem = "non-finite value \"" + s + "\"";
            } else {
                problem = "expected a number, got \"" + s + "\"";
            }
            throw new IllegalArgumentException("CsvReader: " + source + " line " + lineNo + ", column " + (j + 1)
                    + " (\"" + all.get(j) + "\"): " + problem);
        }
        return row;
    }

    private List<String> split(String line, String source, int lineNo) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            int start = i;
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("CsvReader: " + source + " line " + lineNo + ", column "
                                + (out.size() + 1) + ": unterminated quoted field");
                    }
                    char c = line.charAt(i++);
                    if (c == '"' && i < n && line.charAt(i) == '"') {
                        sb.append('"');
                        i++;
                    } else if (c == '"') {
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) != delimiter) {
                    throw new IllegalArgumentException("CsvReader: " + source + " line " + lineNo + ", column "
                            + (out.size() + 1) + ": unexpected text after a closing quote");
                }
                out.add(sb.toString());
            } else {
                i = start;
                while (i < n && line.charAt(i) != delimiter) {
                    i++;
                }
                out.add(line.substring(start, i));
            }
            if (i >= n) {
                return out;
            }
            i++;
        }
    }
}
