package org.flows4j.guide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flows4j.autodiff.Activation;
import org.flows4j.data.Toys;
import org.flows4j.distribution.GaussianMixture;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.train.FitData;
import org.flows4j.train.FitResult;
import org.flows4j.train.Fitter;
import org.flows4j.train.TrainConfig;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Transform;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.CouplingMask;
import org.junit.jupiter.api.Test;

/**
 * Runs the user guide's composition example (ActNorm + LU-linear + affine coupling over a Gaussian-mixture base,
 * fitted with the pipeline, saved, loaded and scored) and checks that the guide shows exactly these lines.
 */
class CompositionExampleTest {

    @Test
    void theCompositionExampleRunsAndIsShownVerbatim() throws Exception {
        // Composition example begins
        Rng rng = new Rng(3);
        List<Transform> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            steps.add(new ActNorm(2, DType.FLOAT32));
            steps.add(LULinear.random(2, DType.FLOAT32, rng));
            steps.add(new AffineCoupling(CouplingMask.alternating(2, i % 2 == 0), 0, new int[] {32, 32},
                    Activation.RELU, DType.FLOAT32, rng));
        }
        Flow flow = new Flow(new Composite(steps), new GaussianMixture(2, 8, DType.FLOAT32, rng));
        double[][] rows = Toys.generate("8gaussians", 8_000, 2);
        FitResult result = Fitter.builder().config(TrainConfig.defaults().withEpochs(20)).build()
                .fit(flow, FitData.of(rows));
        Path file = Files.createTempFile("mixture", ".flow");
        ModelFile.save(result.model(), file);
        FlowModel loaded = ModelFile.load(file);
        double[] logDensity = loaded.logProb(new double[][] {{0, 2.83}, {0, 0}}, null);
        // Composition example ends

        assertArrayEquals(result.model().logProb(rows, null), loaded.logProb(rows, null), 0.0);
        assertTrue(logDensity[0] > logDensity[1] + 2, "a mode is far more likely than the empty centre: "
                + logDensity[0] + " vs " + logDensity[1]);
        assertTrue(result.testNll() < Toys.entropy("8gaussians").getAsDouble() + 0.5, "test NLL " + result.testNll());
        Files.delete(file);

        String source = Files.readString(Path.of("src/test/java/org/flows4j/guide/CompositionExampleTest.java"));
        String block = source.substring(source.indexOf("// Composition example begins") + 29,
                source.indexOf("// Composition example ends"));
        String guide = Files.readString(Path.of("../docs/USER_GUIDE.md"));
        for (String line : block.strip().lines().map(String::strip).toList()) {
            assertTrue(guide.contains(line), "docs/USER_GUIDE.md must show the example line: " + line);
        }
    }
}
