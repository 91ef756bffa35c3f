package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RadialTest {
    private static Radial radial(int d, long seed) {
        return new Radial(d, DType.FLOAT64, new Rng(seed));
    }

    private static void setParameters(Radial t, double[] z0, double alphaRaw, double betaRaw) {
        for (int i = 0; i < z0.length; i++) {
            t.z0().value().set(i, z0[i]);
        }
        t.alphaRaw().value().set(0, alphaRaw);
        t.betaRaw().value().set(0, betaRaw);
    }

    private static Variable scalar(double v) {
        return Variable.constant(Tensor.of(new double[] {v}, 1));
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void passesTheCheckerWithRandomParameters(int d) {
        for (long seed = 1; seed <= 4; seed++) {
            CheckReport r = new TransformChecker().parameterNoise(0.7).seed(seed).check(radial(d, seed));
            assertTrue(r.passed(), r::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void passesTheCheckerWhenBetaIsNearItsBound(int d) {
        double alpha = softplus(0.8);
        for (double betaRaw : new double[] {-6.0, -2.0, 3.0}) {
            Radial t = radial(d, 11 + d);
            setParameters(t, new double[d], 0.8, betaRaw);
            assertEquals(softplus(betaRaw), alpha + (-alpha + softplus(betaRaw)), 1e-15,
                    "beta + alpha must be softplus(betaRaw) > 0 even where betaRaw itself is below -alpha");
            CheckReport r = new TransformChecker().check(t);
            assertTrue(r.passed(), r::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void inverseIsThePapersMapWithItsLogDet(int d) {
        Rng rng = new Rng(30 + d);
        double[] z0 = new double[d];
        for (int i = 0; i < d; i++) {
            z0[i] = rng.nextGaussian();
        }
        double alphaRaw = -0.3;
        double betaRaw = -1.7;
        Radial t = radial(d, 2);
        setParameters(t, z0, alphaRaw, betaRaw);
        double alpha = softplus(alphaRaw);
        double beta = -alpha + softplus(betaRaw);
        assertTrue(beta < 0, "this case should contract towards z0");
        double[][] z = new double[5][d];
        for (double[] row : z) {
            for (int i = 0; i < d; i++) {
                row[i] = z0[i] + (0.2 + rng.nextDouble()) * rng.nextGaussian();
            }
        }
        Transformed out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = t.inverse(Variable.constant(Tensor.of(z)));
        }
        for (int n = 0; n < z.length; n++) {
            double r = 0;
            for (int i = 0; i < d; i++) {
                r += (z[n][i] - z0[i]) * (z[n][i] - z0[i]);
            }
            r = Math.sqrt(r);
            double h = 1 / (alpha + r);
            double dh = -1 / ((alpha + r) * (alpha + r));
            double[][] jac = new double[d][d];
            for (int i = 0; i < d; i++) {
                assertEquals(z[n][i] + beta * h * (z[n][i] - z0[i]), out.output().value().at(n, i), 1e-12);
                for (int j = 0; j < d; j++) {
                    jac[i][j] = (i == j ? 1 + beta * h : 0) + beta * dh * (z[n][i] - z0[i]) * (z[n][j] - z0[j]) / r;
                }
            }
            double paper = (d - 1) * Math.log(1 + beta * h) + Math.log(1 + beta * h + beta * dh * r);
            assertEquals(paper, out.logDet().value().get(n), 1e-10);
            assertEquals(DeterminantOps.logAbsDet(jac), out.logDet().value().get(n), 1e-10);
        }
    }

    @Test
    void forwardSolvesThePapersMapComputedByHand() {
        double[] z0 = {0.4, -1.0, 0.2};
        Radial t = radial(3, 5);
        setParameters(t, z0, 0.5, -2.0);
        double alpha = softplus(0.5);
        double beta = -alpha + softplus(-2.0);
        double[][] z = {{0.4, -1.0, 0.25}, {1.0, 1.0, 1.0}, {-3.0, 0.5, 2.0}, {0.41, -1.02, 0.2}};
        double[][] y = new double[z.length][3];
        for (int n = 0; n < z.length; n++) {
            double r = Math.sqrt(Math.pow(z[n][0] - z0[0], 2) + Math.pow(z[n][1] - z0[1], 2)
                    + Math.pow(z[n][2] - z0[2], 2));
            for (int i = 0; i < 3; i++) {
                y[n][i] = z[n][i] + beta / (alpha + r) * (z[n][i] - z0[i]);
            }
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed back = t.forward(Variable.constant(Tensor.of(y)));
            for (int n = 0; n < z.length; n++) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(z[n][i], back.output().value().at(n, i), 1e-12);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void forwardNearTheCentreStaysFiniteAndContinuous(int d) {
        double[] z0 = new double[d];
        for (int i = 0; i < d; i++) {
            z0[i] = 0.3 * (i + 1);
        }
        Radial t = radial(d, 9);
        setParameters(t, z0, 0.2, -1.5);
        double alpha = softplus(0.2);
        double gamma = softplus(-1.5);
        double[] offsets = {0.0, 1e-300, 1e-200, 1e-12, 1e-6};
        double[][] y = new double[offsets.length][d];
        for (int n = 0; n < offsets.length; n++) {
            for (int i = 0; i < d; i++) {
                y[n][i] = z0[i] + offsets[n] * (i % 2 == 0 ? 1 : -1);
            }
        }
        Tensor yt = Tensor.of(y);
        Variable yv = Variable.parameter(yt.copy());
        Transformed out = t.forward(yv);
        IndexOps.concat(1, out.output(), ShapeOps.reshape(out.logDet(), offsets.length, 1))
                .backward(Tensor.ones(DType.FLOAT64, offsets.length, d + 1));
        assertFalse(out.output().value().hasNonFinite());
        assertFalse(out.logDet().value().hasNonFinite());
        assertFalse(yv.grad().hasNonFinite());
        for (String name : t.parameters().keySet()) {
            assertFalse(t.parameters().get(name).grad().hasNonFinite(), name);
        }
        for (int n = 0; n < offsets.length; n++) {
            for (int i = 0; i < d; i++) {
                double expected = z0[i] + (y[n][i] - z0[i]) * alpha / gamma;
                assertEquals(expected, out.output().value().at(n, i), 1e-9);
            }
            assertEquals(-d * Math.log(gamma / alpha), out.logDet().value().get(n), 1e-10 + 1000 * offsets[n]);
        }
        t.zeroGrad();
    }

    @Test
    void radiusOpHasExactGradients() {
        Tensor ry = Tensor.of(new double[][] {{0.0}, {1e-3}, {0.3}, {1.2}, {7.5}});
        for (double alpha : new double[] {0.05, 0.9, 4.0}) {
            for (double gamma : new double[] {0.02, 1.1, 6.0}) {
                GradCheck.Result r = GradCheck.check(v -> RadialOps.radiusOfPreimage(
                        ArithmeticOps.abs(v[0]), v[1], v[2]), ry, Tensor.of(new double[] {alpha}, 1),
                        Tensor.of(new double[] {gamma}, 1));
                assertTrue(r.passed(), () -> "alpha=" + alpha + ", gamma=" + gamma + ": " + r);
            }
        }
    }

    @Test
    void radiusIsTheNonNegativeRootOfTheQuadratic() {
        double[] rys = {0.0, 1e-300, 1e-10, 0.5, 3.0, 1e6};
        for (double alpha : new double[] {1e-8, 0.3, 5.0}) {
            for (double gamma : new double[] {1e-8, 0.7, 50.0}) {
                Tensor ry = Tensor.of(rys, rys.length);
                Tensor r = RadialOps.radiusOfPreimage(Variable.constant(ry), scalar(alpha), scalar(gamma)).value();
                for (int i = 0; i < rys.length; i++) {
                    double ri = r.get(i);
                    assertTrue(ri >= 0);
                    double image = ri * (gamma + ri) / (alpha + ri);
                    assertEquals(rys[i], image, 1e-13 * Math.max(rys[i], Double.MIN_NORMAL),
                            "alpha=" + alpha + " gamma=" + gamma + " r_y=" + rys[i]);
                }
            }
        }
    }

    @Test
    void rowNormOpHasExactGradientsAndAZeroSubgradientAtTheOrigin() {
        Tensor x = Tensor.of(new double[][] {{0.3, -1.2, 2.0}, {1e-3, 0, 0}, {-4, 5, 1}});
        GradCheck.Result r = GradCheck.check(v -> RadialOps.rowNorm(v[0]), x);
        assertTrue(r.passed(), r::toString);
        Variable zero = Variable.parameter(Tensor.zeros(DType.FLOAT64, 1, 3));
        RadialOps.rowNorm(zero).backward(Tensor.ones(DType.FLOAT64, 1, 1));
        assertEquals(0.0, zero.grad().get(0));
        Tensor huge = Tensor.of(new double[][] {{3e200, 4e200}});
        assertEquals(5e200, RadialOps.rowNorm(Variable.constant(huge)).value().get(0), 1e187);
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        Radial t = radial(3, 13);
        setParameters(t, new double[] {0.2, -0.5, 0.9}, 0.4, -0.8);
        Tensor x = Tensor.randn(new Rng(17), DType.FLOAT64, 4, 3);
        assertTrue(ParameterGradients.maxError(t, x, true) < 1e-6);
        assertTrue(ParameterGradients.maxError(t, x, false) < 1e-6);
    }

    @Test
    void worksInFloat32() {
        Float32RoundTrip.check(new Radial(3, DType.FLOAT32, new Rng(12)));
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Radial(3, DType.FLOAT64, null));
        assertTrue(e.getMessage().contains("Radial"), e.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> RadialOps.radiusOfPreimage(scalar(-2.0), scalar(1.0), scalar(1.0)));
        assertTrue(neg.getMessage().contains("radiusOfPreimage") && neg.getMessage().contains("-2.0"),
                neg.getMessage());
    }
}
