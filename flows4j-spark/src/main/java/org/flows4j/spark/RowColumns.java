package org.flows4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a flow stage finds its values in a row: the data as one ML vector column or as {@code D} numeric
 * columns, and the context as numeric columns. Resolved once against a schema (checking that every column
 * exists with a usable type), then shipped to the executors, where {@link #read} copies one row's values into
 * {@code double[]} buffers and says whether the row is usable (no missing value, NaN or infinity).
 */
final class RowColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String stage;
    private final String vectorColumn;
    private final String[] dataColumns;
    private final String[] contextColumns;
    private final int vectorIndex;
    private final int[] dataIndex;
    private final int[] contextIndex;
    private final int features;

    private RowColumns(String stage, String vectorColumn, String[] dataColumns, String[] contextColumns,
            int vectorIndex, int[] dataIndex, int[] contextIndex, int features) {
        this.stage = stage;
        this.vectorColumn = vectorColumn;
        this.dataColumns = dataColumns;
        this.contextColumns = contextColumns;
        this.vectorIndex = vectorIndex;
        this.dataIndex = dataIndex;
        this.contextIndex = contextIndex;
        this.features = features;
    }

    /**
     * Resolves the columns against {@code schema}.
     *
     * @param stage          the stage's name, for messages
     * @param vectorColumn   the ML vector column of the data, used when {@code dataColumns} is empty
     * @param dataColumns    numeric data columns (empty: use {@code vectorColumn})
     * @param contextColumns numeric context columns (may be empty)
     * @param features       the vector's expected size, or -1 when not known yet (checked per row once known)
     * @throws IllegalArgumentException naming a missing column (with the columns present) or a column of the wrong
     *                                  type (expected and actual type)
     */
    static RowColumns resolve(String stage, StructType schema, String vectorColumn, String[] dataColumns,
            String[] contextColumns, int features) {
        int[] ctx = new int[contextColumns.length];
        for (int j = 0; j < ctx.length; j++) {
            ctx[j] = numeric(stage, schema, contextColumns[j], "context");
        }
        if (dataColumns.length > 0) {
            int[] data = new int[dataColumns.length];
            for (int j = 0; j < data.length; j++) {
                data[j] = numeric(stage, schema, dataColumns[j], "data");
            }
            return new RowColumns(stage, null, dataColumns.clone(), contextColumns.clone(), -1, data, ctx,
                    dataColumns.length);
        }
        int v = index(stage, schema, vectorColumn, "data vector");
        DataType type = schema.fields()[v].dataType();
        if (!type.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException(stage + ": column '" + vectorColumn + "' must be an ML vector (or set "
                    + "inputCols to numeric columns); expected type " + SQLDataTypes.VectorType().simpleString()
                    + ", got " + type.simpleString());
        }
        return new RowColumns(stage, vectorColumn, new String[0], contextColumns.clone(), v, new int[0], ctx, features);
    }

    private static int numeric(String stage, StructType schema, String name, String what) {
        int i = index(stage, schema, name, what);
        DataType type = schema.fields()[i].dataType();
        if (!(type instanceof NumericType)) {
            throw new IllegalArgumentException(stage + ": " + what + " column '" + name
                    + "' must be numeric; expected a numeric type (double, float, int, long, short, byte, decimal), got "
                    + type.simpleString());
        }
        return i;
    }

    private static int index(String stage, StructType schema, String name, String what) {
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(stage + ": the " + what + " column '" + name + "' is missing; the input has "
                + Arrays.toString(schema.fieldNames()));
    }

    /** This layout with the vector size fixed to {@code d}. */
    RowColumns withFeatures(int d) {
        return new RowColumns(stage, vectorColumn, dataColumns, contextColumns, vectorIndex, dataIndex, contextIndex, d);
    }

    /** Data dimensions {@code D}, or -1 before a vector column's size is known. */
    int features() {
        return features;
    }

    /** Context dimensions. */
    int contextFeatures() {
        return contextIndex.length;
    }

    /** Whether the data is one vector column. */
    boolean vectorInput() {
        return vectorColumn != null;
    }

    /** The vector column's name, or null. */
    String vectorColumn() {
        return vectorColumn;
    }

    /** The data columns' names: the numeric columns, or {@code vectorColumn[j]} for a vector column. */
    String[] dataNames() {
        if (vectorColumn == null) {
            return dataColumns.clone();
        }
        String[] out = new String[features];
        for (int j = 0; j < features; j++) {
            out[j] = vectorColumn + "[" + j + "]";
        }
        return out;
    }

    /** The context columns' names. */
    String[] contextNames() {
        return contextColumns.clone();
    }

    /**
     * Copies the data and context values of {@code row} into {@code x} ({@code D} values) and {@code c}, and
     * returns null when the row is usable, or else a description of the first bad value (a missing value, NaN or
     * infinity, naming the column). A vector of the wrong size is never usable: it throws.
     *
     * @param where the row's position, such as "row 7 of partition 2", for messages
     * @throws InvalidRowException for a vector of another size than {@code D}
     */
    String read(Row row, String where, double[] x, double[] c) {
        String bad = null;
        if (vectorColumn != null) {
            Object o = row.get(vectorIndex);
            if (o == null) {
                bad = "a missing vector in column '" + vectorColumn + "'";
            } else {
                Vector v = (Vector) o;
                if (v.size() != features) {
                    throw new InvalidRowException(stage + ": " + where + " has a vector of size " + v.size()
                            + " in column '" + vectorColumn + "'; expected size " + features);
                }
                for (int j = 0; j < features; j++) {
                    x[j] = v.apply(j);
                    if (bad == null && !Double.isFinite(x[j])) {
                        bad = "the value " + x[j] + " at index " + j + " of column '" + vectorColumn + "'";
                    }
                }
            }
        } else {
            for (int j = 0; j < dataIndex.length; j++) {
                Object o = row.get(dataIndex[j]);
                x[j] = o == null ? Double.NaN : ((Number) o).doubleValue();
                if (bad == null && !Double.isFinite(x[j])) {
                    bad = (o == null ? "a missing value" : "the value " + x[j]) + " in column '" + dataColumns[j] + "'";
                }
            }
        }
        for (int j = 0; j < contextIndex.length; j++) {
            Object o = row.get(contextIndex[j]);
            c[j] = o == null ? Double.NaN : ((Number) o).doubleValue();
            if (bad == null && !Double.isFinite(c[j])) {
                bad = (o == null ? "a missing value" : "the value " + c[j]) + " in context column '"
                        + contextColumns[j] + "'";
            }
        }
        return bad;
    }

    /** The error for an unusable row under {@code handleInvalid = "error"}. */
    InvalidRowException invalid(String where, String bad) {
        return new InvalidRowException(stage + ": " + where + " has " + bad + "; expected finite numbers (set "
                + "handleInvalid to \"skip\" to leave such rows out)");
    }
}
