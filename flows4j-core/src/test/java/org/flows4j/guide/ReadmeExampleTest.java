package org.flows4j.guide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flows4j.data.Toys;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.Test;

/** Runs the README's Java example and checks that the README shows exactly these lines. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAndIsShownVerbatim() throws Exception {
        // README example begins
        double[][] x = Toys.generate("moons", 20_000, 1);
        FlowSpec spec = FlowSpec.defaults("nsf", 2).withSpline(8, 4.0);
        Flow flow = Flows.build(spec);
        new Trainer(TrainConfig.defaults().withEpochs(20)).fit(flow, TrainData.of(Tensor.of(x).to(DType.FLOAT32)), null);
        double[] logDensity = flow.logProb(new double[][] {{1.0, 0.0}, {3.0, 3.0}});
        double[][] samples = flow.sampleArray(1000, new Rng(42));
        FlowModel model = FlowModel.of(spec, flow).withColumns(List.of("x", "y"), List.of());
        Path file = Files.createTempFile("moons", ".flow");
        ModelFile.save(model, file);
        FlowModel loaded = ModelFile.load(file);
        // README example ends

        assertTrue(logDensity[0] > logDensity[1] + 5, "a point on the moons is far more likely than one off them");
        assertEquals(1000, samples.length);
        double[][] probe = {{1.0, 0.0}, {3.0, 3.0}};
        assertArrayEquals(logDensity, loaded.logProb(probe, null), 0.0);
        Files.delete(file);

        String source = Files.readString(Path.of("src/test/java/org/flows4j/guide/ReadmeExampleTest.java"));
        String block = source.substring(source.indexOf("// README example begins") + 24, source.indexOf("// README example ends"));
        String readme = Files.readString(Path.of("../README.md"));
        for (String line : block.strip().lines().map(String::strip).toList()) {
            assertTrue(readme.contains(line), "README.md must show the example line: " + line);
        }
    }
}
