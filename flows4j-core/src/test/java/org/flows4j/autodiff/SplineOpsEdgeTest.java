package org.flows4j.autodiff;

import static org.flows4j.autodiff.SplineOpsTest.B;
import static org.flows4j.autodiff.SplineOpsTest.apply;
import static org.flows4j.autodiff.SplineOpsTest.eval;
import static org.flows4j.autodiff.SplineOpsTest.grads;
import static org.flows4j.autodiff.SplineOpsTest.randomCase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.SplineOpsTest.Case;
import org.flows4j.tensor.ChildJvm;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SplineOpsEdgeTest {
    private static void assertAllFinite(Tensor[] ts, String what) {
        for (int p = 0; p < ts.length; p++) {
            assertFalse(ts[p] == null || ts[p].hasNonFinite(), what + ": gradient " + p + " missing or not finite");
        }
    }

    private static Tensor[] randomSeedGrads(Case c, boolean inverse) {
        int n = c.x().size(0);
        int d = c.x().size(1);
        return grads(c, inverse, Tensor.randn(new Rng(21), DType.FLOAT64, n, d),
                Tensor.randn(new Rng(22), DType.FLOAT64, n, d));
    }

    /**
     * With 8 equal bins, minimum 1/16 and B = 4, the input-side knots are exactly the integers -4..4.
     * Inputs on each knot must give the knot's output and log-det {@code log d_j} with finite
     * gradients, and the x-gradient of the output is the knot derivative (the spline is C1).
     */
    @Test
    void inputsExactlyOnKnots() {
        double bound = 4.0;
        double minBin = 1.0 / 16;
        for (boolean inverse : new boolean[] {false, true}) {
            Rng rng = new Rng(inverse ? 31 : 32);
            Tensor x = Tensor.zeros(DType.FLOAT64, 9, 1);
            for (int j = 0; j <= 8; j++) {
                x.set(j, j - 4.0);
            }
            Tensor equal = Tensor.zeros(DType.FLOAT64, 9, 1, 8);
            Tensor random = SplineOpsTest.tile(Tensor.randn(rng, DType.FLOAT64, 1, 1, 8), 9);
            Tensor derivs = SplineOpsTest.tile(Tensor.randn(rng, DType.FLOAT64, 1, 1, 7), 9);
            Tensor w = inverse ? random : equal;
            Tensor h = inverse ? equal : random;
            Variable[] v = {Variable.parameter(x), Variable.parameter(w), Variable.parameter(h),
                Variable.parameter(derivs)};
            Variable[] out = SplineOps.rationalQuadratic(v[0], v[1], v[2], v[3], inverse, bound, minBin, minBin, 1e-3);
            SplineReference ref = new SplineReference(w, h, derivs, 0, 0, bound, minBin, minBin, 1e-3);
            double[] outKnots = inverse ? ref.xKnots : ref.yKnots;
            for (int j = 0; j <= 8; j++) {
                double logD = Math.log(ref.derivs[j]);
                assertEquals(outKnots[j], out[0].value().get(j), 1e-12, "knot " + j);
                assertEquals(inverse ? -logD : logD, out[1].value().get(j), 1e-12, "log-det at knot " + j);
            }
            ArithmeticOps.add(out[0], out[1]).backward(Tensor.ones(DType.FLOAT64, 9, 1));
            for (Variable p : v) {
                assertFalse(p.grad().hasNonFinite(), "non-finite gradient on knots, inverse " + inverse);
            }
            Variable xv = Variable.parameter(x);
            Variable[] again = SplineOps.rationalQuadratic(xv, Variable.constant(w), Variable.constant(h),
                    Variable.constant(derivs), inverse, bound, minBin, minBin, 1e-3);
            again[0].backward(Tensor.ones(DType.FLOAT64, 9, 1));
            for (int j = 0; j <= 8; j++) {
                double slope = inverse ? 1.0 / ref.derivs[j] : ref.derivs[j];
                assertEquals(slope, xv.grad().get(j), 1e-9, "dy/dx at knot " + j + ", inverse " + inverse);
            }
        }
    }

    /**
     * At x = ±B the output is ±B whatever the parameters, so its parameter gradients vanish, and the
     * log-det is log 1 = 0; finite differences in the parameters (the outer knots never move) agree.
     */
    @Test
    void inputsExactlyOnTheTailBound() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(41), 2, 3, 8, 7, 2.0);
            for (int i = 0; i < 6; i++) {
                c.x().set(i, i % 2 == 0 ? -B : B);
            }
            Tensor[] out = eval(c.x(), c, inverse);
            for (int i = 0; i < 6; i++) {
                assertEquals(c.x().get(i), out[0].get(i), 1e-14);
                assertEquals(0.0, out[1].get(i), 1e-14);
            }
            Tensor[] g = randomSeedGrads(c, inverse);
            assertAllFinite(g, "on the bound");
            for (int p = 1; p < 4; p++) {
                for (int i = 0; i < g[p].numel(); i++) {
                    assertEquals(0.0, g[p].get(i), 1e-12, "parameter gradient at the bound, input " + p);
                }
            }
            Tensor seedY = Tensor.randn(new Rng(23), DType.FLOAT64, 2, 3);
            Tensor gx = grads(c, inverse, seedY, seedY.zerosLike())[0];
            for (int i = 0; i < 6; i++) {
                assertEquals(seedY.get(i), gx.get(i), 1e-12, "dy/dx = 1 at the bound");
            }
            Tensor x = c.x();
            GradCheck.Result r = GradCheck.check(v -> {
                Variable[] o = apply(new Variable[] {Variable.constant(x), v[0], v[1], v[2]}, inverse);
                return ArithmeticOps.add(o[0], o[1]);
            }, c.w(), c.h(), c.d());
            assertTrue(r.passed(), r::toString);
        }
    }

    @Test
    void wholeBatchInTheTails() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(51), 8, 3, 8, 7, 1.0);
            Rng rng = new Rng(52);
            for (int i = 0; i < c.x().numel(); i++) {
                double mag = B + 1e-9 + 5 * rng.nextDouble();
                c.x().set(i, i % 2 == 0 ? mag : -mag);
            }
            Tensor[] out = eval(c.x(), c, inverse);
            assertArrayEquals(c.x().doubleData(), out[0].doubleData());
            assertArrayEquals(new double[c.x().numel()], out[1].doubleData());
            Tensor[] g = randomSeedGrads(c, inverse);
            assertAllFinite(g, "tails");
            assertArrayEquals(Tensor.randn(new Rng(21), DType.FLOAT64, 8, 3).doubleData(), g[0].doubleData());
            for (int p = 1; p < 4; p++) {
                assertArrayEquals(new double[g[p].numel()], g[p].doubleData(), "parameter gradient " + p);
            }
        }
    }

    @Test
    void hugeInputsAreIdentityWithFiniteGradients() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(61), 4, 4, 8, 7, 3.0);
            double[] values = {1e4, -1e4, 0.5, -1e4, 1e4, 1e4, -2.9, -1e4};
            for (int i = 0; i < values.length; i++) {
                c.x().set(2 * i, values[i]);
            }
            Tensor[] out = eval(c.x(), c, inverse);
            for (int i = 0; i < c.x().numel(); i++) {
                double xi = c.x().get(i);
                assertTrue(Double.isFinite(out[0].get(i)) && Double.isFinite(out[1].get(i)));
                if (Math.abs(xi) == 1e4) {
                    assertEquals(xi, out[0].get(i));
                    assertEquals(0.0, out[1].get(i));
                }
            }
            assertAllFinite(randomSeedGrads(c, inverse), "huge inputs");
        }
    }

    @Test
    void extremeParametersStayFinite() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(71), 16, 4, 8, 7, 40.0);
            Tensor[] out = eval(c.x(), c, inverse);
            assertFalse(out[0].hasNonFinite() || out[1].hasNonFinite(), "outputs with extreme parameters");
            assertAllFinite(randomSeedGrads(c, inverse), "extreme parameters");
            Tensor[] back = eval(out[0], c, !inverse);
            for (int i = 0; i < c.x().numel(); i++) {
                assertEquals(c.x().get(i), back[0].get(i), 1e-8, "round trip with extreme parameters");
            }
        }
    }

    /**
     * Softmax is shift-invariant, so adding +-800 to a whole parameter row (where unshifted
     * exponentials overflow or underflow) must not change outputs or gradients.
     */
    @Test
    void parameterRowsShiftedFarIntoOverflowGiveTheSameResults() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(75), 8, 3, 8, 7, 1.0);
            Tensor w = c.w().copy();
            Tensor h = c.h().copy();
            for (int i = 0; i < w.numel(); i++) {
                w.set(i, w.get(i) + ((i / 8) % 2 == 0 ? 800.0 : -800.0));
                h.set(i, h.get(i) + ((i / 8) % 3 == 0 ? -760.0 : 720.0));
            }
            Case shifted = new Case(c.x(), w, h, c.d());
            Tensor[] a = eval(c.x(), c, inverse);
            Tensor[] b = eval(c.x(), shifted, inverse);
            Tensor seed = Tensor.randn(new Rng(76), DType.FLOAT64, 8, 3);
            Tensor[] ga = grads(c, inverse, seed, seed);
            Tensor[] gb = grads(shifted, inverse, seed, seed);
            for (int i = 0; i < c.x().numel(); i++) {
                assertEquals(a[0].get(i), b[0].get(i), 1e-12, "output " + i);
                assertEquals(a[1].get(i), b[1].get(i), 1e-10, "log-det " + i);
            }
            for (int p = 0; p < 4; p++) {
                for (int i = 0; i < ga[p].numel(); i++) {
                    assertEquals(ga[p].get(i), gb[p].get(i), 1e-9 * Math.max(1, Math.abs(ga[p].get(i))), "grad " + p);
                }
            }
        }
    }

    @Test
    void aJvmWithoutTheVectorModuleGivesTheSameSpline() throws Exception {
        String out = ChildJvm.run(SplineScalarFallbackMain.class);
        assertTrue(out.contains("vectorized=false"), out);
        String line = out.substring(out.indexOf("max error ") + "max error ".length()).trim().split("\\s+")[0];
        assertTrue(Double.parseDouble(line) < 1e-8, out);
    }

    @Test
    void float32AgreesWithFloat64() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(81), 32, 4, 8, 7, 1.5);
            Case single = new Case(c.x().to(DType.FLOAT32), c.w().to(DType.FLOAT32), c.h().to(DType.FLOAT32),
                    c.d().to(DType.FLOAT32));
            Tensor[] out64 = eval(single.x().to(DType.FLOAT64), new Case(null, single.w().to(DType.FLOAT64),
                    single.h().to(DType.FLOAT64), single.d().to(DType.FLOAT64)), inverse);
            Tensor[] out32 = eval(single.x(), single, inverse);
            assertEquals(DType.FLOAT32, out32[0].dtype());
            assertEquals(DType.FLOAT32, out32[1].dtype());
            for (int i = 0; i < c.x().numel(); i++) {
                assertEquals(out64[0].get(i), out32[0].get(i), 1e-6 * Math.max(1, Math.abs(out64[0].get(i))));
                assertEquals(out64[1].get(i), out32[1].get(i), 1e-6 * Math.max(1, Math.abs(out64[1].get(i))));
            }
            Tensor seed = Tensor.randn(new Rng(82), DType.FLOAT64, 32, 4);
            Tensor[] g64 = grads(c, inverse, seed, seed);
            Tensor[] g32 = grads(single, inverse, seed.to(DType.FLOAT32), seed.to(DType.FLOAT32));
            for (int p = 0; p < 4; p++) {
                assertEquals(DType.FLOAT32, g32[p].dtype());
                for (int i = 0; i < g64[p].numel(); i++) {
                    assertEquals(g64[p].get(i), g32[p].get(i), 1e-3 * Math.max(1, Math.abs(g64[p].get(i))));
                }
            }
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        int saved = Parallel.threads();
        try {
            Case c = randomCase(new Rng(91), 256, 8, 8, 7, 1.0);
            Tensor seed = Tensor.randn(new Rng(92), DType.FLOAT64, 256, 8);
            Parallel.setThreads(1);
            Tensor[] one = grads(c, false, seed, seed);
            Parallel.setThreads(3);
            Tensor[] three = grads(c, false, seed, seed);
            for (int p = 0; p < 4; p++) {
                assertArrayEquals(one[p].doubleData(), three[p].doubleData());
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void badInputIsRejectedWithTheOpNameAndValues() {
        Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2));
        Variable w = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 5));
        Variable d = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 4));
        Variable wrongK = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 3));
        Variable derivs5 = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 2, 5));
        Variable w32 = Variable.constant(Tensor.zeros(DType.FLOAT32, 4, 2, 5));
        String m1 = assertThrows(ShapeMismatchException.class,
                () -> SplineOps.rationalQuadratic(x, w, wrongK, d, false, 3, 1e-3, 1e-3, 1e-3)).getMessage();
        assertTrue(m1.contains("rationalQuadratic") && m1.contains("[4, 2, 5]") && m1.contains("[4, 2, 3]"), m1);
        String m2 = assertThrows(ShapeMismatchException.class,
                () -> SplineOps.rationalQuadratic(x, w, w, derivs5, false, 3, 1e-3, 1e-3, 1e-3)).getMessage();
        assertTrue(m2.contains("K - 1 = 4") && m2.contains("got 5"), m2);
        assertThrows(IllegalArgumentException.class,
                () -> SplineOps.rationalQuadratic(x, w32, w, d, false, 3, 1e-3, 1e-3, 1e-3));
        String m3 = assertThrows(IllegalArgumentException.class,
                () -> SplineOps.rationalQuadratic(x, w, w, d, false, 3, 0.25, 1e-3, 1e-3)).getMessage();
        assertTrue(m3.contains("minBinWidth") && m3.contains("0.25") && m3.contains("0.2"), m3);
        String m4 = assertThrows(IllegalArgumentException.class,
                () -> SplineOps.rationalQuadratic(x, w, w, d, false, -1, 1e-3, 1e-3, 1e-3)).getMessage();
        assertTrue(m4.contains("tailBound") && m4.contains("-1.0"), m4);
        String m5 = assertThrows(IllegalArgumentException.class,
                () -> SplineOps.rationalQuadratic(x, w, w, d, false, 3, 1e-3, 1e-3, 1.0)).getMessage();
        assertTrue(m5.contains("minDerivative") && m5.contains("(0, 1)"), m5);
        assertThrows(ShapeMismatchException.class, () -> SplineOps.rationalQuadratic(
                Variable.constant(Tensor.zeros(DType.FLOAT64, 8)), w, w, d, false, 3, 1e-3, 1e-3, 1e-3));
    }
}
