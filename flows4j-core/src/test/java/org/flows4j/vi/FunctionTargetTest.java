package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Targets from plain functions: values row by row, the backward op that scales the user's gradient by the upstream
 * one, and the central-difference variant, on a correlated Gaussian whose gradient is written here by hand.
 */
class FunctionTargetTest {
    /** {@code log p~(x) = -(x1^2 - 1.2 x1 x2 + x2^2) / 2 + sin(x3)}. */
    private static final ToDoubleFunction<double[]> F = x -> -0.5 * (x[0] * x[0] - 1.2 * x[0] * x[1] + x[1] * x[1])
            + Math.sin(x[2]);

    private static double[] gradF(double[] x) {
        return new double[] {-x[0] + 0.6 * x[1], -x[1] + 0.6 * x[0], Math.cos(x[2])};
    }

    private static Tensor rows(long seed) {
        return Tensor.rand(new Rng(seed), DType.FLOAT64, -2, 2, 7, 3);
    }

    @Test
    void valuesAreTheFunctionRowByRow() {
        Tensor x = rows(1);
        double[] got = Targets.logDensity(Targets.fromFunction(3, F, FunctionTargetTest::gradF), x.toDoubleMatrix());
        double[][] m = x.toDoubleMatrix();
        for (int i = 0; i < m.length; i++) {
            assertEquals(F.applyAsDouble(m[i]), got[i], 0.0, "row " + i);
        }
    }

    @Test
    void bothVariantsPassTheGradientCheck() {
        for (Target t : new Target[] {Targets.fromFunction(3, F, FunctionTargetTest::gradF), Targets.fromFunction(3, F)}) {
            for (long seed = 1; seed <= 3; seed++) {
                GradCheck.Result r = GradCheck.check(v -> t.logDensity(v[0]), rows(seed));
                assertTrue(r.passed(), t.name() + ": " + r);
            }
        }
    }

    @Test
    void theBackwardScalesEachRowsGradientByItsUpstreamGradient() {
        Tensor x = rows(2);
        Tensor seed = Tensor.rand(new Rng(3), DType.FLOAT64, -2, 2, 7);
        Variable v = Variable.parameter(x);
        Targets.fromFunction(3, F, FunctionTargetTest::gradF).logDensity(v).backward(seed);
        double[][] m = x.toDoubleMatrix();
        for (int i = 0; i < m.length; i++) {
            double[] g = gradF(m[i]);
            for (int j = 0; j < 3; j++) {
                assertEquals(seed.get(i) * g[j], v.grad().get(3 * i + j), 1e-15, "row " + i + " column " + j);
            }
        }
    }

    @Test
    void centralDifferencesAgreeWithTheExactGradientToTenDigitsAndCost2DCallsPerRow() {
        AtomicInteger calls = new AtomicInteger();
        Target t = Targets.fromFunction(3, x -> {
            calls.incrementAndGet();
            return F.applyAsDouble(x);
        });
        Tensor x = rows(4);
        Variable v = Variable.parameter(x);
        Variable logp = t.logDensity(v);
        assertEquals(7, calls.get(), "one call per row forward");
        logp.backward(Tensor.ones(DType.FLOAT64, 7));
        assertEquals(7 + 2 * 3 * 7, calls.get(), "2 D calls per row backward");
        double[][] m = x.toDoubleMatrix();
        for (int i = 0; i < m.length; i++) {
            double[] g = gradF(m[i]);
            for (int j = 0; j < 3; j++) {
                assertEquals(g[j], v.grad().get(3 * i + j), 1e-9, "row " + i + " column " + j);
            }
        }
    }

    @Test
    void noGradientIsComputedUnlessABackwardPassAsksForIt() {
        AtomicInteger calls = new AtomicInteger();
        Target t = Targets.fromFunction(3, F, x -> {
            calls.incrementAndGet();
            return gradF(x);
        });
        t.logDensity(Variable.parameter(rows(5)));
        assertEquals(0, calls.get());
    }

    @Test
    void aFloat32BatchGivesFloat32ValuesAndGradients() {
        Target t = Targets.fromFunction(3, F, FunctionTargetTest::gradF);
        Variable v = Variable.parameter(rows(6).to(DType.FLOAT32));
        Variable logp = t.logDensity(v);
        assertEquals(DType.FLOAT32, logp.dtype());
        logp.backward(Tensor.ones(DType.FLOAT32, 7));
        assertEquals(DType.FLOAT32, v.grad().dtype());
        double[][] m = v.value().toDoubleMatrix();
        assertEquals(gradF(m[0])[2], v.grad().get(2), 1e-6);
    }

    @Test
    void badInputIsRefusedWithTheExpectedAndActualValues() {
        Target wrong = Targets.fromFunction(3, F, x -> new double[] {1, 2});
        Variable v = Variable.parameter(rows(7));
        Variable logp = wrong.logDensity(v);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logp.backward(Tensor.ones(DType.FLOAT64, 7)));
        assertTrue(e.getMessage().contains("expected a gradient of 3 values, got 2 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Targets.fromFunction(3, F, null));
        assertTrue(e.getMessage().contains("fromFunction(d, logDensity)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Targets.fromFunction(0, F));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Targets.logDensity(Targets.fromFunction(3, F), new double[][] {{1, 2}}));
        assertTrue(e.getMessage().contains("[N, 3]") && e.getMessage().contains("[1, 2]"), e.getMessage());
    }

    @Test
    void minusInfinityPassesThroughAndNoGraphIsRecordedWithoutGradients() {
        Target t = Targets.fromFunction(3, x -> x[0] > 0 ? Double.NEGATIVE_INFINITY : F.applyAsDouble(x));
        double[] got = Targets.logDensity(t, new double[][] {{1, 0, 0}, {-1, 0, 0}});
        assertEquals(Double.NEGATIVE_INFINITY, got[0], 0.0);
        assertEquals(F.applyAsDouble(new double[] {-1, 0, 0}), got[1], 0.0);
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertFalse(t.logDensity(Variable.parameter(rows(8))).requiresGrad());
        }
    }
}
