package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Initializers: every draw inside its bound, the largest draw close to the bound, and the sample
 * variance close to the uniform's {@code B^2 / 3} (4000 draws: relative standard error about 2%).
 */
class InitTest {
    private static Tensor weight(Init init, int out, int in, long seed) {
        Tensor w = Tensor.zeros(DType.FLOAT64, out, in);
        init.initWeight(w, new Rng(seed));
        return w;
    }

    private static void assertUniform(Tensor w, double bound) {
        double max = 0;
        double sumSq = 0;
        for (int i = 0; i < w.numel(); i++) {
            max = Math.max(max, Math.abs(w.get(i)));
            sumSq += w.get(i) * w.get(i);
        }
        assertTrue(max <= bound, "max " + max + " exceeds bound " + bound);
        assertTrue(max > 0.99 * bound, "max " + max + " is far below bound " + bound);
        double variance = sumSq / w.numel();
        assertEquals(bound * bound / 3, variance, 0.1 * bound * bound / 3);
    }

    @Test
    void kaimingUniformUsesFanIn() {
        assertUniform(weight(Init.kaimingUniform(), 40, 100, 1), Math.sqrt(6.0 / 100));
        double gain = Math.sqrt(2.0 / (1 + 0.01 * 0.01));
        assertUniform(weight(Init.kaimingUniform(0.01), 40, 100, 2), gain * Math.sqrt(3.0 / 100));
    }

    @Test
    void kaimingUniformDrawsTheBiasWithTheWeightsBound() {
        Tensor b = Tensor.zeros(DType.FLOAT64, 4000);
        Init.kaimingUniform().initBias(b, 50, new Rng(7));
        assertUniform(b, Math.sqrt(6.0 / 50));
        Tensor leaky = Tensor.zeros(DType.FLOAT64, 4000);
        Init.kaimingUniform(0.2).initBias(leaky, 3, new Rng(8));
        assertUniform(leaky, Math.sqrt(2.0 / (1 + 0.04)) * Math.sqrt(3.0 / 3));
        Linear layer = new Linear(2, 4000, true, DType.FLOAT64, new Rng(9), Init.kaimingUniform());
        assertUniform(layer.bias().value(), Math.sqrt(6.0 / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.kaimingUniform().initBias(Tensor.zeros(DType.FLOAT64, 3), 0, new Rng(1)));
        assertTrue(e.getMessage().contains("Init.kaimingUniform") && e.getMessage().contains(">= 1")
                && e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void xavierUniformUsesFanInPlusFanOut() {
        assertUniform(weight(Init.xavierUniform(), 40, 100, 3), Math.sqrt(6.0 / 140));
    }

    @Test
    void uniformBoundAppliesToWeightAndBias() {
        assertUniform(weight(Init.uniform(1e-3), 40, 100, 4), 1e-3);
        Tensor b = Tensor.zeros(DType.FLOAT64, 4000);
        Init.uniform(1e-3).initBias(b, 100, new Rng(5));
        assertUniform(b, 1e-3);
        Tensor b2 = Tensor.ones(DType.FLOAT64, 3);
        Init.xavierUniform().initBias(b2, 100, new Rng(5));
        assertArrayEquals(new double[3], b2.toDoubleArray(), 0.0);
    }

    @Test
    void zerosAndSeedsAreExact() {
        Tensor w = Tensor.ones(DType.FLOAT32, 3, 2);
        Init.zeros().initWeight(w, new Rng(1));
        assertArrayEquals(new double[6], w.toDoubleArray(), 0.0);
        assertArrayEquals(weight(Init.xavierUniform(), 5, 6, 9).toDoubleArray(),
                weight(Init.xavierUniform(), 5, 6, 9).toDoubleArray(), 0.0);
    }

    @Test
    void fanInUniformDrawsWeightAndBiasWithinOneOverRootFanIn() {
        assertUniform(weight(Init.fanInUniform(), 40, 100, 6), 0.1);
        Tensor b = Tensor.zeros(DType.FLOAT64, 4000);
        Init.fanInUniform().initBias(b, 25, new Rng(7));
        assertUniform(b, 0.2);
        assertThrows(IllegalArgumentException.class, () -> Init.fanInUniform().initBias(b, 0, new Rng(1)));
    }

    @Test
    void conditionersUseFanInUniformForEveryActivation() {
        for (Activation act : Activation.values()) {
            assertArrayEquals(weight(Init.fanInUniform(), 30, 20, 6).toDoubleArray(),
                    weight(Init.forActivation(act), 30, 20, 6).toDoubleArray(), 0.0, act.toString());
        }
    }
}
