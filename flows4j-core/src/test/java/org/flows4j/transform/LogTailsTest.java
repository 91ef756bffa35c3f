package org.flows4j.transform;

import static org.flows4j.transform.Points.assertElementwise;
import static org.flows4j.transform.Points.forward;
import static org.flows4j.transform.Points.inverse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.kernel.Elementwise;
import org.junit.jupiter.api.Test;

/**
 * {@link LogTails}: identity inside the bound, {@code B + log(1 + |x| - B)} beyond it, against hand-worked
 * points and the closed form; the four backward rules against float64 central differences; far latents pulled in
 * the way the affine presets rely on.
 */
class LogTailsTest {
    private static final double E = Math.E;

    @Test
    void handWorkedPoints() {
        // 4 + (e - 1) lies e - 1 beyond B = 4, so y = 4 + log(e) = 5 and log y' = -log(e) = -1.
        double[][] x = {{4 + (E - 1), -(4 + (E - 1)), 3.5}};
        Transformed r = forward(new LogTails(3, 4), x);
        assertEquals(5.0, r.output().value().get(0), 1e-14);
        assertEquals(-5.0, r.output().value().get(1), 1e-14);
        assertEquals(3.5, r.output().value().get(2), 0.0);
        assertEquals(-2.0, r.logDet().value().get(0), 1e-14);
    }

    @Test
    void matchesTheClosedFormBothWays() {
        double b = 1.5;
        double[][] pts = {{-40, -1.6, -1.5, 0.0}, {0.7, 1.5, 2.0, 1e6}};
        assertElementwise(forward(new LogTails(4, b), pts), pts,
                v -> Math.abs(v) <= b ? v : Math.signum(v) * (b + Math.log(1 + Math.abs(v) - b)),
                v -> Math.abs(v) <= b ? 0 : -Math.log(1 + Math.abs(v) - b), 1e-12);
        double[][] latents = {{-40, -1.6, -1.5, 0.0}, {0.7, 1.5, 2.0, 30}};
        assertElementwise(inverse(new LogTails(4, b), latents), latents,
                v -> Math.abs(v) <= b ? v : Math.signum(v) * (b + Math.exp(Math.abs(v) - b) - 1),
                v -> Math.max(Math.abs(v) - b, 0), 1e-9);
    }

    @Test
    void backwardRulesMatchCentralDifferences() {
        LogTails t = new LogTails(5, 1.0);
        Tensor x = Elementwise.map(Tensor.randn(new Rng(3), DType.FLOAT64, 6, 5), v -> 3 * v);
        for (GradCheck.Result r : new GradCheck.Result[] {
            GradCheck.check(v -> t.forward(v[0], null).output(), x),
            GradCheck.check(v -> t.forward(v[0], null).logDet(), x),
            GradCheck.check(v -> t.inverse(v[0], null).output(), x),
            GradCheck.check(v -> t.inverse(v[0], null).logDet(), x)}) {
            assertTrue(r.passed(), r::toString);
        }
        Tensor inside = Elementwise.map(x, v -> Math.tanh(v));
        LogTails wide = new LogTails(5, 2.0);
        GradCheck.Result identity = GradCheck.check(v -> wide.forward(v[0], null).output(), inside);
        assertTrue(identity.passed(), identity::toString);
        assertEquals(0.0, wide.inverse(Variable.constant(inside), null).logDet().value().get(0), 0.0);
    }

    @Test
    void aFarLatentCostsLogarithmicallyNotQuadratically() {
        double[][] far = {{1e4, -2600, 0.5}};
        Transformed r = forward(new LogTails(3), far);
        double base = 0;
        for (int j = 0; j < 3; j++) {
            double y = r.output().value().get(j);
            base += -0.5 * y * y - 0.5 * Math.log(2 * Math.PI);
        }
        double logP = base + r.logDet().value().get(0);
        assertTrue(logP > -200 && logP < -100, "log p of a latent at 10^4 and -2600: " + logP);
    }

    @Test
    void badBoundsAreRejected() {
        for (double b : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogTails(2, b));
            assertTrue(e.getMessage().contains("got " + b), e.getMessage());
        }
    }
}
