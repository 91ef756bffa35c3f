package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LULinearTest {
    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);

    /** Random LU factors for D = 4 with a non-trivial permutation, kept as dense arrays for hand computation. */
    private static final class Factors {
        final double[][] lower = new double[4][4];
        final double[][] upper = new double[4][4];
        final double[] logDiag = new double[4];
        final double[] bias = new double[4];
        final int[] perm = {2, 0, 3, 1};

        Factors(long seed) {
            Rng rng = new Rng(seed);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    lower[i][j] = j < i ? rng.nextGaussian() * 0.7 : i == j ? 1.0 : 0.0;
                    upper[i][j] = j > i ? rng.nextGaussian() * 0.7 : 0.0;
                }
                logDiag[i] = rng.nextGaussian() * 0.5;
                bias[i] = rng.nextGaussian();
            }
        }

        LULinear build() {
            return LULinear.of(lower, logDiag, upper, bias, perm);
        }

        /** W = P L U by plain loops: row i of W is row perm[i] of L U, with U's diagonal exp(logDiag). */
        double[][] weight() {
            double[][] w = new double[4][4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        double u = k == j ? Math.exp(logDiag[k]) : upper[k][j];
                        s += lower[perm[i]][k] * u;
                    }
                    w[i][j] = s;
                }
            }
            return w;
        }
    }

    private static CheckReport check(Transform t) {
        return new TransformChecker().parameterNoise(0.1).check(t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void identityWithNoisePassesTheChecker(int d) {
        CheckReport r = check(LULinear.identity(d, DType.FLOAT64));
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void randomAndPermutedTransformsPassTheChecker() {
        CheckReport r1 = new TransformChecker().check(LULinear.random(6, DType.FLOAT64, new Rng(1)));
        assertTrue(r1.passed(), r1::toString);
        CheckReport r2 = check(new Factors(2).build());
        assertTrue(r2.passed(), r2::toString);
        CheckReport r3 = check(new Inverse(new Factors(3).build()));
        assertTrue(r3.passed(), r3::toString);
    }

    /** x = mu + A z with mu = (1, -2), A = [[2, 0], [0.5, 0.5]]: log p(x) = log N(A^-1 (x - mu); 0, I) - log|det A|. */
    private static void assertClosedFormDensity(Flow flow) {
        double[] lp = flow.logProb(new double[][] {{0, 0}, {1, -2}, {3, 1}});
        assertEquals(-12.0878770664, lp[0], 1e-9);
        assertEquals(-1.8378770664, lp[1], 1e-9);
        assertEquals(-14.8378770664, lp[2], 1e-9);
    }

    @Test
    void closedFormGaussianThroughTheInverseOfTheGenerativeMap() {
        double[][] lowerUnit = {{1, 0}, {0.25, 1}};
        double[] logDiag = {Math.log(2), Math.log(0.5)};
        LULinear generative = LULinear.of(lowerUnit, logDiag, new double[2][2], new double[] {1, -2}, new int[] {0, 1});
        assertClosedFormDensity(new Flow(new Inverse(generative), new StandardNormal(2, DType.FLOAT64)));
    }

    @Test
    void closedFormGaussianWithTheNormalizingMapDirectly() {
        double[][] lowerUnit = {{1, 0}, {-1, 1}};
        double[] logDiag = {Math.log(0.5), Math.log(2)};
        double[] bias = {-0.5, 4.5};
        LULinear normalizing = LULinear.of(lowerUnit, logDiag, new double[2][2], bias, new int[] {0, 1});
        assertClosedFormDensity(new Flow(normalizing, new StandardNormal(2, DType.FLOAT64)));
    }

    @Test
    void permutedFactorsGiveAGaussianDensity() {
        Factors f = new Factors(4);
        double[][] w = f.weight();
        Flow flow = new Flow(f.build(), new StandardNormal(4, DType.FLOAT64));
        double[] x = {0.3, -1.2, 2.0, 0.1};
        double sq = 0;
        for (int i = 0; i < 4; i++) {
            double z = f.bias[i];
            for (int j = 0; j < 4; j++) {
                z += w[i][j] * x[j];
            }
            sq += z * z;
        }
        double expected = -0.5 * sq - 2 * LOG_TWO_PI + DeterminantOps.logAbsDet(w);
        assertEquals(expected, flow.logProb(new double[][] {x})[0], 1e-10);
    }

    @Test
    void forwardAppliesPLUAndReportsLogAbsDet() {
        Factors f = new Factors(5);
        LULinear t = f.build();
        double[][] w = f.weight();
        double[][] got = t.weight();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(w[i], got[i], 1e-12, "row " + i + " of W");
        }
        Tensor x = Tensor.randn(new Rng(6), DType.FLOAT64, 3, 4);
        Transformed r = t.forward(Variable.constant(x));
        double logDet = DeterminantOps.logAbsDet(w);
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < 4; i++) {
                double z = f.bias[i];
                for (int j = 0; j < 4; j++) {
                    z += w[i][j] * x.at(n, j);
                }
                assertEquals(z, r.output().value().at(n, i), 1e-12, "row " + n + ", feature " + i);
            }
            assertEquals(logDet, r.logDet().value().get(n), 1e-12);
        }
        Transformed back = t.inverse(r.output());
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), back.output().value().get(i), 1e-12);
        }
        assertEquals(-logDet, back.logDet().value().get(0), 1e-12);
    }

    @Test
    void randomStartIsOrthogonalAndSeeded() {
        LULinear t = LULinear.random(7, DType.FLOAT64, new Rng(9));
        double[][] w = t.weight();
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                double dot = 0;
                for (int k = 0; k < 7; k++) {
                    dot += w[i][k] * w[j][k];
                }
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-12, "W W^T at (" + i + ", " + j + ")");
            }
        }
        Transformed r = t.forward(Variable.constant(Tensor.zeros(DType.FLOAT64, 1, 7)));
        assertEquals(0.0, r.logDet().value().get(0), 1e-12);
        assertArrayEquals(w[3], LULinear.random(7, DType.FLOAT64, new Rng(9)).weight()[3]);
        assertNotEquals(w[3][0], LULinear.random(7, DType.FLOAT64, new Rng(10)).weight()[3][0]);
    }

    /** Backward of a weighted sum of the inverse's output and log-det against central differences per parameter. */
    @Test
    void parameterGradientsOfTheInverseMatchFiniteDifferences() {
        LULinear t = new Factors(12).build();
        Tensor z = Tensor.randn(new Rng(13), DType.FLOAT64, 3, 4);
        Tensor weights = Tensor.rand(new Rng(14), DType.FLOAT64, 0.5, 1.5, 3, 4);
        try (GradMode.Scope s = GradMode.enableGrad()) {
            lossOf(t, z, weights).backward();
        }
        double h = 1e-6;
        for (Map.Entry<String, Parameter> e : t.parameters().entrySet()) {
            Tensor v = e.getValue().value();
            for (int i = 0; i < v.numel(); i++) {
                double x0 = v.get(i);
                v.set(i, x0 + h);
                double up = lossValue(t, z, weights);
                v.set(i, x0 - h);
                double down = lossValue(t, z, weights);
                v.set(i, x0);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, e.getValue().grad().get(i), 1e-6 * Math.max(1, Math.abs(numeric)),
                        e.getKey() + "[" + i + "]");
            }
        }
    }

    private static Variable lossOf(LULinear t, Tensor z, Tensor weights) {
        Transformed r = t.inverse(Variable.constant(z));
        Variable out = ArithmeticOps.mul(r.output(), Variable.constant(weights));
        return ArithmeticOps.add(ReduceOps.sum(out),
                ReduceOps.sum(r.logDet()));
    }

    private static double lossValue(LULinear t, Tensor z, Tensor weights) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return lossOf(t, z, weights).value().item();
        }
    }

    @Test
    void stateDictRestoresTheMapIncludingThePermutation() {
        LULinear source = new Factors(15).build();
        LULinear target = LULinear.identity(4, DType.FLOAT64);
        target.loadStateDict(source.stateDict());
        assertArrayEquals(new int[] {2, 0, 3, 1}, target.permutation());
        double[][] a = source.weight();
        double[][] b = target.weight();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a[i], b[i], 0.0);
        }
        assertArrayEquals(source.bias(), target.bias(), 0.0);
    }

    @Test
    void float32ParametersRoundTrip() {
        LULinear t = LULinear.random(3, DType.FLOAT32, new Rng(2));
        Tensor x = Tensor.randn(new Rng(3), DType.FLOAT32, 4, 3);
        Tensor back = t.inverse(t.forward(Variable.constant(x)).output()).output().value();
        assertEquals(DType.FLOAT32, back.dtype());
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), back.get(i), 1e-5);
        }
    }

    @Test
    void badFactorsAreRejectedWithTheEntry() {
        double[][] id = {{1, 0}, {0, 1}};
        double[][] zero = new double[2][2];
        double[] two = {0, 0};
        IllegalArgumentException notUnit = assertThrows(IllegalArgumentException.class,
                () -> LULinear.of(new double[][] {{2, 0}, {0, 1}}, two, zero, two, new int[] {0, 1}));
        assertTrue(notUnit.getMessage().contains("LULinear.of") && notUnit.getMessage().contains("lowerUnit[0][0]")
                && notUnit.getMessage().contains("got 2.0"), notUnit.getMessage());
        IllegalArgumentException lowerInUpper = assertThrows(IllegalArgumentException.class,
                () -> LULinear.of(id, two, new double[][] {{0, 1}, {3, 0}}, two, new int[] {0, 1}));
        assertTrue(lowerInUpper.getMessage().contains("upperStrict[1][0]"), lowerInUpper.getMessage());
        IllegalArgumentException perm = assertThrows(IllegalArgumentException.class,
                () -> LULinear.of(id, two, zero, two, new int[] {1, 1}));
        assertTrue(perm.getMessage().contains("permutation") && perm.getMessage().contains("repeated"),
                perm.getMessage());
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> LULinear.of(id, two, zero, new double[] {0, 0, 0}, new int[] {0, 1}));
        assertTrue(len.getMessage().contains("bias must have length 2, got length 3"), len.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LULinear.identity(0, DType.FLOAT64));
    }
}
