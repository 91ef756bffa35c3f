package org.flows4j.cli;

import java.util.List;
import org.flows4j.tensor.ImageShape;

/**
 * Rows read by {@link DataLoader}: data {@code x [N, D]}, optional context {@code [N, C]} (null when
 * none), their column names, and for integer data (8-bit images) the number of levels to dequantize
 * over (0 for continuous data), and for images their shape (null for other data).
 */
record Dataset(String source, double[][] x, double[][] context, List<String> columns, List<String> contextColumns,
               int levels, ImageShape image) {
    /** Rows that are not images. */
    Dataset(String source, double[][] x, double[][] context, List<String> columns, List<String> contextColumns,
            int levels) {
        this(source, x, context, columns, contextColumns, levels, null);
    }

    int features() {
        return columns.size();
    }
}
