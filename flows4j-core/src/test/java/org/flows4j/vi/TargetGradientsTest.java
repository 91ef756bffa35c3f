package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The gradients of the built-in targets with respect to the rows, against float64 central differences. */
class TargetGradientsTest {
    /** Rows drawn uniformly from {@code [-3.5, 3.5]^D}, inside the box of the boxed targets. */
    private static Tensor rows(int n, int d, long seed) {
        return Tensor.rand(new Rng(seed), DType.FLOAT64, -3.5, 3.5, n, d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"u1", "u2", "u3", "u4", "funnel", "ring"})
    void theEnginesGradientMatchesCentralDifferences(String name) {
        Target t = Targets.byName(name);
        for (long seed = 1; seed <= 3; seed++) {
            Tensor x = rows(16, t.features(), seed);
            if (name.equals("funnel")) {
                x = Tensor.rand(new Rng(seed), DType.FLOAT64, -2.0, 2.0, 16, t.features());
            }
            GradCheck.Result r = GradCheck.check(v -> t.logDensity(v[0]), x);
            assertTrue(r.passed(), name + " seed " + seed + ": " + r);
        }
    }

    @Test
    void u1sGradientAtTheOriginIsFinite() {
        Variable x = Variable.parameter(Tensor.of(new double[] {0.0, 0.0, 1.0, 0.5}, 2, 2));
        Targets.u1().logDensity(x).backward(Tensor.ones(DType.FLOAT64, 2));
        for (int i = 0; i < 4; i++) {
            assertTrue(Double.isFinite(x.grad().get(i)), "element " + i + ": " + x.grad().get(i));
        }
    }

    @Test
    void rowsOutsideTheBoxGetNoGradientAndRowsInsideDo() {
        for (Target t : new Target[] {Targets.u2(), Targets.u3(), Targets.u4()}) {
            Variable x = Variable.parameter(Tensor.of(new double[] {5.0, 0.3, 0.7, -0.2, 0.1, -4.5}, 3, 2));
            t.logDensity(x).backward(Tensor.ones(DType.FLOAT64, 3));
            Tensor g = x.grad();
            assertEquals(0.0, g.get(0), 0.0, t.name());
            assertEquals(0.0, g.get(1), 0.0, t.name());
            assertNotEquals(0.0, g.get(3), t.name() + ": the inside row's gradient along z2");
            assertEquals(0.0, g.get(4), 0.0, t.name());
            assertEquals(0.0, g.get(5), 0.0, t.name());
        }
    }
}
