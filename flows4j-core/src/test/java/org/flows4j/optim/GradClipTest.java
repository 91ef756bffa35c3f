package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.junit.jupiter.api.Test;

/** Global-norm clipping against norms computed by hand: |(3, 4, 12)| = 13. */
class GradClipTest {
    /** Parameters whose gradients are (3, 4) and (12): L = sum(a p^2) / 2 at p = 1 gives g = a. */
    private static List<Parameter> withGradients() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, 1.0);
        Parameter q = Quadratic.param(DType.FLOAT64, 1.0);
        Quadratic.backward(p, 3.0, 4.0);
        Quadratic.backward(q, 12.0);
        return List.of(p, q);
    }

    private static double norm(List<Parameter> ps) {
        double s = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.numel(); i++) {
                s += p.grad().get(i) * p.grad().get(i);
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void scalesToExactlyTheMaximumAndReturnsTheNormBefore() {
        List<Parameter> ps = withGradients();
        assertEquals(13.0, GradClip.clipGlobalNorm(ps, 6.5), 1e-15);
        assertEquals(1.5, ps.get(0).grad().get(0), 1e-15);
        assertEquals(2.0, ps.get(0).grad().get(1), 1e-15);
        assertEquals(6.0, ps.get(1).grad().get(0), 1e-15);
        assertEquals(6.5, norm(ps), 1e-14);
    }

    @Test
    void leavesSmallGradientsAlone() {
        List<Parameter> ps = withGradients();
        assertEquals(13.0, GradClip.clipGlobalNorm(ps, 20.0), 1e-15);
        assertEquals(3.0, ps.get(0).grad().get(0), 0.0);
        assertEquals(12.0, ps.get(1).grad().get(0), 0.0);
    }

    @Test
    void parametersWithoutGradientCountAsZero() {
        List<Parameter> ps = withGradients();
        Parameter none = Quadratic.param(DType.FLOAT64, 5.0);
        double n = GradClip.clipGlobalNorm(List.of(ps.get(0), none, ps.get(1)), 1.0);
        assertEquals(13.0, n, 1e-15);
        assertNull(none.grad());
        assertEquals(1.0, norm(ps), 1e-14);
    }

    @Test
    void nonFiniteNormIsReportedAndGradientsKept() {
        Parameter p = Quadratic.param(DType.FLOAT64, Double.NaN, 1.0);
        Quadratic.backward(p, 1.0, 2.0);
        double n = GradClip.clipGlobalNorm(List.of(p), 1.0);
        assertTrue(Double.isNaN(n));
        assertEquals(2.0, p.grad().get(1), 0.0);
    }

    @Test
    void badMaximumIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(withGradients(), 0.0));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(withGradients(), Double.NaN));
    }
}
