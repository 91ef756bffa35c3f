package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SplineOpsTest {
    static final double B = 3.0;
    static final double MIN_W = 1e-3;
    static final double MIN_H = 1e-3;
    static final double MIN_D = 1e-3;

    /** Inputs and unnormalized parameters of one op call. */
    record Case(Tensor x, Tensor w, Tensor h, Tensor d) {
        Tensor[] all() {
            return new Tensor[] {x, w, h, d};
        }

        SplineReference reference(int n, int j) {
            return new SplineReference(w, h, d, n, j, B, MIN_W, MIN_H, MIN_D);
        }
    }

    /**
     * Random case: inputs uniform on {@code [-1.2 B, 1.2 B]} (some in the tails), parameters normal
     * with standard deviation {@code scale} (a large scale gives strongly peaked softmaxes).
     */
    static Case randomCase(Rng rng, int n, int dim, int k, int derivCount, double scale) {
        Tensor x = Tensor.rand(rng, DType.FLOAT64, -1.2 * B, 1.2 * B, n, dim);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, n, dim, k);
        Tensor h = Tensor.randn(rng, DType.FLOAT64, n, dim, k);
        Tensor d = Tensor.randn(rng, DType.FLOAT64, n, dim, derivCount);
        w.scaleInPlace(scale);
        h.scaleInPlace(scale);
        d.scaleInPlace(scale);
        return new Case(x, w, h, d);
    }

    static Variable[] apply(Variable[] v, boolean inverse) {
        return SplineOps.rationalQuadratic(v[0], v[1], v[2], v[3], inverse, B, MIN_W, MIN_H, MIN_D);
    }

    /** Values of both outputs, evaluated without recording. */
    static Tensor[] eval(Tensor x, Case c, boolean inverse) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Variable[] out = apply(new Variable[] {Variable.constant(x), Variable.constant(c.w()),
                Variable.constant(c.h()), Variable.constant(c.d())}, inverse);
            return new Tensor[] {out[0].value(), out[1].value()};
        }
    }

    @Test
    void forwardMatchesPlainImplementationOfThePaperFormulas() {
        Case c = randomCase(new Rng(1), 16, 5, 8, 7, 1.5);
        Tensor[] out = eval(c.x(), c, false);
        for (int n = 0; n < 16; n++) {
            for (int j = 0; j < 5; j++) {
                double[] ref = c.reference(n, j).forward(c.x().at(n, j));
                assertEquals(ref[0], out[0].at(n, j), 1e-12, "y at " + n + "," + j);
                assertEquals(Math.log(ref[1]), out[1].at(n, j), 1e-10, "log-det at " + n + "," + j);
            }
        }
    }

    @Test
    void singleBinSplines() {
        Case learned = randomCase(new Rng(13), 6, 2, 1, 2, 1.0);
        Tensor[] out = eval(learned.x(), learned, false);
        Tensor[] back = eval(out[0], learned, true);
        for (int i = 0; i < 12; i++) {
            double[] ref = learned.reference(i / 2, i % 2).forward(learned.x().get(i));
            assertEquals(ref[0], out[0].get(i), 1e-12);
            assertEquals(Math.log(ref[1]), out[1].get(i), 1e-10);
            assertEquals(learned.x().get(i), back[0].get(i), 1e-10);
        }
        Case fixedEnds = randomCase(new Rng(14), 6, 2, 1, 0, 1.0);
        Tensor[] identity = eval(fixedEnds.x(), fixedEnds, false);
        for (int i = 0; i < 12; i++) {
            assertEquals(fixedEnds.x().get(i), identity[0].get(i), 1e-14, "one bin with unit end slopes");
            assertEquals(0.0, identity[1].get(i), 1e-14);
        }
        assertGradients(learned, false, 1e-6, "single bin");
    }

    @Test
    void inverseMatchesBisectionOnThePlainForward() {
        Case c = randomCase(new Rng(2), 16, 5, 8, 9, 1.5);
        Tensor[] out = eval(c.x(), c, true);
        for (int n = 0; n < 16; n++) {
            for (int j = 0; j < 5; j++) {
                SplineReference ref = c.reference(n, j);
                double x = ref.inverse(c.x().at(n, j));
                assertEquals(x, out[0].at(n, j), 1e-11, "x at " + n + "," + j);
                assertEquals(-Math.log(ref.forward(x)[1]), out[1].at(n, j), 1e-8, "log-det at " + n + "," + j);
            }
        }
    }

    @Test
    void inverseUndoesForwardAndLogDetsCancel() {
        for (double scale : new double[] {0.5, 2.0}) {
            for (int derivCount : new int[] {7, 9}) {
                Case c = randomCase(new Rng(3 + derivCount), 64, 4, 8, derivCount, scale);
                for (boolean inverseFirst : new boolean[] {false, true}) {
                    Tensor[] there = eval(c.x(), c, inverseFirst);
                    Tensor[] back = eval(there[0], c, !inverseFirst);
                    for (int i = 0; i < c.x().numel(); i++) {
                        String what = "scale " + scale + ", inverse first " + inverseFirst + ", element " + i;
                        assertEquals(c.x().get(i), back[0].get(i), 1e-10, what);
                        assertEquals(0.0, there[1].get(i) + back[1].get(i), 1e-9, what);
                    }
                }
            }
        }
    }

    /**
     * With strongly peaked parameters the slope can be ~1e-6, and x -> y -> x then magnifies the
     * rounding of y (about 1e-16 |y|) by dx/dy; y -> x -> y stays at 1e-10.
     */
    @Test
    void roundTripWithStronglyPeakedParametersIsAsAccurateAsTheConditioningAllows() {
        Case c = randomCase(new Rng(12), 64, 4, 8, 7, 6.0);
        Tensor[] fwd = eval(c.x(), c, false);
        Tensor[] back = eval(fwd[0], c, true);
        Tensor[] inv = eval(c.x(), c, true);
        Tensor[] again = eval(inv[0], c, false);
        for (int i = 0; i < c.x().numel(); i++) {
            double inverseSlope = Math.exp(-fwd[1].get(i));
            assertEquals(c.x().get(i), back[0].get(i), 1e-10 + 1e-15 * inverseSlope, "x -> y -> x, element " + i);
            assertEquals(c.x().get(i), again[0].get(i), 1e-10, "y -> x -> y, element " + i);
        }
    }

    @Test
    void logDetIsTheLogOfTheFiniteDifferenceDerivative() {
        double step = 1e-6;
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(4), 32, 3, 6, 5, 1.0);
            Tensor up = c.x().copy();
            Tensor down = c.x().copy();
            for (int i = 0; i < up.numel(); i++) {
                up.set(i, up.get(i) + step);
                down.set(i, down.get(i) - step);
            }
            Tensor[] out = eval(c.x(), c, inverse);
            Tensor yUp = eval(up, c, inverse)[0];
            Tensor yDown = eval(down, c, inverse)[0];
            for (int i = 0; i < up.numel(); i++) {
                double slope = (yUp.get(i) - yDown.get(i)) / (2 * step);
                assertEquals(Math.log(slope), out[1].get(i), 1e-6, "inverse " + inverse + ", element " + i);
            }
        }
    }

    @Test
    void outputIncreasesStrictlyAcrossTheTailsAndAllBins() {
        int points = 4001;
        for (boolean inverse : new boolean[] {false, true}) {
            Case one = randomCase(new Rng(5), 1, 1, 10, 9, 3.0);
            Tensor grid = Tensor.zeros(DType.FLOAT64, points, 1);
            for (int i = 0; i < points; i++) {
                grid.set(i, -B - 1 + (2 * B + 2) * i / (points - 1.0));
            }
            Case tiled = new Case(grid, tile(one.w(), points), tile(one.h(), points), tile(one.d(), points));
            Tensor y = eval(grid, tiled, inverse)[0];
            for (int i = 1; i < points; i++) {
                assertTrue(y.get(i) > y.get(i - 1), "not increasing at grid point " + i + ", inverse " + inverse);
            }
        }
    }

    static Tensor tile(Tensor oneRow, int n) {
        int k = oneRow.size(2);
        Tensor t = Tensor.zeros(oneRow.dtype(), n, 1, k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                t.set(i * k + j, oneRow.get(j));
            }
        }
        return t;
    }

    @Test
    void zeroParametersGiveTheIdentity() {
        Tensor x = Tensor.rand(new Rng(6), DType.FLOAT64, -2 * B, 2 * B, 20, 3);
        for (int derivCount : new int[] {7, 9}) {
            Case c = new Case(x, Tensor.zeros(DType.FLOAT64, 20, 3, 8), Tensor.zeros(DType.FLOAT64, 20, 3, 8),
                    Tensor.zeros(DType.FLOAT64, 20, 3, derivCount));
            for (boolean inverse : new boolean[] {false, true}) {
                Tensor[] out = eval(x, c, inverse);
                for (int i = 0; i < x.numel(); i++) {
                    assertEquals(x.get(i), out[0].get(i), 1e-14);
                    assertEquals(0.0, out[1].get(i), 1e-14);
                }
            }
        }
    }

    private static void assertGradients(Case c, boolean inverse, double tolerance, String what) {
        Function<Variable[], Variable> out = v -> apply(v, inverse)[0];
        Function<Variable[], Variable> logDet = v -> apply(v, inverse)[1];
        Function<Variable[], Variable> both = v -> {
            Variable[] r = apply(v, inverse);
            return ArithmeticOps.add(r[0], ArithmeticOps.mulScalar(r[1], 0.7));
        };
        GradCheck.Result r1 = GradCheck.check(out, 1e-6, tolerance, c.all());
        assertTrue(r1.passed(), () -> what + ", output: " + r1);
        GradCheck.Result r2 = GradCheck.check(logDet, 1e-6, tolerance, c.all());
        assertTrue(r2.passed(), () -> what + ", log-det: " + r2);
        GradCheck.Result r3 = GradCheck.check(both, 1e-6, tolerance, c.all());
        assertTrue(r3.passed(), () -> what + ", both outputs: " + r3);
    }

    @Test
    void gradientsOfBothOutputsMatchFiniteDifferences() {
        for (boolean inverse : new boolean[] {false, true}) {
            for (int derivCount : new int[] {5, 7}) {
                Case c = randomCase(new Rng(7 + derivCount), 6, 3, 6, derivCount, 1.0);
                assertGradients(c, inverse, 1e-6, "inverse " + inverse + ", K-deriv " + derivCount);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesForStronglyPeakedParameters() {
        for (boolean inverse : new boolean[] {false, true}) {
            Case c = randomCase(new Rng(8), 6, 3, 6, 5, 4.0);
            assertGradients(c, inverse, 1e-5, "peaked, inverse " + inverse);
        }
    }

    @Test
    void jointBackwardEqualsTheSumOfSeparateBackwards() {
        Case c = randomCase(new Rng(9), 10, 4, 7, 6, 1.0);
        Tensor seedY = Tensor.randn(new Rng(10), DType.FLOAT64, 10, 4);
        Tensor seedL = Tensor.randn(new Rng(11), DType.FLOAT64, 10, 4);
        for (boolean inverse : new boolean[] {false, true}) {
            Tensor[] joint = grads(c, inverse, seedY, seedL);
            Tensor[] onlyY = grads(c, inverse, seedY, seedL.zerosLike());
            Tensor[] onlyL = grads(c, inverse, seedY.zerosLike(), seedL);
            for (int p = 0; p < 4; p++) {
                for (int i = 0; i < joint[p].numel(); i++) {
                    assertEquals(onlyY[p].get(i) + onlyL[p].get(i), joint[p].get(i), 1e-12);
                }
            }
        }
    }

    /** Gradients of {@code sum(seedY * out) + sum(seedL * logDet)} w.r.t. all four inputs. */
    static Tensor[] grads(Case c, boolean inverse, Tensor seedY, Tensor seedL) {
        Variable[] v = new Variable[4];
        Tensor[] in = c.all();
        for (int i = 0; i < 4; i++) {
            v[i] = Variable.parameter(in[i]);
        }
        Variable[] r = apply(v, inverse);
        Variable loss = ReduceOps.sum(ArithmeticOps.add(ArithmeticOps.mul(r[0], Variable.constant(seedY)),
                ArithmeticOps.mul(r[1], Variable.constant(seedL))));
        loss.backward();
        Tensor[] g = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            g[i] = v[i].grad();
        }
        return g;
    }
}
