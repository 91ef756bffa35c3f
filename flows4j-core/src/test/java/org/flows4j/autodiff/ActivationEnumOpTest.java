package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link ActivationOps#activation} for every {@link Activation}, and the enum's own formulas. */
class ActivationEnumOpTest {
    @Test
    void everyActivationPassesGradCheckAwayFromKinks() {
        Rng rng = new Rng(2);
        for (Activation act : Activation.values()) {
            Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 4);
            for (int i = 0; i < x.numel(); i++) {
                double v = x.get(i);
                x.set(i, v + (v >= 0 ? 0.1 : -0.1));
            }
            GradCheck.Result r = GradCheck.check(v -> ActivationOps.activation(v[0], act), x);
            assertTrue(r.passed() && r.maxError() < 1e-6, act + ": " + r);
        }
    }

    @Test
    void valuesMatchTheDefinitionsAndIdentityIsFree() {
        Variable x = Variable.constant(Tensor.of(new double[] {-1.0, 0.5}, 2));
        assertArrayEquals(new double[] {0.0, 0.5},
                ActivationOps.activation(x, Activation.RELU).value().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {Math.tanh(-1.0), Math.tanh(0.5)},
                ActivationOps.activation(x, Activation.TANH).value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.expm1(-1.0), 0.5},
                ActivationOps.activation(x, Activation.ELU).value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.log1p(Math.exp(-1.0)), Math.log1p(Math.exp(0.5))},
                ActivationOps.activation(x, Activation.SOFTPLUS).value().toDoubleArray(), 1e-15);
        assertSame(x, ActivationOps.activation(x, Activation.IDENTITY));
    }

    @Test
    void derivativeFromOutputMatchesFiniteDifferences() {
        for (Activation act : Activation.values()) {
            for (double x : new double[] {-2.3, -0.4, 0.7, 3.1}) {
                double h = 1e-6;
                double numeric = (act.apply(x + h) - act.apply(x - h)) / (2 * h);
                assertEquals(numeric, act.derivativeFromOutput(act.apply(x)), 1e-8, act + " at " + x);
            }
        }
    }
}
