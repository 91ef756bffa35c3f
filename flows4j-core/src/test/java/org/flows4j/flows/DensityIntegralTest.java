package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.data.Standardizer;
import org.flows4j.data.Toys;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A density must integrate to 1: each of the six ready-made kinds, trained briefly on standardized moons
 * (so its weights are far from the identity start), evaluated in float32 on a 1,201 x 1,201 grid over
 * [-9, 9]^2 (spacing 0.015), gives {@code sum exp(log p) h^2} within 1e-3 of 1. The midpoint sum of a smooth
 * density at this spacing is exact to far below 1e-3; the mass outside the square is below 1e-6 for these
 * flows (their tails are no heavier than the standard normal's beyond the data). A wrong log-det term
 * (a missing or doubled step, a sign error) moves the integral by far more.
 */
class DensityIntegralTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar"})
    void trainedDensityIntegratesToOne(String kind) {
        double[][] raw = Toys.generate("moons", 8_000, 21);
        Standardizer s = Standardizer.fit(raw);
        Tensor train = Tensor.of(s.forward(raw)).to(DType.FLOAT32);
        Flow flow = Flows.build(FlowSpec.defaults(kind, 2).withHidden(32, 32).withLayers(3).withSeed(4));
        new Trainer(TrainConfig.defaults().withEpochs(6).withBatchSize(256).withLearningRate(5e-3).withPatience(0)
                .withSeed(5)).fit(flow, TrainData.of(train), null);
        int n = 1201;
        double lo = -9;
        double h = 18.0 / (n - 1);
        float[][] grid = new float[n * n][];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                grid[i * n + j] = new float[] {(float) (lo + i * h), (float) (lo + j * h)};
            }
        }
        float[] lp = flow.logProb(grid);
        double mass = 0;
        for (float v : lp) {
            mass += Math.exp(v) * h * h;
        }
        double trainedNll = Evaluation.meanNll(flow, train, null, 4096);
        System.out.printf("%s: integral %.6f, train NLL %.3f%n", kind, mass, trainedNll);
        assertTrue(trainedNll < 2.6, kind + ": train NLL " + trainedNll + " (standard normal: 2.84), expected a trained flow");
        assertTrue(Math.abs(mass - 1) <= 1e-3, kind + ": integral " + mass + ", expected 1 +- 1e-3");
    }
}
