package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.flows4j.flows.FlowModel;
import org.junit.jupiter.api.Test;

class BadInputTest {
    private static final String[] COLS = {"x0", "x1", "x2"};

    /** The messages of {@code t} and its causes, joined: Spark wraps executor errors. */
    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    /** 40 rows in 2 partitions with NaN at row 5 (x1) and a null at row 30 (x2); rows sorted by x0 = index. */
    private static Dataset<Row> withBadRows() {
        double[][] x = Fixtures.rows(40, 3, 1);
        for (int i = 0; i < x.length; i++) {
            x[i][0] = i;
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            Double b = i == 5 ? Double.NaN : x[i][1];
            Double c = i == 30 ? null : x[i][2];
            rows.add(RowFactory.create(x[i][0], b, c));
        }
        StructType schema = new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
                .add("x2", DataTypes.DoubleType);
        return TestSpark.session().createDataFrame(rows, schema).coalesce(1);
    }

    @Test
    void missingDataColumnIsNamed() {
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(10, 2, 1), new String[] {"a", "b"}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FlowEstimator().setInputCols("a", "zz").fit(df));
        assertTrue(e.getMessage().contains("'zz' is missing") && e.getMessage().contains("[a, b]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlowSparkModel.of(Fixtures.model(3, 0, 1)).transform(df));
        assertTrue(e.getMessage().contains("'features' is missing"), e.getMessage());
    }

    @Test
    void nonNumericColumnNamesExpectedAndActualType() {
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(10, 2, 1), new String[] {"a", "b"}, 1)
                .withColumn("s", functions.lit("text"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FlowEstimator().setInputCols("a", "s").fit(df));
        assertTrue(e.getMessage().contains("'s' must be numeric") && e.getMessage().contains("got string"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FlowEstimator().setInputCol("a").fit(df));
        assertTrue(e.getMessage().contains("must be an ML vector") && e.getMessage().contains("got double"),
                e.getMessage());
    }

    @Test
    void missingContextColumnAtTransformTimeIsNamed() {
        FlowSparkModel m = FlowSparkModel.of(Fixtures.model(2, 1, 2)).setInputCols("a", "b").setContextCols("c");
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(10, 2, 1), new String[] {"a", "b"}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.transform(df));
        assertTrue(e.getMessage().contains("context column 'c' is missing"), e.getMessage());
        FlowSparkModel noContext = FlowSparkModel.of(Fixtures.model(2, 1, 2)).setInputCols("a", "b");
        e = assertThrows(IllegalArgumentException.class, () -> noContext.transform(df));
        assertTrue(e.getMessage().contains("1 context columns, contextCols names 0"), e.getMessage());
    }

    @Test
    void invalidRowFailsTransformNamingRowAndColumn() {
        FlowSparkModel m = FlowSparkModel.of(Fixtures.model(3, 0, 3)).setInputCols(COLS);
        Exception e = assertThrows(Exception.class, () -> m.transform(withBadRows()).collectAsList());
        String all = messages(e);
        assertTrue(all.contains("row 5 of partition 0 has the value NaN in column 'x1'"), all);
    }

    @Test
    void skippedRowsKeepTheirPlaceWithANullLogDensity() {
        FlowModel fm = Fixtures.model(3, 0, 4);
        FlowSparkModel m = FlowSparkModel.of(fm).setInputCols(COLS).setHandleInvalid("skip").setChunkSize(7);
        List<Row> out = m.transform(withBadRows()).orderBy("x0").collectAsList();
        assertEquals(40, out.size());
        for (int i = 0; i < 40; i++) {
            Row r = out.get(i);
            assertEquals(i == 5 || i == 30, r.isNullAt(3), "row " + i);
            if (!r.isNullAt(3)) {
                double[] x = {r.getDouble(0), r.getDouble(1), r.getDouble(2)};
                assertEquals(fm.logProb(new double[][] {x}, null)[0], r.getDouble(3), 1e-9);
            }
        }
    }

    @Test
    void fitFailsOnABadRowOrSkipsAndCountsIt() {
        Exception e = assertThrows(Exception.class, () -> new FlowEstimator().setInputCols(COLS).setEpochs(1)
                .setValidationFraction(0).fit(withBadRows()));
        assertTrue(messages(e).contains("has the value NaN in column 'x1'"), messages(e));
        FlowSparkModel m = new FlowEstimator().setInputCols(COLS).setHandleInvalid("skip").setEpochs(1).setLayers(1)
                .setHidden(4).setValidationFraction(0).fit(withBadRows());
        assertEquals(2, m.skippedRows());
        assertEquals(38, m.flowModel().summary().orElseThrow().trainRows());
    }

    @Test
    void emptyPartitionsAreHarmless() {
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(6, 2, 5), new String[] {"a", "b"}, 1).repartition(5);
        FlowSparkModel m = new FlowEstimator().setInputCols("a", "b").setNumPartitions(5).setEpochs(2).setLayers(1)
                .setHidden(4).setBatchSize(2).setValidationFraction(0).fit(df);
        assertEquals(6, m.flowModel().summary().orElseThrow().trainRows());
        Dataset<Row> sparse = df.union(df.limit(0)).repartition(7);
        List<Row> out = m.transform(sparse).collectAsList();
        assertEquals(6, out.size());
        for (Row r : out) {
            assertFalse(r.isNullAt(2));
        }
    }

    @Test
    void noRowsAndWrongVectorSizeAreClearErrors() {
        Dataset<Row> empty = Fixtures.frame(new double[0][], new String[] {"a", "b"}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FlowEstimator().setInputCols("a", "b").fit(empty));
        assertTrue(e.getMessage().contains("expected at least one valid training row, got 0"), e.getMessage());
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2)));
        Dataset<Row> vectors = TestSpark.session().createDataFrame(rows,
                new StructType().add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()));
        Exception x = assertThrows(Exception.class,
                () -> FlowSparkModel.of(Fixtures.model(3, 0, 1)).transform(vectors).collectAsList());
        assertTrue(messages(x).contains("has a vector of size 2 in column 'features'; expected size 3"), messages(x));
        Dataset<Row> df = new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
                .transform(Fixtures.frame(Fixtures.rows(4, 2, 1), new String[] {"a", "b"}, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> new FlowEstimator().setInputCol("features").setInputCols("a", "b").fit(df));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }
}
