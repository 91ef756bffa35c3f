package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW steps on L = (p1^2 + 3 p2^2) / 2 from p = (1, -2) with lr 0.1, betas (0.9, 0.999),
 * eps 1e-8, against the update written out by hand (bias corrections 1 - 0.9^t and 1 - 0.999^t).
 */
class AdamTest {
    private static final double[] A = {1.0, 3.0};
    private static final double EPS = 1e-8;

    private static void steps(Optimizer opt, Parameter p, int n) {
        for (int i = 0; i < n; i++) {
            Quadratic.backward(p, A);
            opt.step();
        }
    }

    @Test
    void adamFirstStepMovesEachCoordinateByLr() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new Adam(Quadratic.named(p), 0.1, 0.9, 0.999, EPS, 0.0), p, 1);
        // m_hat = g, v_hat = g^2 after bias correction: p -= 0.1 g / (|g| + eps), g = (1, -6)
        assertEquals(1.0 - 0.1 / (1.0 + EPS), p.value().get(0), 1e-15);
        assertEquals(-2.0 + 0.1 * 6.0 / (6.0 + EPS), p.value().get(1), 1e-15);
    }

    @Test
    void adamSecondStepUsesBiasCorrectedMoments() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new Adam(Quadratic.named(p), 0.1, 0.9, 0.999, EPS, 0.0), p, 2);
        // step 1: m = (0.1, -0.6), v = (0.001, 0.036), p = (0.9, -1.9) (up to eps)
        // step 2: g = (0.9, -5.7), m = (0.18, -1.11), v = (0.001809, 0.068454),
        //         corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999
        assertEquals(0.9 - 0.1 * (0.18 / 0.19) / Math.sqrt(0.001809 / 0.001999), p.value().get(0), 1e-8);
        assertEquals(-1.9 + 0.1 * (1.11 / 0.19) / Math.sqrt(0.068454 / 0.001999), p.value().get(1), 1e-8);
        assertEquals(0.80041223, p.value().get(0), 1e-8);
    }

    @Test
    void adamWDecaysDecoupledFromTheGradient() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        steps(new AdamW(Quadratic.named(p), 0.1, 0.9, 0.999, EPS, 0.5), p, 2);
        // step 1: p *= 1 - 0.1 * 0.5 -> (0.95, -1.9); g = (1, -6) -> p = (0.85, -1.8)
        // step 2: g = (0.85, -5.4); p *= 0.95 -> (0.8075, -1.71); m = (0.175, -1.08),
        //         v = (0.0017215, 0.065124)
        assertEquals(0.8075 - 0.1 * (0.175 / 0.19) / Math.sqrt(0.0017215 / 0.001999), p.value().get(0), 1e-8);
        assertEquals(-1.71 + 0.1 * (1.08 / 0.19) / Math.sqrt(0.065124 / 0.001999), p.value().get(1), 1e-8);
    }

    @Test
    void adamAddsWeightDecayToTheGradientButAdamWDoesNot() {
        // With a zero loss gradient, Adam's L2 term g = 0.5 p gives a first step of lr * sign(p);
        // AdamW only shrinks p by (1 - lr * wd).
        Parameter pa = Quadratic.param(DType.FLOAT64, 2.0, -4.0);
        Parameter pw = Quadratic.param(DType.FLOAT64, 2.0, -4.0);
        Adam adam = new Adam(Quadratic.named(pa), 0.1, 0.9, 0.999, EPS, 0.5);
        AdamW adamW = new AdamW(Quadratic.named(pw), 0.1, 0.9, 0.999, EPS, 0.5);
        Quadratic.backward(pa, 0.0, 0.0);
        Quadratic.backward(pw, 0.0, 0.0);
        adam.step();
        adamW.step();
        assertEquals(1.9, pa.value().get(0), 1e-8);
        assertEquals(-3.9, pa.value().get(1), 1e-8);
        assertEquals(1.9, pw.value().get(0), 1e-15);
        assertEquals(-3.8, pw.value().get(1), 1e-15);
    }

    @Test
    void float32MatchesTheFloat64Update() {
        Parameter p = Quadratic.param(DType.FLOAT32, 1.0, -2.0);
        steps(new Adam(Quadratic.named(p), 0.1, 0.9, 0.999, EPS, 0.0), p, 2);
        assertEquals(0.80041223, p.value().get(0), 1e-6);
        assertEquals(-1.8001665, p.value().get(1), 1e-6);
    }

    @Test
    void float32TracksFloat64OverManyStepsOnManyCoordinates() {
        // 40 coordinates (the JIT's vector loop and its remainder), curvatures 0.5..20, 200 steps of Adam
        // with L2 weight decay: float32 arithmetic stays within float rounding of the float64 path.
        int n = 40;
        double[] a = new double[n];
        double[] start = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5 + 0.5 * i;
            start[i] = (i % 2 == 0 ? 1 : -1) * (0.5 + 0.1 * i);
        }
        Parameter p32 = Quadratic.param(DType.FLOAT32, start);
        Parameter p64 = Quadratic.param(DType.FLOAT64, start);
        Adam adam32 = new Adam(Quadratic.named(p32), 0.01, 0.9, 0.999, EPS, 0.01);
        Adam adam64 = new Adam(Quadratic.named(p64), 0.01, 0.9, 0.999, EPS, 0.01);
        for (int t = 0; t < 200; t++) {
            Quadratic.backward(p32, a);
            Quadratic.backward(p64, a);
            adam32.step();
            adam64.step();
        }
        for (int i = 0; i < n; i++) {
            assertEquals(p64.value().get(i), p32.value().get(i), 2e-5, "coordinate " + i);
        }
    }

    @Test
    void badHyperparametersAreRejected() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0);
        assertThrows(IllegalArgumentException.class, () -> new Adam(Quadratic.named(p), 0.1, 1.0, 0.999, EPS, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Quadratic.named(p), 0.1, 0.9, -0.1, EPS, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(Quadratic.named(p), 0.1, 0.9, 0.999, 0.0, 0));
        // 1e-50 is positive in float64 but 0 in float32, where 0 / (0 + eps) would be NaN
        assertThrows(IllegalArgumentException.class, () -> new Adam(Quadratic.named(p), 0.1, 0.9, 0.999, 1e-50, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(Quadratic.named(p), 0.1, 0.9, 0.999, EPS, -1));
    }
}
