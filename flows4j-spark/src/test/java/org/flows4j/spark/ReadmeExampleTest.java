package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.flows4j.data.Toys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's Spark example and checks that the README shows exactly these lines, in this order. */
class ReadmeExampleTest {

    @Test
    void theSparkExampleRunsAndIsShownVerbatim(@TempDir Path tmp) throws Exception {
        TestSpark.session();
        StringBuilder text = new StringBuilder("x,y\n");
        for (double[] r : Toys.generate("moons", 4000, 1)) {
            text.append(r[0]).append(',').append(r[1]).append('\n');
        }
        Files.writeString(tmp.resolve("moons.csv"), text);
        String csv = tmp.resolve("moons.csv").toString();
        String dir = tmp.resolve("model").toString();

        // Spark example begins
        SparkSession spark = SparkSession.builder().master("local[2]").getOrCreate();
        Dataset<Row> rows = spark.read().option("header", true).option("inferSchema", true).csv(csv);
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("features");
        FlowEstimator flow = new FlowEstimator().setPreset("nsf").setLayers(4).setHidden(32).setEpochs(10);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, flow}).fit(rows);
        fitted.write().overwrite().save(dir);
        Dataset<Row> scored = PipelineModel.load(dir).transform(rows);
        double meanLogLikelihood = new FlowLogLikelihoodEvaluator().evaluate(scored);
        FlowSparkModel model = (FlowSparkModel) fitted.stages()[1];
        Dataset<Row> samples = model.sample(1000, 42);
        // Spark example ends

        assertEquals(4000, scored.count());
        assertTrue(meanLogLikelihood > -2.9 && meanLogLikelihood < -2.0,
                "two moons (entropy 2.39 nats) after a short fit: mean log p " + meanLogLikelihood);
        assertEquals(1000, samples.count());
        assertArrayEquals(new String[] {"features"}, samples.columns());

        String source = Files.readString(Path.of("src/test/java/org/flows4j/spark/ReadmeExampleTest.java"));
        String block = source.substring(source.indexOf("// Spark example begins") + 23,
                source.indexOf("// Spark example ends"));
        String readme = Files.readString(Path.of("../README.md"));
        int at = readme.indexOf("## Spark");
        assertTrue(at >= 0, "README.md must have a Spark section");
        String shown = readme.substring(readme.indexOf("```java", at) + 7, readme.indexOf("```", readme.indexOf("```java", at) + 7));
        List<String> expected = block.strip().lines().map(String::strip).toList();
        List<String> actual = shown.strip().lines().map(String::strip).toList();
        assertEquals(expected, actual, "README.md's Spark example must be the test's code");
    }
}
