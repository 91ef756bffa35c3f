package org.flows4j.data;

import java.util.List;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * A rectangular numeric data set: {@code rows[i][j]} is the value of column {@code columns.get(j)} in
 * row {@code i}. The rows array is held as given (not copied); callers that change it change the table.
 *
 * @param columns the column names, one per column
 * @param rows    the values, {@code [numRows][columns.size()]}
 */
public record Table(List<String> columns, double[][] rows) {
    /** Checks that every row has one value per column. */
    public Table {
        columns = List.copyOf(columns);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != columns.size()) {
                throw new IllegalArgumentException("Table: row " + i + " has " + rows[i].length
                        + " values but there are " + columns.size() + " columns");
            }
        }
    }

    /** Number of rows. */
    public int numRows() {
        return rows.length;
    }

    /** Number of columns. */
    public int numColumns() {
        return columns.size();
    }

    /** The values as a {@code [numRows, numColumns]} tensor of {@code dtype} (a copy). */
    public Tensor toTensor(DType dtype) {
        return Tensor.wrap(flatten(), rows.length, columns.size()).to(dtype);
    }

    private double[] flatten() {
        int m = columns.size();
        double[] out = new double[rows.length * m];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * m, m);
        }
        return out;
    }
}
