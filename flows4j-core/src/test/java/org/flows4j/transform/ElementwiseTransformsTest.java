package org.flows4j.transform;

import static org.flows4j.transform.Points.assertElementwise;
import static org.flows4j.transform.Points.forward;
import static org.flows4j.transform.Points.inverse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseTransformsTest {
    private static final double TOL = 1e-12;
    private static final double[][] REALS = {{-3.0, -0.5, 0.0}, {0.25, 1.5, 4.0}};
    private static final double[][] UNIT = {{0.01, 0.3, 0.5}, {0.7, 0.95, 0.999}};

    static Stream<Named<Transform>> transforms() {
        return Stream.of(
                Named.of("Exp", new Exp(3)),
                Named.of("Sigmoid", new Sigmoid(3)),
                Named.of("Logit", new Logit(3)),
                Named.of("Logit eps=0.05", new Logit(3, 0.05)),
                Named.of("Tanh", new Tanh(3)),
                Named.of("Softplus", new Softplus(3)),
                Named.of("LogTails bound=0.5", new LogTails(3, 0.5)),
                Named.of("LogTails", new LogTails(3)),
                Named.of("LeakyReLU slope=0.3", new LeakyReLU(3, 0.3)),
                Named.of("LeakyReLU slope=2.5", new LeakyReLU(4, 2.5)),
                Named.of("Affine learnable", Affine.learnable(3, DType.FLOAT64)),
                Named.of("Affine location-scale", Affine.locationScale(3, DType.FLOAT64)),
                Named.of("Affine fixed", Affine.fixed(new double[] {1, -2, 0.5}, new double[] {2, -0.25, 7})));
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void passesTheChecker(Transform t) {
        CheckReport r = new TransformChecker().parameterNoise(0.3).check(t);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void locationScaleAffineIsTheInverseOfLocPlusScaleTimesZ() {
        Affine a = Affine.locationScale(3, DType.FLOAT64);
        double[] loc = {0.5, -1.0, 2.0};
        double[] logScale = {0.3, -0.7, 0.0};
        a.loadStateDict(java.util.Map.of("loc", Tensor.of(loc, 3), "logScale", Tensor.of(logScale, 3)));
        Transformed y = forward(a, REALS);
        Transformed back = inverse(a, REALS);
        for (int i = 0; i < REALS.length; i++) {
            double logDet = 0;
            for (int j = 0; j < 3; j++) {
                double x = REALS[i][j];
                assertEquals((x - loc[j]) / Math.exp(logScale[j]), y.output().value().get(i * 3 + j), TOL);
                assertEquals(loc[j] + Math.exp(logScale[j]) * x, back.output().value().get(i * 3 + j), TOL);
                logDet -= logScale[j];
            }
            assertEquals(logDet, y.logDet().value().get(i), TOL);
            assertEquals(-logDet, back.logDet().value().get(i), TOL);
        }
        assertTrue(a.isLearnable() && a.isLocationScale());
        assertEquals(java.util.Set.of("loc", "logScale"), a.stateDict().keySet());
        assertFalse(Affine.learnable(3, DType.FLOAT64).isLocationScale());
    }

    @Test
    void expMatchesClosedForm() {
        assertElementwise(forward(new Exp(3), REALS), REALS, Math::exp, x -> x, TOL);
        double[][] y = {{0.1, 1.0, 20.0}};
        assertElementwise(inverse(new Exp(3), y), y, Math::log, v -> -Math.log(v), TOL);
    }

    @Test
    void sigmoidMatchesClosedForm() {
        assertElementwise(forward(new Sigmoid(3), REALS), REALS, x -> 1 / (1 + Math.exp(-x)),
                x -> Math.log(Math.exp(-x) / Math.pow(1 + Math.exp(-x), 2)), TOL);
        assertElementwise(inverse(new Sigmoid(3), UNIT), UNIT, u -> Math.log(u / (1 - u)), u -> -Math.log(u * (1 - u)),
                1e-10);
    }

    @Test
    void sigmoidLogDetStaysAccurateWhereTheOutputSaturates() {
        double[][] far = {{30.0, -30.0, 50.0}};
        assertElementwise(forward(new Sigmoid(3), far), far, x -> 1 / (1 + Math.exp(-x)),
                x -> -Math.abs(x) - 2 * Math.log1p(Math.exp(-Math.abs(x))), TOL);
    }

    @Test
    void logitMatchesClosedForm() {
        assertElementwise(forward(new Logit(3), UNIT), UNIT, u -> Math.log(u / (1 - u)), u -> -Math.log(u * (1 - u)),
                1e-10);
        assertElementwise(inverse(new Logit(3), REALS), REALS, x -> 1 / (1 + Math.exp(-x)),
                x -> Math.log(Math.exp(-x) / Math.pow(1 + Math.exp(-x), 2)), TOL);
    }

    @Test
    void squeezedLogitMatchesClosedFormAndAcceptsTheBounds() {
        double eps = 0.01;
        double[][] x = {{0.0, 0.5, 1.0}, {0.2, 0.9, 0.999}};
        Transformed r = forward(new Logit(3, eps), x);
        assertElementwise(r, x, v -> {
            double u = eps + (1 - 2 * eps) * v;
            return Math.log(u / (1 - u));
        }, v -> {
            double u = eps + (1 - 2 * eps) * v;
            return Math.log(1 - 2 * eps) - Math.log(u * (1 - u));
        }, 1e-10);
        assertEquals(Math.log(eps / (1 - eps)), r.output().value().at(0, 0), 1e-12);
        assertElementwise(inverse(new Logit(3, eps), REALS), REALS,
                v -> (1 / (1 + Math.exp(-v)) - eps) / (1 - 2 * eps),
                v -> Math.log(Math.exp(-v) / Math.pow(1 + Math.exp(-v), 2)) - Math.log(1 - 2 * eps), TOL);
    }

    @Test
    void tanhMatchesClosedForm() {
        double[][] x = {{-3.0, -0.5, 0.0}, {0.25, 1.5, 15.0}};
        assertElementwise(forward(new Tanh(3), x), x, Math::tanh, v -> -2 * Math.log(Math.cosh(v)), TOL);
        double[][] y = {{-0.9, 0.0, 0.3}, {0.99, -0.999999, 1 - 1e-12}};
        assertElementwise(inverse(new Tanh(3), y), y, v -> 0.5 * Math.log((1 + v) / (1 - v)),
                v -> -Math.log((1 + v) * (1 - v)), 1e-9);
    }

    @Test
    void softplusMatchesClosedForm() {
        assertElementwise(forward(new Softplus(3), REALS), REALS, x -> Math.log(1 + Math.exp(x)),
                x -> x - Math.log(1 + Math.exp(x)), TOL);
        double[][] y = {{1e-3, 0.5, 3.0}, {10.0, 40.0, 1e-8}};
        assertElementwise(inverse(new Softplus(3), y), y, v -> Math.log(Math.expm1(v)),
                v -> v - Math.log(Math.expm1(v)), 1e-10);
    }

    @Test
    void leakyReluCountsTheNegativeSide() {
        double slope = 0.2;
        double[][] x = {{-1.0, 2.0, -3.0}, {0.5, 1.0, 2.0}, {-0.1, -0.2, -0.3}};
        Transformed r = forward(new LeakyReLU(3, slope), x);
        assertElementwise(r, x, v -> v > 0 ? v : slope * v, v -> v > 0 ? 0 : Math.log(slope), TOL);
        assertEquals(2 * Math.log(0.2), r.logDet().value().get(0), TOL);
        assertEquals(0.0, r.logDet().value().get(1), TOL);
        double[][] y = {{-0.2, 2.0, -0.6}};
        assertElementwise(inverse(new LeakyReLU(3, slope), y), y, v -> v > 0 ? v : v / slope,
                v -> v > 0 ? 0 : -Math.log(slope), TOL);
    }

    @Test
    void logitUndoesSigmoidAndBack() {
        Transformed a = forward(new Composite(new Sigmoid(3), new Logit(3)), REALS);
        Transformed b = forward(new Composite(new Logit(3), new Sigmoid(3)), UNIT);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(REALS[i][j], a.output().value().at(i, j), 1e-12);
                assertEquals(UNIT[i][j], b.output().value().at(i, j), 1e-12);
            }
            assertEquals(0.0, a.logDet().value().get(i), 1e-10);
            assertEquals(0.0, b.logDet().value().get(i), 1e-10);
        }
    }

    @Test
    void logitRejectsValuesOutsideTheOpenInterval() {
        for (double bad : new double[] {0.0, 1.0, 1.5, -0.2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> forward(new Logit(3), new double[][] {{0.5, bad, 0.5}}));
            assertTrue(e.getMessage().contains("Logit.forward"), e.getMessage());
            assertTrue(e.getMessage().contains("the value " + bad), e.getMessage());
            assertTrue(e.getMessage().contains("column 1"), e.getMessage());
            assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(new Logit(2, 0.01), new double[][] {{1.0, 1.2}}));
        assertTrue(e.getMessage().contains("1.2") && e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test
    void inversesRejectValuesOutsideTheCodomain() {
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> inverse(new Sigmoid(1), new double[][] {{1.0}}));
        assertTrue(s.getMessage().contains("Sigmoid.inverse") && s.getMessage().contains("(0, 1)"), s.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> inverse(new Tanh(1), new double[][] {{-1.0}}));
        assertTrue(t.getMessage().contains("Tanh.inverse") && t.getMessage().contains("(-1, 1)"), t.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> inverse(new Softplus(1), new double[][] {{0.0}}));
        assertTrue(p.getMessage().contains("Softplus.inverse") && p.getMessage().contains("positive"), p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> inverse(new Exp(1), new double[][] {{-2.0}}));
    }

    @Test
    void badConstructorArgumentsAreRejected() {
        for (double eps : new double[] {-0.1, 0.5, Double.NaN, 1e-20}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Logit(2, eps));
            assertTrue(e.getMessage().startsWith("Logit: eps") && e.getMessage().contains(String.valueOf(eps)),
                    e.getMessage());
        }
        for (double slope : new double[] {0.0, -0.5, Double.POSITIVE_INFINITY, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(2, slope));
            assertTrue(e.getMessage().contains("LeakyReLU") && e.getMessage().contains(String.valueOf(slope)),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tanh(0));
        assertTrue(e.getMessage().contains("Tanh") && e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void extremeInputsGiveFiniteOutputsAndLogDets() {
        double[][] far = {{-30.0, 30.0}};
        double[][] nearBounds = {{1e-12, 1 - 1e-12}};
        Transform[] realDomain = {new Sigmoid(2), new Tanh(2), new Softplus(2), new Exp(2), new LeakyReLU(2, 1e-3)};
        for (Transform t : realDomain) {
            Transformed r = forward(t, far);
            assertFalse(r.output().value().hasNonFinite() || r.logDet().value().hasNonFinite(), t.toString());
        }
        Transformed l = forward(new Logit(2), nearBounds);
        assertFalse(l.output().value().hasNonFinite() || l.logDet().value().hasNonFinite());
        Transformed s = inverse(new Sigmoid(2), nearBounds);
        assertFalse(s.output().value().hasNonFinite() || s.logDet().value().hasNonFinite());
        Transformed t = inverse(new Tanh(2), new double[][] {{-1 + 1e-12, 1 - 1e-12}});
        assertFalse(t.output().value().hasNonFinite() || t.logDet().value().hasNonFinite());
    }
}
