package org.flows4j.guide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flows4j.data.Split;
import org.flows4j.data.Toys;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.optim.AdamW;
import org.flows4j.optim.Cosine;
import org.flows4j.train.Evaluation;
import org.flows4j.train.FitData;
import org.flows4j.train.FitResult;
import org.flows4j.train.Fitter;
import org.flows4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Runs the user guide's "Fitting from Java" example and checks that the guide shows exactly these lines. */
class FittingExampleTest {

    @Test
    void theFittingExampleRunsAndIsShownVerbatim() throws Exception {
        // Fitting example begins
        double[][] rows = Toys.generate("moons", 5_000, 1);
        TrainConfig config = TrainConfig.defaults().withEpochs(10)
                .withOptimizer(params -> new AdamW(params, 5e-3, 0.9, 0.999, 1e-8, 1e-4))
                .withSchedule(new Cosine(5e-3, 80, 0).withWarmup(8));
        Fitter fitter = Fitter.builder().config(config).validationFraction(0.1).testFraction(0.1).build();
        FitResult result = fitter.fit(FlowSpec.defaults("nsf", 2), FitData.of(rows).withColumns(List.of("x", "y"), null));
        System.out.printf("test NLL %.3f nats, %.3f bits/dim, best epoch %d of %d%n", result.testNll(),
                result.testBitsPerDim(), result.training().bestEpoch(), result.training().history().size());
        FlowModel model = result.model();
        Path file = Files.createTempFile("moons", ".flow");
        ModelFile.save(model, file);
        // Fitting example ends

        double[][] test = Split.of(rows, 0.8, 0.1, 0).test();
        double untrained = Evaluation.Nll.of(result.preprocessing().logProb(Flows.build(FlowSpec.defaults("nsf", 2)), test,
                null)).mean();
        assertTrue(result.testNll() < untrained - 0.1, "trained " + result.testNll() + " vs untrained " + untrained);
        assertEquals(result.testNll() / (2 * Math.log(2)), result.testBitsPerDim(), 1e-12);
        assertEquals(List.of("x", "y"), ModelFile.load(file).columns());
        assertArrayEquals(model.logProb(test, null), ModelFile.load(file).logProb(test, null), 0.0);
        Files.delete(file);

        String source = Files.readString(Path.of("src/test/java/org/flows4j/guide/FittingExampleTest.java"));
        String block = source.substring(source.indexOf("// Fitting example begins") + 25,
                source.indexOf("// Fitting example ends"));
        String guide = Files.readString(Path.of("../docs/USER_GUIDE.md"));
        for (String line : block.strip().lines().map(String::strip).toList()) {
            assertTrue(guide.contains(line), "docs/USER_GUIDE.md must show the example line: " + line);
        }
    }
}
