package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link AffineTransformer} and {@link AdditiveTransformer} against their formulas, GradCheck and bad input. */
class ElementwiseTransformersTest {
    /** {@code B tanh(u / B)} from the exponential definition of tanh, not from {@link Math#tanh}. */
    private static double clampedLogScale(double u, double bound) {
        double e = Math.exp(-2 * Math.abs(u) / bound);
        return Math.signum(u) * bound * (1 - e) / (1 + e);
    }

    @Test
    void affineScaleIsOneAtZeroAndSoftlyClamped() {
        AffineTransformer a = new AffineTransformer(2.0);
        Tensor u = Tensor.of(new double[][] {{0.0, -1e4, 1e4, 0.5, -3.0}});
        Tensor s = a.scale(Variable.constant(u)).value();
        assertEquals(1.0, s.get(0), 1e-15);
        assertEquals(Math.exp(-2.0), s.get(1), 1e-15);
        assertEquals(Math.exp(2.0), s.get(2), 1e-13);
        assertEquals(Math.exp(clampedLogScale(0.5, 2.0)), s.get(3), 1e-14);
        assertEquals(Math.exp(clampedLogScale(-3.0, 2.0)), s.get(4), 1e-14);
        Tensor small = Tensor.of(new double[][] {{1e-4, -1e-4}});
        Tensor logS = a.logScale(Variable.constant(small)).value();
        assertEquals(1e-4, logS.get(0), 1e-12, "slope 1 at u = 0, like exp(u)");
        assertEquals(-1e-4, logS.get(1), 1e-12);
        assertEquals(3.0, AffineTransformer.DEFAULT_LOG_SCALE_BOUND);
        assertEquals(AffineTransformer.DEFAULT_LOG_SCALE_BOUND, new AffineTransformer().logScaleBound());
    }

    @Test
    void affineForwardAndInverseFollowTheFormula() {
        AffineTransformer a = new AffineTransformer();
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 2);
        Tensor p = Tensor.randn(rng, DType.FLOAT64, 3, 2, 2);
        Transformed f = a.forward(Variable.constant(x), Variable.constant(p));
        Transformed b = a.inverse(f.output(), Variable.constant(p));
        for (int i = 0; i < 3; i++) {
            double logDet = 0;
            for (int k = 0; k < 2; k++) {
                double t = p.get(i * 4 + k * 2);
                double logS = clampedLogScale(p.get(i * 4 + k * 2 + 1), 3.0);
                double s = Math.exp(logS);
                logDet += logS;
                assertEquals(x.get(i * 2 + k) * s + t, f.output().value().get(i * 2 + k), 1e-13);
                assertEquals(x.get(i * 2 + k), b.output().value().get(i * 2 + k), 1e-13);
            }
            assertEquals(logDet, f.logDet().value().get(i), 1e-13);
            assertEquals(-logDet, b.logDet().value().get(i), 1e-13);
        }
    }

    @Test
    void gradientsWithRespectToInputAndParamsPassGradCheck() {
        Rng rng = new Rng(2);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 2);
        Tensor p2 = Tensor.randn(rng, DType.FLOAT64, 3, 2, 2);
        Tensor p1 = Tensor.randn(rng, DType.FLOAT64, 3, 2, 1);
        AffineTransformer a = new AffineTransformer();
        for (boolean inverse : new boolean[] {false, true}) {
            GradCheck.Result out = GradCheck.check(v -> inverse ? a.inverse(v[0], v[1]).output()
                    : a.forward(v[0], v[1]).output(), x, p2);
            assertTrue(out.passed(), out::toString);
            GradCheck.Result det = GradCheck.check(v -> inverse ? a.inverse(v[0], v[1]).logDet()
                    : a.forward(v[0], v[1]).logDet(), x, p2);
            assertTrue(det.passed(), det::toString);
        }
        AdditiveTransformer s = new AdditiveTransformer();
        GradCheck.Result r = GradCheck.check(v -> s.inverse(v[0], v[1]).output(), x, p1);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void additiveShiftsAndHasZeroLogDet() {
        AdditiveTransformer s = new AdditiveTransformer();
        Tensor x = Tensor.of(new double[][] {{1.0, 2.0}, {3.0, 4.0}});
        Tensor p = Tensor.of(new double[] {0.5, -1.0, 2.0, 0.25}, 2, 2, 1);
        Transformed f = s.forward(Variable.constant(x), Variable.constant(p));
        assertEquals(1.5, f.output().value().at(0, 0));
        assertEquals(1.0, f.output().value().at(0, 1));
        assertEquals(5.0, f.output().value().at(1, 0));
        assertEquals(4.25, f.output().value().at(1, 1));
        assertEquals(0.0, f.logDet().value().get(0));
        assertEquals(0.0, f.logDet().value().get(1));
        assertFalse(f.logDet().requiresGrad());
    }

    @Test
    void badParamsAndScaleBoundsAreRejected() {
        AffineTransformer a = new AffineTransformer();
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> a.forward(
                Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 2)), Variable.constant(Tensor.zeros(DType.FLOAT64,
                        3, 2, 1))));
        assertTrue(e.getMessage().contains("AffineTransformer.forward") && e.getMessage().contains("[N, K, 2]")
                && e.getMessage().contains("[3, 2, 1]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> new AdditiveTransformer().inverse(
                Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 2)), Variable.constant(Tensor.zeros(DType.FLOAT64,
                        3, 3, 1))));
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> new AffineTransformer(-1.0));
        assertTrue(b.getMessage().contains("AffineTransformer") && b.getMessage().contains("> 0")
                && b.getMessage().contains("-1.0"), b.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AffineTransformer(0.0));
        assertThrows(IllegalArgumentException.class, () -> new AffineTransformer(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AffineTransformer(Double.POSITIVE_INFINITY));
    }
}
