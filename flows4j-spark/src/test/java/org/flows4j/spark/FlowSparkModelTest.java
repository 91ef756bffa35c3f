package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flows4j.flows.FlowModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowSparkModelTest {
    private static final String[] COLS = {"x0", "x1", "x2"};

    /** Rows sorted by x0 (unique), with their log-densities, as {@code double[n][4]}. */
    private static double[][] scored(Dataset<Row> out, String col) {
        List<Row> rows = out.orderBy("x0").select("x0", "x1", "x2", col).collectAsList();
        double[][] r = new double[rows.size()][4];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < 4; j++) {
                r[i][j] = rows.get(i).isNullAt(j) ? Double.NaN : rows.get(i).getDouble(j);
            }
        }
        return r;
    }

    private static double[] expected(FlowModel m, double[][] scored) {
        double[][] x = new double[scored.length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {scored[i][0], scored[i][1], scored[i][2]};
        }
        return m.logProb(x, null);
    }

    private static double[] column(double[][] rows, int j) {
        double[] out = new double[rows.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows[i][j];
        }
        return out;
    }

    @Test
    void scoresEveryRowAsTheModelDoesInOneJvm() {
        FlowModel m = Fixtures.model(3, 0, 1);
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(1000, 3, 2), COLS, 3);
        FlowSparkModel model = FlowSparkModel.of(m).setInputCols(COLS).setChunkSize(100);
        double[][] r = scored(model.transform(df), "logProb");
        assertEquals(1000, r.length);
        assertArrayEquals(expected(m, r), column(r, 3), 1e-9);
    }

    @Test
    void vectorInputAndLatentColumn() {
        FlowModel m = Fixtures.model(3, 0, 3);
        Dataset<Row> df = new VectorAssembler().setInputCols(COLS).setOutputCol("features")
                .transform(Fixtures.frame(Fixtures.rows(200, 3, 4), COLS, 2));
        FlowSparkModel model = FlowSparkModel.of(m).setLatentCol("z");
        List<Row> rows = model.transform(df).select("features", "logProb", "z").collectAsList();
        assertEquals(200, rows.size());
        Row first = rows.get(0);
        double[] x = ((Vector) first.get(0)).toArray();
        assertEquals(m.logProb(new double[][] {x}, null)[0], first.getDouble(1), 1e-9);
        assertArrayEquals(m.toLatent(new double[][] {x})[0], ((Vector) first.get(2)).toArray(), 1e-9);
    }

    @Test
    void savesAndLoadsInsideAPipelineNextToAVectorAssembler(@TempDir Path dir) throws Exception {
        FlowModel m = Fixtures.model(3, 0, 5);
        Dataset<Row> df = Fixtures.frame(Fixtures.rows(300, 3, 6), COLS, 2);
        VectorAssembler assembler = new VectorAssembler().setInputCols(COLS).setOutputCol("features");
        FlowSparkModel flow = FlowSparkModel.of(m).setOutputCol("lp");
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, flow}).fit(df);
        String path = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        FlowSparkModel back = (FlowSparkModel) loaded.stages()[1];
        assertEquals("lp", back.getOrDefault(back.outputCol()));
        assertEquals(flow.uid(), back.uid());
        assertArrayEquals(flow.modelFile(), back.modelFile());
        double[][] before = scored(pipeline.transform(df), "lp");
        double[][] after = scored(loaded.transform(df), "lp");
        assertArrayEquals(column(before, 3), column(after, 3), 0.0);
        assertArrayEquals(expected(m, after), column(after, 3), 1e-9);
    }

    @Test
    void savesAndLoadsAlone(@TempDir Path dir) throws Exception {
        FlowSparkModel model = FlowSparkModel.of(Fixtures.model(2, 1, 7)).setInputCols("a", "b").setContextCols("c")
                .setHandleInvalid("skip").setChunkSize(17);
        String path = dir.resolve("m").toString();
        model.save(path);
        FlowSparkModel back = FlowSparkModel.load(path);
        assertArrayEquals(new String[] {"a", "b"}, back.getOrDefault(back.inputCols()));
        assertArrayEquals(new String[] {"c"}, back.getOrDefault(back.contextCols()));
        assertEquals("skip", back.getOrDefault(back.handleInvalid()));
        assertEquals(17, (Integer) back.getOrDefault(back.chunkSize()));
        assertEquals(1, back.flowModel().contextFeatures());
    }

    @Test
    void samplesWithTheInputColumnNames() {
        FlowSparkModel model = FlowSparkModel.of(Fixtures.model(3, 0, 8)).setInputCols(COLS);
        Dataset<Row> s = model.sample(TestSpark.session(), 5000, 11);
        assertArrayEquals(COLS, s.columns());
        assertEquals(5000, s.count());
        Row mean = s.agg(org.apache.spark.sql.functions.avg("x0"), org.apache.spark.sql.functions.avg("x2")).first();
        double[][] local = model.flowModel().sample(20000, null, new org.flows4j.tensor.Rng(1));
        double m0 = 0;
        double m2 = 0;
        for (double[] r : local) {
            m0 += r[0] / local.length;
            m2 += r[2] / local.length;
        }
        assertEquals(m0, mean.getDouble(0), 0.15);
        assertEquals(m2, mean.getDouble(1), 0.25);
        List<Row> again = model.sample(TestSpark.session(), 10, 11).collectAsList();
        assertEquals(again, model.sample(TestSpark.session(), 10, 11).collectAsList());
        assertTrue(!again.equals(model.sample(TestSpark.session(), 10, 12).collectAsList()));
    }

    @Test
    void conditionalSampleAppendsTheContext() {
        FlowSparkModel model = FlowSparkModel.of(Fixtures.model(2, 1, 9)).setInputCols("a", "b").setContextCols("c");
        Dataset<Row> s = model.sample(TestSpark.session(), 20, 3, new double[] {0.5});
        assertArrayEquals(new String[] {"a", "b", "c"}, s.columns());
        assertEquals(0.5, s.first().getDouble(2), 0.0);
    }
}
