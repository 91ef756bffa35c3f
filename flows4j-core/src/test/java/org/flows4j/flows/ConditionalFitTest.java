package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A conditional flow learns p(x | c) where the context c = (cos t, sin t) rotates an elongated Gaussian
 * by the angle t and shifts it by 2c. Under the right context the held-out log-density must beat the
 * one under the opposite context (t + pi) by a clear margin; the true gap is several nats.
 */
class ConditionalFitTest {

    private static double[][][] data(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][2];
        double[][] c = new double[n][2];
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * rng.nextDouble();
            double cos = Math.cos(t);
            double sin = Math.sin(t);
            double a = rng.nextGaussian();
            double b = 0.2 * rng.nextGaussian();
            x[i][0] = cos * a - sin * b + 2 * cos;
            x[i][1] = sin * a + cos * b + 2 * sin;
            c[i][0] = cos;
            c[i][1] = sin;
        }
        return new double[][][] {x, c};
    }

    @ParameterizedTest
    @ValueSource(strings = {"realnvp", "maf", "nsf", "nsf-ar"})
    void theRightContextBeatsTheWrongOneByAClearMargin(String kind) {
        double[][][] train = data(8000, 1);
        Flow flow = Flows.build(FlowSpec.defaults(kind, 2).withContext(2).withLayers(4).withHidden(32, 32)
                .withSpline(8, 5.0).withSeed(2));
        TrainData td = new TrainData(Tensor.of(train[0]).to(DType.FLOAT32), Tensor.of(train[1]).to(DType.FLOAT32), null, null);
        new Trainer(TrainConfig.defaults().withEpochs(25).withBatchSize(256).withLearningRate(5e-3).withPatience(0))
                .fit(flow, td, null);
        double[][][] test = data(2000, 3);
        double[][] wrong = new double[test[1].length][];
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = new double[] {-test[1][i][0], -test[1][i][1]};
        }
        double right = mean(flow.logProb(test[0], test[1]));
        double opposite = mean(flow.logProb(test[0], wrong));
        double entropy = Math.log(2 * Math.PI * Math.E * 0.2);
        System.out.printf("%s: mean log p right %.3f (best possible %.3f), wrong %.3f%n", kind, right, -entropy, opposite);
        assertTrue(right > -entropy - 0.25, kind + ": the right context should nearly reach the true density, got " + right);
        assertTrue(right - opposite > 3, kind + ": right " + right + " vs wrong " + opposite);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x / v.length;
        }
        return s;
    }
}
