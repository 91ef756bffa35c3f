package org.flows4j.cli;

import java.util.List;

/**
 * Rows read by {@link DataLoader}: data {@code x [N, D]}, optional context {@code [N, C]} (null when
 * none), their column names, and for integer data (8-bit images) the number of levels to dequantize
 * over (0 for continuous data).
 */
record Dataset(String source, double[][] x, double[][] context, List<String> columns, List<String> contextColumns,
               int levels) {
    int features() {
        return columns.size();
    }
}
