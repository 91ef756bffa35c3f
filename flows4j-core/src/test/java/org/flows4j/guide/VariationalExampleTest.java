package org.flows4j.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.Rng;
import org.flows4j.vi.ImportanceEstimate;
import org.flows4j.vi.Target;
import org.flows4j.vi.VariationalTrainer;
import org.flows4j.vi.ViConfig;
import org.flows4j.vi.ViResult;
import org.junit.jupiter.api.Test;

/** Runs the user guide's "Variational inference" example and checks that the guide shows exactly these lines. */
class VariationalExampleTest {

    @Test
    void theVariationalExampleRunsAndIsShownVerbatim() throws Exception {
        // Variational example begins
        Target banana = new Target() {
            @Override
            public int features() {
                return 2;
            }

            @Override
            public Variable logDensity(Variable x) {
                Variable x0 = IndexOps.slice(x, 1, 0, 1);
                Variable bend = ArithmeticOps.sub(IndexOps.slice(x, 1, 1, 2),
                        ArithmeticOps.mulScalar(ArithmeticOps.square(x0), 0.5));
                Variable energy = ArithmeticOps.add(ArithmeticOps.square(x0),
                        ArithmeticOps.mulScalar(ArithmeticOps.square(bend), 4));
                return ArithmeticOps.mulScalar(ReduceOps.sum(energy, 1, false), -0.5);
            }
        };
        FlowSpec spec = FlowSpec.defaults("nsf", 2).withLayers(4).withHidden(32, 32);
        Flow flow = Flows.build(spec);
        ViConfig config = ViConfig.defaults().withSteps(1000).withSamples(256).withLearningRate(5e-3)
                .withAnnealing(0.1, 300).withStickingTheLanding(true);
        ViResult result = new VariationalTrainer(config).fit(flow, banana, null);
        ImportanceEstimate e = result.estimate();
        System.out.printf("ELBO %.4f, log Z %.4f +- %.4f, ESS %.2f%n", result.finalElbo(), e.logZ(), e.stderr(),
                e.essFraction());
        Path file = Files.createTempFile("banana", ".flow");
        ModelFile.save(FlowModel.of(spec, flow), file);
        // Variational example ends

        double logZ = Math.log(Math.PI);
        assertEquals(logZ, e.logZ(), 0.05, "log Z of the banana is log(2 pi * 1 * 0.5)");
        assertTrue(e.essFraction() > 0.5, e.toString());
        double[][] drawn = ModelFile.load(file).sample(4, null, new Rng(1));
        assertEquals(4, drawn.length);
        Files.delete(file);

        String source = Files.readString(Path.of("src/test/java/org/flows4j/guide/VariationalExampleTest.java"));
        String block = source.substring(source.indexOf("// Variational example begins") + 29,
                source.indexOf("// Variational example ends"));
        String guide = Files.readString(Path.of("../docs/USER_GUIDE.md"));
        for (String line : block.strip().lines().map(String::strip).toList()) {
            assertTrue(guide.contains(line), "docs/USER_GUIDE.md must show the example line: " + line);
        }
    }
}
