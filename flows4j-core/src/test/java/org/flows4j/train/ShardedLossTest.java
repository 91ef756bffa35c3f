package org.flows4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.BatchNorm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShardedLossTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Flow flow(String kind, DType dtype, int context) {
        Flow f = Flows.build(FlowSpec.defaults(kind, 3).withLayers(2).withHidden(16, 16).withContext(context)
                .withDtype(dtype));
        Rng rng = new Rng(4);
        for (Parameter p : f.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, v.get(i) + 0.1 * rng.nextGaussian());
            }
        }
        return f;
    }

    /** The loss and every parameter gradient after one call on a fresh gradient. */
    private static List<double[]> lossAndGradients(Flow f, Tensor x, Tensor c, int shards) {
        f.zeroGrad();
        double loss = ShardedLoss.meanNllBackward(f, x, c, shards);
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {loss});
        for (Parameter p : f.parameters().values()) {
            Tensor g = p.grad();
            double[] v = new double[g.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = g.get(i);
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void shardsGiveTheLossAndGradientsOfTheWholeBatch() {
        for (String kind : new String[] {"realnvp", "maf", "nsf"}) {
            for (int context : new int[] {0, 2}) {
                Flow f = flow(kind, DType.FLOAT64, context);
                Rng rng = new Rng(5);
                Tensor x = Tensor.randn(rng, DType.FLOAT64, 37, 3);
                Tensor c = context == 0 ? null : Tensor.randn(rng, DType.FLOAT64, 37, context);
                List<double[]> whole = lossAndGradients(f, x, c, 1);
                for (int shards : new int[] {2, 3, 5}) {
                    List<double[]> parts = lossAndGradients(f, x, c, shards);
                    for (int k = 0; k < whole.size(); k++) {
                        double[] a = whole.get(k);
                        double[] b = parts.get(k);
                        for (int i = 0; i < a.length; i++) {
                            assertEquals(a[i], b[i], 1e-12 * Math.max(1, Math.abs(a[i])),
                                    kind + " context " + context + " shards " + shards + " item " + k + "[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void shardedGradientsAreBitIdenticalForAnyThreadCount() {
        Flow f = flow("nsf", DType.FLOAT32, 0);
        Tensor x = Tensor.randn(new Rng(6), DType.FLOAT32, 301, 3);
        Parallel.setThreads(1);
        List<double[]> one = lossAndGradients(f, x, null, 3);
        for (int threads : new int[] {2, 3, 4}) {
            Parallel.setThreads(threads);
            List<double[]> many = lossAndGradients(f, x, null, 3);
            for (int k = 0; k < one.size(); k++) {
                assertArrayEquals(one.get(k), many.get(k), threads + " threads, item " + k);
            }
        }
    }

    @Test
    void aModelThatDependsOnTheBatchRunsAsOneShard() {
        BatchNorm bn = new BatchNorm(3, DType.FLOAT64);
        Flow f = new Flow(bn, new StandardNormal(3, DType.FLOAT64));
        f.train(true);
        assertTrue(f.dependsOnBatch());
        Tensor x = Tensor.randn(new Rng(7), DType.FLOAT64, 40, 3);
        x.scaleInPlace(3.0);
        List<double[]> whole = lossAndGradients(f, x, null, 1);
        List<double[]> sharded = lossAndGradients(f, x, null, 4);
        for (int k = 0; k < whole.size(); k++) {
            assertArrayEquals(whole.get(k), sharded.get(k), "item " + k);
        }
        f.train(false);
        assertFalse(f.dependsOnBatch());
    }

    @Test
    void badArgumentsAreNamed() {
        Flow f = flow("realnvp", DType.FLOAT64, 0);
        Tensor x = Tensor.randn(new Rng(8), DType.FLOAT64, 10, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardedLoss.meanNllBackward(f, x, null, 0));
        assertTrue(e.getMessage().contains("shards") && e.getMessage().contains("0"), e.getMessage());
        Flow g = flow("realnvp", DType.FLOAT64, 2);
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> ShardedLoss.meanNllBackward(g, x, Tensor.zeros(DType.FLOAT64, 9, 2), 2));
        assertTrue(c.getMessage().contains("9") && c.getMessage().contains("10"), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().withShards(0));
    }
}
