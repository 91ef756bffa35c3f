package org.flows4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.data.Toys;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainConfig#weightDecay()} reaches the optimizer: one step of AdamW from the same weights on the
 * same batch differs from one step of Adam by exactly the decoupled decay, {@code -lr * wd * p0} for
 * every parameter value {@code p0} (Loshchilov &amp; Hutter 2019), since both see the same gradient.
 */
class TrainerWeightDecayTest {
    private static Flow flow() {
        Flow f = Flows.build(FlowSpec.defaults("realnvp", 2).withLayers(2).withHidden(8).withDtype(DType.FLOAT64));
        Rng rng = new Rng(5);
        for (Parameter p : f.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.3 * rng.nextGaussian());
            }
        }
        return f;
    }

    private static Map<String, Tensor> oneStep(double weightDecay) {
        Flow f = flow();
        Tensor data = Tensor.of(Toys.generate("moons", 256, 3));
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(256).withLearningRate(0.01)
                .withSchedule(false, 0).withWeightDecay(weightDecay);
        TrainResult r = new Trainer(cfg).fit(f, TrainData.of(data), null);
        assertEquals(1, r.steps());
        return f.stateDict();
    }

    @Test
    void oneAdamWStepIsTheAdamStepPlusTheDecoupledDecay() {
        double lr = 0.01;
        double wd = 0.5;
        Map<String, Parameter> start = flow().parameters();
        Map<String, Tensor> adam = oneStep(0);
        Map<String, Tensor> adamW = oneStep(wd);
        double largest = 0;
        for (Map.Entry<String, Parameter> e : start.entrySet()) {
            Tensor p0 = e.getValue().value();
            for (int i = 0; i < p0.numel(); i++) {
                double decay = adamW.get(e.getKey()).get(i) - adam.get(e.getKey()).get(i);
                assertEquals(-lr * wd * p0.get(i), decay, 1e-13, e.getKey() + "[" + i + "]");
                largest = Math.max(largest, Math.abs(decay));
            }
        }
        assertTrue(largest > 1e-3, "some weights shrink visibly: " + largest);
    }
}
