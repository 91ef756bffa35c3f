package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.distribution.Sampled;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PlanarTest {
    private static Planar planar(int d, long seed) {
        return new Planar(d, DType.FLOAT64, new Rng(seed));
    }

    private static void setParameters(Planar p, double[] w, double[] u, double b) {
        for (int i = 0; i < w.length; i++) {
            p.w().value().set(i, w[i]);
            p.u().value().set(i, u[i]);
        }
        p.b().value().set(0, b);
    }

    /** The paper's u_hat from the raw parameters, in plain doubles. */
    private static double[] paperUHat(double[] w, double[] u) {
        double wu = dot(w, u);
        double m = -1 + Math.log1p(Math.exp(wu));
        double ww = dot(w, w);
        double[] uh = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            uh[i] = u[i] + (m - wu) * w[i] / ww;
        }
        return uh;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void passesTheCheckerWithRandomParameters(int d) {
        for (long seed = 1; seed <= 4; seed++) {
            CheckReport r = new TransformChecker().parameterNoise(0.7).seed(seed).check(planar(d, seed));
            assertTrue(r.passed(), r::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void passesTheCheckerWhenRawUWouldBreakInvertibility(int d) {
        for (double norm2 : new double[] {0.5, 1.0, 2.0}) {
            Planar p = planar(d, 40 + d);
            double[] w = new double[d];
            double[] u = new double[d];
            Rng rng = new Rng(99 + d);
            for (int i = 0; i < d; i++) {
                w[i] = rng.nextGaussian();
            }
            double scale = Math.sqrt(norm2 / dot(w, w));
            for (int i = 0; i < d; i++) {
                w[i] *= scale;
                u[i] = -3 * w[i];
            }
            setParameters(p, w, u, 0.3);
            assertTrue(dot(w, u) < -1, "the raw parameters must violate w.u >= -1 for this test");
            double[] uh = p.uHat().toDoubleArray();
            double expected = -1 + Math.log1p(Math.exp(-3 * norm2));
            assertEquals(expected, dot(w, uh), 1e-12);
            assertTrue(expected > -1);
            CheckReport r = new TransformChecker().check(p);
            assertTrue(r.passed(), r::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void inverseIsThePapersMapWithItsLogDet(int d) {
        Rng rng = new Rng(5 + d);
        double[] w = new double[d];
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
            w[i] = rng.nextGaussian();
            u[i] = i == 0 ? -2 * w[i] : rng.nextGaussian();
        }
        double b = -0.4;
        Planar p = planar(d, 3);
        setParameters(p, w, u, b);
        double[] uh = paperUHat(w, u);
        double[][] z = new double[4][d];
        for (double[] row : z) {
            for (int i = 0; i < d; i++) {
                row[i] = 1.5 * rng.nextGaussian();
            }
        }
        Transformed out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = p.inverse(Variable.constant(Tensor.of(z)));
        }
        for (int n = 0; n < z.length; n++) {
            double h = Math.tanh(dot(w, z[n]) + b);
            double[][] jac = new double[d][d];
            double[] psi = new double[d];
            for (int i = 0; i < d; i++) {
                psi[i] = (1 - h * h) * w[i];
                assertEquals(z[n][i] + uh[i] * h, out.output().value().at(n, i), 1e-12);
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    jac[i][j] = (i == j ? 1 : 0) + uh[i] * psi[j];
                }
            }
            double paperLogDet = Math.log(Math.abs(1 + dot(uh, psi)));
            assertEquals(paperLogDet, out.logDet().value().get(n), 1e-10);
            assertEquals(DeterminantOps.logAbsDet(jac), out.logDet().value().get(n), 1e-10);
        }
    }

    @Test
    void forwardUndoesThePapersMapComputedByHand() {
        double[] w = {0.8, -1.1, 0.3};
        double[] u = {-2.4, 3.3, -0.9};
        double b = 0.7;
        Planar p = planar(3, 8);
        setParameters(p, w, u, b);
        double[] uh = paperUHat(w, u);
        double[][] z = {{0.1, -0.2, 0.3}, {-0.7, 0.0, 1.9}, {-0.6, -0.9, 0.2}, {2.0, 1.0, -1.0}};
        double[][] y = new double[z.length][3];
        for (int n = 0; n < z.length; n++) {
            double h = Math.tanh(dot(w, z[n]) + b);
            for (int i = 0; i < 3; i++) {
                y[n][i] = z[n][i] + uh[i] * h;
            }
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed back = p.forward(Variable.constant(Tensor.of(y)));
            for (int n = 0; n < z.length; n++) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(z[n][i], back.output().value().at(n, i), 1e-12);
                }
                double h = Math.tanh(dot(w, z[n]) + b);
                double expected = -Math.log(1 + (1 - h * h) * dot(uh, w));
                assertEquals(expected, back.logDet().value().get(n), 1e-12);
            }
        }
    }

    @Test
    void rootFindReachesMachinePrecision() {
        double[] ks = {0.0, 1e-12, 0.01, 0.5, 1.0, 3.0, 80.0};
        double[] ss = {-30, -2.5, -0.3, 0.0, 1e-9, 0.4, 7.0, 500.0};
        double[] bs = {-3.0, 0.0, 0.25, 2.0};
        for (double k : ks) {
            for (double s : ss) {
                for (double b : bs) {
                    double a = PlanarSolver.root(s, k, b);
                    double residual = a + (k - 1) * Math.tanh(a + b) - s;
                    double scale = Math.abs(s) + Math.abs(k - 1) + Math.abs(a) + 1;
                    assertTrue(Math.abs(residual) <= 1e-14 * scale,
                            "k=" + k + " s=" + s + " b=" + b + " residual " + residual);
                }
            }
        }
    }

    @Test
    void rootFindOpHasExactGradients() {
        Tensor s = Tensor.of(new double[][] {{-2.0}, {-0.31}, {0.05}, {0.9}, {4.0}});
        for (double k : new double[] {0.05, 0.7, 1.0, 2.5, 12.0}) {
            for (double b : new double[] {-0.6, 0.0, 0.4}) {
                GradCheck.Result r = GradCheck.check(v -> PlanarSolver.solve(v[0], v[1], v[2]), 1e-6, 1e-6,
                        s, Tensor.of(new double[] {k}, 1), Tensor.of(new double[] {b}, 1));
                assertTrue(r.passed(), () -> "k=" + k + ", b=" + b + ": " + r);
            }
        }
    }

    @Test
    void forwardHasExactGradientsInInputAndParameters() {
        Planar p = planar(3, 21);
        setParameters(p, new double[] {0.9, -0.4, 1.2}, new double[] {-2.0, 0.5, -3.1}, 0.2);
        Tensor y = Tensor.randn(new Rng(4), DType.FLOAT64, 4, 3);
        GradCheck.Result r = GradCheck.check(v -> {
            Transformed t = p.forward(v[0]);
            return IndexOps.concat(1, t.output(), ShapeOps.reshape(t.logDet(), 4, 1));
        }, y);
        assertTrue(r.passed(), r::toString);
        assertTrue(ParameterGradients.maxError(p, y, true) < 1e-6);
        assertTrue(ParameterGradients.maxError(p, y, false) < 1e-6);
    }

    @Test
    void samplingAndDensityAgreeInAFlow() {
        Planar p = planar(2, 77);
        setParameters(p, new double[] {1.3, -0.7}, new double[] {-4.0, 1.0}, -0.2);
        Flow flow = new Flow(p, new StandardNormal(2, DType.FLOAT64));
        try (GradMode.Scope s = GradMode.noGrad()) {
            Sampled sampled = flow.sampleAndLogProb(16, new Rng(6));
            Variable logProb = flow.logProb(sampled.samples());
            for (int i = 0; i < 16; i++) {
                assertEquals(sampled.logProb().value().get(i), logProb.value().get(i), 1e-10);
            }
        }
    }

    @Test
    void worksInFloat32() {
        Float32RoundTrip.check(new Planar(3, DType.FLOAT32, new Rng(12)));
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Planar(2, null, new Rng(1)));
        assertTrue(e.getMessage().contains("Planar"), e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> PlanarSolver.solve(
                Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 1)),
                Variable.constant(Tensor.of(new double[] {-0.5}, 1)),
                Variable.constant(Tensor.zeros(DType.FLOAT64, 1))));
        assertTrue(k.getMessage().contains("PlanarSolver") && k.getMessage().contains("-0.5"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Planar(0, DType.FLOAT64, new Rng(1)));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> planar(2, 1).forward(Variable.constant(Tensor.of(new double[][] {{0.0, Double.NaN}}))));
        assertFalse(nan.getMessage().isEmpty());
    }
}
