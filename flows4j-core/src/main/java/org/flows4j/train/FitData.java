package org.flows4j.train;

import java.util.List;
import java.util.stream.IntStream;
import org.flows4j.tensor.ShapeMismatchException;

/**
 * The rows a {@link Fitter} trains on, in the data's own units: data {@code x [N][D]}, optional context
 * {@code [N][C]} (null when none), the column names, where the rows came from (for the training summary),
 * and for integer data such as 8-bit pixels the number of levels {@code L} to dequantize over
 * ({@code (x + u) / L}, {@code u ~ U[0, 1)}; 0 for continuous data). The arrays are used as given, not copied.
 *
 * @param x              data rows, at least one, all of the same length
 * @param context        context rows, one per data row, or null (rows of no values count as null)
 * @param columns        data column names, one per column ({@code x0, x1, ...} when null)
 * @param contextColumns context column names ({@code c0, c1, ...} when null)
 * @param source         where the rows came from, such as a file name ({@code "rows"} when null)
 * @param levels         levels of integer data to dequantize, or 0 for continuous data
 */
public record FitData(double[][] x, double[][] context, List<String> columns, List<String> contextColumns,
                      String source, int levels) {
    /** Checks shapes and fills in default names. */
    public FitData {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("FitData: expected at least one data row, got "
                    + (x == null ? "null" : "0"));
        }
        int d = requireRectangular("data", x, x[0].length);
        int c = 0;
        if (context != null) {
            if (context.length != x.length) {
                throw new ShapeMismatchException("FitData: expected " + x.length + " context rows, one per data row, got "
                        + context.length);
            }
            c = requireRectangular("context", context, context[0].length);
            context = c == 0 ? null : context;
        }
        columns = List.copyOf(columns == null ? names("x", d) : columns);
        contextColumns = List.copyOf(contextColumns == null ? names("c", c) : contextColumns);
        if (columns.size() != d || contextColumns.size() != c) {
            throw new IllegalArgumentException("FitData: expected " + d + " column names and " + c
                    + " context column names, got " + columns.size() + " and " + contextColumns.size());
        }
        source = source == null ? "rows" : source;
        if (levels < 0) {
            throw new IllegalArgumentException("FitData: levels must be >= 0 (0 for continuous data), got " + levels);
        }
    }

    /** Continuous rows without context. */
    public static FitData of(double[][] x) {
        return new FitData(x, null, null, null, null, 0);
    }

    /** Continuous rows with a context row for each. */
    public static FitData of(double[][] x, double[][] context) {
        return new FitData(x, context, null, null, null, 0);
    }

    /** These rows with other column names (null: the defaults). */
    public FitData withColumns(List<String> names, List<String> contextNames) {
        return new FitData(x, context, names, contextNames, source, levels);
    }

    /** These rows with another source description. */
    public FitData withSource(String s) {
        return new FitData(x, context, columns, contextColumns, s, levels);
    }

    /** These rows as integer data of {@code n} levels, dequantized while training (0: continuous). */
    public FitData withLevels(int n) {
        return new FitData(x, context, columns, contextColumns, source, n);
    }

    /** {@code D}, the number of data columns. */
    public int features() {
        return columns.size();
    }

    /** {@code C}, the number of context columns (0 without context). */
    public int contextFeatures() {
        return contextColumns.size();
    }

    private static List<String> names(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    private static int requireRectangular(String what, double[][] rows, int width) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != width) {
                throw new ShapeMismatchException("FitData: every " + what + " row must have " + width + " values, got "
                        + (rows[i] == null ? "null" : rows[i].length + "") + " in row " + i);
            }
        }
        return width;
    }
}
