package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.data.Toys;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Module;
import org.flows4j.nn.ResidualNet;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code resnet} conditioner of the coupling kinds: every step's conditioner is a {@link ResidualNet}
 * with one block per hidden entry, a new flow is the identity, and the flow passes the transform checker
 * (with and without context) before and after a few training steps that lower the NLL.
 */
class ResnetConditionerTest {
    private static FlowSpec spec(String kind, int d) {
        return FlowSpec.defaults(kind, d).withLayers(2).withHidden(16, 16, 16).withConditioner("resnet")
                .withDtype(DType.FLOAT64).withSeed(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "nsf"})
    void buildsResidualConditionersThatStartAtTheIdentity(String kind) {
        Flow flow = Flows.build(spec(kind, 3));
        List<Module> all = new ArrayList<>();
        collect(flow, all);
        assertEquals(2, all.stream().filter(m -> m instanceof ResidualNet).count(), kind + ": one resnet per step");
        assertEquals(0, all.stream().filter(m -> m instanceof MLP).count(), kind + ": no MLP conditioner left");
        Set<String> names = flow.parameters().keySet();
        assertTrue(names.stream().anyMatch(n -> n.endsWith("blocks.2.linear_layers.1.weight")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.contains("blocks.3.")), "one block per --hidden entry: " + names);
        double[][] x = {{0.3, -1.1, 0.5}, {2.0, 0.7, -1.0}};
        double[] lp = flow.logProb(x);
        for (int i = 0; i < x.length; i++) {
            double sq = 0;
            for (double v : x[i]) {
                sq += v * v;
            }
            assertEquals(-1.5 * Math.log(2 * Math.PI) - 0.5 * sq, lp[i], 1e-12, kind + " row " + i);
        }
    }

    private static void collect(Module m, List<Module> out) {
        out.add(m);
        m.children().values().forEach(c -> collect(c, out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "nsf"})
    void passesTheCheckerWithAndWithoutContext(String kind) {
        for (int context : new int[] {0, 2}) {
            Flow flow = Flows.build(spec(kind, 3).withContext(context));
            CheckReport r = new TransformChecker().parameterNoise(0.1).check(flow.transform());
            assertTrue(r.passed(), () -> kind + " context=" + context + ": " + r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nice", "realnvp", "nsf"})
    void trainsAFewStepsAndStillPassesTheChecker(String kind) {
        Flow flow = Flows.build(spec(kind, 2).withDropout(0.1));
        Tensor data = Tensor.of(Toys.generate("moons", 1000, 2));
        double before = Evaluation.meanNll(flow, data, null, 1000);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(4).withBatchSize(100).withLearningRate(5e-3).withSeed(1);
        new Trainer(cfg).fit(flow, TrainData.of(data), null);
        double after = Evaluation.meanNll(flow, data, null, 1000);
        assertTrue(Double.isFinite(after) && after < before - 0.1, kind + ": NLL " + before + " -> " + after);
        CheckReport r = new TransformChecker().check(flow.transform());
        assertTrue(r.passed(), () -> kind + " trained: " + r);
    }
}
