package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flows4j.flows.FlowModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    @Test
    void meanLogLikelihoodOfTheScoredRows() {
        FlowModel fm = Fixtures.model(2, 0, 1);
        double[][] x = Fixtures.rows(300, 2, 2);
        Dataset<Row> scored = FlowSparkModel.of(fm).setInputCols("a", "b")
                .transform(Fixtures.frame(x, new String[] {"a", "b"}, 2));
        double expected = Arrays.stream(fm.logProb(x, null)).average().orElseThrow();
        FlowLogLikelihoodEvaluator ev = new FlowLogLikelihoodEvaluator();
        assertEquals(expected, ev.evaluate(scored), 1e-9);
        assertTrue(ev.isLargerBetter());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ev.setLogProbCol("a2").evaluate(scored));
        assertTrue(e.getMessage().contains("'a2' is missing"), e.getMessage());
    }

    @Test
    void crossValidatorPicksTheBetterFlowAndSaves(@TempDir Path dir) throws Exception {
        double[][] x = Fixtures.rows(1200, 2, 7);
        Dataset<Row> df = Fixtures.frame(x, new String[] {"a", "b"}, 2);
        FlowEstimator est = new FlowEstimator().setInputCols("a", "b").setEpochs(2).setBatchSize(300)
                .setLayers(2).setHidden(16).setLearningRate(1e-2).setValidationFraction(0);
        ParamMap[] grid = new ParamGridBuilder().addGrid(est.learningRate(), new double[] {1e-7, 1e-2}).build();
        CrossValidator cv = new CrossValidator().setEstimator(est).setEvaluator(new FlowLogLikelihoodEvaluator())
                .setEstimatorParamMaps(grid).setNumFolds(2).setSeed(1);
        CrossValidatorModel model = cv.fit(df);
        double[] metrics = model.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[1] > metrics[0], "a learning rate of 1e-2 must beat 1e-7: " + Arrays.toString(metrics));
        FlowSparkModel best = (FlowSparkModel) model.bestModel();
        assertEquals(1e-2, (Double) ((FlowEstimator) best.parent()).getOrDefault(est.learningRate()), 0.0);
        String path = dir.resolve("cv").toString();
        model.write().overwrite().save(path);
        CrossValidatorModel back = CrossValidatorModel.load(path);
        assertTrue(back.bestModel() instanceof FlowSparkModel);
        assertTrue(back.getEstimator() instanceof FlowEstimator);
    }
}
