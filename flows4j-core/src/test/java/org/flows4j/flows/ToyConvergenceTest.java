package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.flows4j.data.Toys;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.TrainResult;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each ready-made flow, trained with Adam on a 2-D toy, reaches a test NLL (50,000 fresh points)
 * within the distance of the toy's true entropy. Setting as the reference figures: 5 steps,
 * conditioners [64, 64], 3,000 Adam steps of batch 512 (30 epochs of 51,200 points), cosine decay from 5e-3. The flows
 * see the raw toy data; the spline interval is [-4, 4] so that every toy lies inside it. The issue
 * states no distance for NICE and IAF; theirs are set from measurement (gaps 0.19 and 0.031 with these
 * seeds) with a margin: NICE's additive couplings only move mass, so it is the weakest of the six.
 *
 * <p>NICE on moons is bimodal in the seed: over flow seeds 1–9 (2 shards) about a quarter of the runs
 * end in a mode with a gap of 0.33–0.40 and the rest at 0.10–0.21, with float64 and float32 optimizer
 * arithmetic alike (2 and 3 runs of 9). One seed passing or failing a 0.25 bound is then luck, so NICE
 * trains three seeds and must bring the best within 0.25 and every one within 0.5.
 *
 * <p>Every gap is bounded from below too ({@link #IMPOSSIBLY_LOW}), and every kind is trained on at least
 * two toys: the bounds of iaf on 8gaussians (gap 0.166 measured) and nice on checkerboard (0.35 and 0.37
 * with flow seeds 1 and 2) are set from measurement with a margin. NICE is not trained on 8gaussians: that
 * toy is symmetric, so at NICE's identity start {@code E[x_B | x_A] = 0} and the gradient of every additive
 * shift vanishes; it stays at the standard normal (gap 1.42).
 */
class ToyConvergenceTest {
    /**
     * The test NLL on 50,000 fresh points estimates the cross-entropy, which is at least the entropy; its
     * standard error is about 0.005 nats here, so a gap below -0.02 (four standard errors) means the flow
     * reports more density than it has: a wrong log-det.
     */
    private static final double IMPOSSIBLY_LOW = 0.02;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nsf", "moons", 0.02),
                Arguments.of("nsf", "8gaussians", 0.02),
                Arguments.of("nsf", "checkerboard", 0.07),
                Arguments.of("nsf-ar", "moons", 0.02),
                Arguments.of("nsf-ar", "8gaussians", 0.02),
                Arguments.of("nsf-ar", "checkerboard", 0.07),
                Arguments.of("realnvp", "moons", 0.04),
                Arguments.of("realnvp", "8gaussians", 0.17),
                Arguments.of("maf", "moons", 0.04),
                Arguments.of("maf", "8gaussians", 0.17),
                Arguments.of("iaf", "moons", 0.05),
                Arguments.of("iaf", "8gaussians", 0.25),
                Arguments.of("nice", "checkerboard", 0.5));
    }

    @ParameterizedTest(name = "{0} on {1} within {2} nats")
    @MethodSource("cases")
    void reachesTheTrueEntropy(String kind, String toy, double tolerance) {
        double gap = trainedGap(kind, toy, 1);
        assertTrue(gap < tolerance, kind + " on " + toy + ": gap " + gap + " nats, expected below " + tolerance);
        assertTrue(gap > -IMPOSSIBLY_LOW, kind + " on " + toy + ": gap " + gap + " nats, expected above -"
                + IMPOSSIBLY_LOW + " (a model cannot beat the true entropy on fresh data: a log-det is wrong)");
    }

    @Test
    void niceReachesTheTrueEntropyWithTheBestOfThreeSeeds() {
        double best = Double.POSITIVE_INFINITY;
        for (long seed = 1; seed <= 3; seed++) {
            double gap = trainedGap("nice", "moons", seed);
            assertTrue(gap < 0.5, "nice on moons, seed " + seed + ": gap " + gap + " nats, expected below 0.5");
            assertTrue(gap > -IMPOSSIBLY_LOW, "nice on moons, seed " + seed + ": gap " + gap + " nats, too low");
            best = Math.min(best, gap);
        }
        assertTrue(best < 0.25, "nice on moons: best gap of three seeds " + best + " nats, expected below 0.25");
    }

    /** Test NLL minus the toy's entropy after training the flow built with {@code seed}. */
    private static double trainedGap(String kind, String toy, long seed) {
        double entropy = Toys.entropy(toy).orElseThrow();
        FlowSpec spec = FlowSpec.defaults(kind, 2).withSpline(8, 4.0).withSeed(seed);
        Flow flow = Flows.build(spec);
        Tensor train = Tensor.of(Toys.generate(toy, 51_200, 11)).to(DType.FLOAT32);
        Tensor test = Tensor.of(Toys.generate(toy, 50_000, 12)).to(DType.FLOAT32);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(30).withBatchSize(512).withLearningRate(5e-3)
                .withPatience(0).withSeed(3);
        long t0 = System.nanoTime();
        TrainResult r = new Trainer(cfg).fit(flow, TrainData.of(train), null);
        double nll = Evaluation.meanNll(flow, test, null, 10_000);
        System.out.printf("%s on %s (seed %d): test NLL %.4f, entropy %.3f, gap %.4f, %d steps in %.1f s%n", kind,
                toy, seed, nll, entropy, nll - entropy, r.steps(), (System.nanoTime() - t0) / 1e9);
        return nll - entropy;
    }
}
