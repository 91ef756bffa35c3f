package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link AffineTransformer} and {@link AdditiveTransformer} against their formulas, GradCheck and bad input. */
class ElementwiseTransformersTest {
    /** Both log-scale forms: {@code 3 tanh(u / 3)} and the soft clamp {@code u / (1 + |u| / ln 1000)}. */
    private static final AffineTransformer[] FORMS = {new AffineTransformer(), AffineTransformer.softClamp(),
        AffineTransformer.contractive()};

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
        for (AffineTransformer a : FORMS) {
            for (boolean inverse : new boolean[] {false, true}) {
                GradCheck.Result out = GradCheck.check(v -> inverse ? a.inverse(v[0], v[1]).output()
                        : a.forward(v[0], v[1]).output(), x, p2);
                assertTrue(out.passed(), out::toString);
                GradCheck.Result det = GradCheck.check(v -> inverse ? a.inverse(v[0], v[1]).logDet()
                        : a.forward(v[0], v[1]).logDet(), x, p2);
                assertTrue(det.passed(), det::toString);
            }
        }
        AdditiveTransformer s = new AdditiveTransformer();
        GradCheck.Result r = GradCheck.check(v -> s.inverse(v[0], v[1]).output(), x, p1);
        assertTrue(r.passed(), r::toString);
    }

    /** The transformer written as a composition of generic ops: the plain path the fused op replaces. */
    private static Transformed plainAffine(AffineTransformer a, Variable in, Variable params, boolean inverse) {
        Variable logS = a.logScale(TransformerParams.column(params, 1));
        Variable t = TransformerParams.column(params, 0);
        Variable logDet = ReduceOps.sum(logS, 1, false);
        if (inverse) {
            Variable out = ArithmeticOps.mul(ArithmeticOps.sub(in, t), ActivationOps.exp(ArithmeticOps.neg(logS)));
            return new Transformed(out, ArithmeticOps.neg(logDet));
        }
        return new Transformed(ArithmeticOps.add(ArithmeticOps.mul(in, ActivationOps.exp(logS)), t), logDet);
    }

    @Test
    void fusedAffineAgreesWithThePlainCompositionInValuesAndGradients() {
        for (AffineTransformer a : FORMS) {
            fusedAgreesWithPlain(a);
        }
    }

    @Test
    void contractiveScaleIsSigmoidOfUPlusTwoAndNeverExpands() {
        AffineTransformer a = AffineTransformer.contractive();
        double[] us = {0.0, -40.0, 40.0, 1.5, -3.0};
        Tensor u = Tensor.of(new double[][] {us});
        Tensor params = Tensor.zeros(DType.FLOAT64, 1, 5, 2);
        for (int k = 0; k < us.length; k++) {
            params.set(2 * k + 1, us[k]);
        }
        Transformed f = a.forward(Variable.constant(Tensor.ones(DType.FLOAT64, 1, 5)), Variable.constant(params));
        Tensor logS = a.logScale(Variable.constant(u)).value();
        double sum = 0;
        for (int k = 0; k < us.length; k++) {
            double s = 1.0 / (1.0 + Math.exp(-(us[k] + 2.0)));
            assertEquals(Math.log(s), logS.get(k), 1e-12, "u = " + us[k]);
            assertEquals(s, f.output().value().get(k), 1e-12, "y = 1 * s + 0 at u = " + us[k]);
            assertTrue(f.output().value().get(k) <= 1.0, "never expands");
            sum += Math.log(s);
        }
        assertEquals(sum, f.logDet().value().get(0), 1e-10);
        assertTrue(a.isContractive());
        assertEquals(a.describe(), AffineTransformer.of(a.logScaleBound(), false, true).describe());
    }

    @Test
    void softClampIsOneAtZeroAndApproachesItsBoundSlowly() {
        AffineTransformer a = AffineTransformer.softClamp();
        assertTrue(a.isSoftClamp());
        Variable u = Variable.constant(Tensor.of(new double[][] {{0.0, 1.0, -50.0, 1e6}}));
        Tensor l = a.logScale(u).value();
        double b = Math.log(1000);
        assertEquals(0.0, l.get(0), 0.0);
        assertEquals(1.0 / (1 + 1.0 / b), l.get(1), 1e-15);
        assertEquals(-50.0 / (1 + 50.0 / b), l.get(2), 1e-12);
        assertTrue(l.get(3) < b && l.get(3) > 0.999 * b, "bounded by ln 1000: " + l.get(3));
    }

    private static void fusedAgreesWithPlain(AffineTransformer a) {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dtype == DType.FLOAT64 ? 1e-12 : 2e-6;
            Rng rng = new Rng(9);
            Tensor x = Tensor.randn(rng, dtype, 7, 3);
            Tensor p = Tensor.randn(rng, dtype, 7, 3, 2);
            p.scaleInPlace(2.0);
            p.set(1, 1e4);
            p.set(3, -1e4);
            p.set(5, 0.0);
            Tensor seedOut = Tensor.randn(rng, dtype, 7, 3);
            Tensor seedDet = Tensor.randn(rng, dtype, 7);
            for (boolean inverse : new boolean[] {false, true}) {
                Tensor[][] grads = new Tensor[2][];
                Tensor[][] values = new Tensor[2][];
                for (int path = 0; path < 2; path++) {
                    Variable xv = Variable.parameter(x.copy());
                    Variable pv = Variable.parameter(p.copy());
                    Transformed t = path == 0 ? (inverse ? a.inverse(xv, pv) : a.forward(xv, pv))
                            : plainAffine(a, xv, pv, inverse);
                    Variable loss = ArithmeticOps.add(ReduceOps.sum(ArithmeticOps.mul(t.output(),
                            Variable.constant(seedOut))), ReduceOps.sum(ArithmeticOps.mul(t.logDet(),
                            Variable.constant(seedDet))));
                    loss.backward();
                    values[path] = new Tensor[] {t.output().value(), t.logDet().value()};
                    grads[path] = new Tensor[] {xv.grad(), pv.grad()};
                }
                for (int i = 0; i < 2; i++) {
                    assertClose(values[1][i], values[0][i], tol, dtype + " inverse=" + inverse + " value " + i);
                    assertClose(grads[1][i], grads[0][i], tol, dtype + " inverse=" + inverse + " gradient " + i);
                }
            }
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.numel(), actual.numel(), what);
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.get(i);
            assertEquals(e, actual.get(i), tol * Math.max(1.0, Math.abs(e)), what + " element " + i);
        }
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
