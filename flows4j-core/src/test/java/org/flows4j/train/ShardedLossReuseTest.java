package org.flows4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@link ShardedLoss} reused across steps hands its shards arrays left over from the previous step
 * (stale values, skipped zero fills); its losses and gradients must equal, bit for bit, those of a
 * fresh instance, whose arrays are all new. Sizes are chosen so the hidden activations (128 rows x 64
 * per shard) are pooled.
 */
class ShardedLossReuseTest {

    private static List<double[]> lossAndGradients(Flow f, ShardedLoss loss, Tensor x) {
        f.zeroGrad();
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {loss.meanNllBackward(f, x, null)});
        for (Parameter p : f.parameters().values()) {
            out.add(p.grad().toDoubleArray());
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"realnvp, FLOAT32", "maf, FLOAT32", "nsf, FLOAT32", "nsf-ar, FLOAT32", "realnvp, FLOAT64",
            "nsf, FLOAT64"})
    void reusedBuffersGiveTheSameBitsAsFreshOnes(String kind, DType dtype) {
        Flow f = Flows.build(FlowSpec.defaults(kind, 3).withLayers(2).withHidden(64, 64).withDtype(dtype));
        f.train(true);
        ShardedLoss reused = new ShardedLoss(2);
        Rng rng = new Rng(7);
        int arraysAfterSecondStep = -1;
        for (int step = 1; step <= 4; step++) {
            Tensor x = Tensor.randn(rng, dtype, 256, 3);
            List<double[]> expected = lossAndGradients(f, new ShardedLoss(2), x);
            List<double[]> actual = lossAndGradients(f, reused, x);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), kind + " step " + step + " entry " + i);
            }
            if (step == 2) {
                arraysAfterSecondStep = reused.pooledArrays();
            }
        }
        assertTrue(arraysAfterSecondStep > 0, "nothing was pooled");
        assertEquals(arraysAfterSecondStep, reused.pooledArrays(), "the pool grew after the second step");
    }
}
