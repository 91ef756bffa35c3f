package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.junit.jupiter.api.Test;

/** SGD steps on L = (p1^2 + 3 p2^2) / 2 from p = (1, -2), so g = (p1, 3 p2), checked by hand. */
class SGDTest {
    private static final double[] A = {1.0, 3.0};

    private static void steps(Optimizer opt, Parameter p, int n) {
        for (int i = 0; i < n; i++) {
            Quadratic.backward(p, A);
            opt.step();
        }
    }

    @Test
    void plainStepIsMinusLrTimesGradient() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new SGD(Quadratic.named(p), 0.1, 0.0, 0.0), p, 1);
        // g = (1, -6): p = (1 - 0.1, -2 + 0.6)
        assertEquals(0.9, p.value().get(0), 1e-15);
        assertEquals(-1.4, p.value().get(1), 1e-15);
    }

    @Test
    void momentumTwoSteps() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new SGD(Quadratic.named(p), 0.1, 0.9, 0.0), p, 2);
        // step 1: g = (1, -6), b = (1, -6), p = (0.9, -1.4)
        // step 2: g = (0.9, -4.2), b = 0.9 (1, -6) + g = (1.8, -9.6), p = (0.9 - 0.18, -1.4 + 0.96)
        assertEquals(0.72, p.value().get(0), 1e-14);
        assertEquals(-0.44, p.value().get(1), 1e-14);
    }

    @Test
    void nesterovWithWeightDecayTwoSteps() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new SGD(Quadratic.named(p), 0.1, 0.9, 0.5, true), p, 2);
        // step 1: d = g + 0.5 p = (1.5, -7), b = d, d + 0.9 b = (2.85, -13.3), p = (0.715, -0.67)
        // step 2: g = (0.715, -2.01), d = (1.0725, -2.345), b = 0.9 (1.5, -7) + d = (2.4225, -8.645),
        //         d + 0.9 b = (3.25275, -10.1255), p = (0.715 - 0.325275, -0.67 + 1.01255)
        assertEquals(0.389725, p.value().get(0), 1e-14);
        assertEquals(0.34255, p.value().get(1), 1e-14);
    }

    @Test
    void float32ParameterIsUpdatedInItsOwnDType() {
        Parameter p = Quadratic.param(DType.FLOAT32, 1.0, -2.0);
        steps(new SGD(Quadratic.named(p), 0.1, 0.9, 0.0), p, 2);
        assertEquals(DType.FLOAT32, p.value().dtype());
        assertEquals(0.72, p.value().get(0), 1e-6);
        assertEquals(-0.44, p.value().get(1), 1e-6);
    }

    @Test
    void badHyperparametersAreRejected() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0);
        assertThrows(IllegalArgumentException.class, () -> new SGD(Quadratic.named(p), -0.1, 0.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new SGD(Quadratic.named(p), 0.1, 1.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new SGD(Quadratic.named(p), 0.1, 0.9, -1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(Quadratic.named(p), 0.1, 0.0, 0.0, true));
        assertEquals("SGD: Nesterov momentum needs momentum > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(new HashMap<>(), 0.1, 0.0, 0.0));
    }
}
