package org.flows4j.autodiff;

import static org.flows4j.autodiff.ArithmeticOpsTest.assertGradOk;
import static org.flows4j.autodiff.ArithmeticOpsTest.assertRelClose;
import static org.flows4j.autodiff.ArithmeticOpsTest.randomShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    /** A lane reduction {@code double[] -> double}, the naive definition an op is checked against. */
    @FunctionalInterface
    interface LaneFn {
        double apply(double[] lane);
    }

    static final LaneFn SUM = v -> {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    };
    static final LaneFn MAX = v -> {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    };
    static final LaneFn LOG_SUM_EXP = v -> {
        double s = 0;
        for (double x : v) {
            s += Math.exp(x);
        }
        return Math.log(s);
    };

    /**
     * The naive reduction of {@code t} along {@code axis} by multi-index iteration with
     * {@link Tensor#at}, shaped with the axis kept as size 1.
     */
    static Tensor naiveReduce(Tensor t, int axis, LaneFn fn) {
        int[] s = t.shape();
        int ax = axis < 0 ? axis + s.length : axis;
        int[] os = s.clone();
        os[ax] = 1;
        Tensor out = Tensor.zeros(DType.FLOAT64, os);
        int[] idx = new int[s.length];
        for (int flat = 0; flat < out.numel(); flat++) {
            int rem = flat;
            for (int j = s.length - 1; j >= 0; j--) {
                idx[j] = rem % os[j];
                rem /= os[j];
            }
            double[] lane = new double[s[ax]];
            for (int k = 0; k < s[ax]; k++) {
                idx[ax] = k;
                lane[k] = t.at(idx);
            }
            idx[ax] = 0;
            out.set(flat, fn.apply(lane));
        }
        return out;
    }

    /** Values {@code 0.3 * (a random permutation of 0..n-1)} plus small noise: no ties, gaps of 0.3. */
    static Tensor distinct(Rng rng, int... shape) {
        int n = Shape.numel(shape);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        rng.shuffle(perm);
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        for (int i = 0; i < n; i++) {
            t.set(i, 0.3 * perm[i] - 0.1 * n + 0.01 * rng.nextDouble());
        }
        return t;
    }

    private static Variable c(Tensor t) {
        return Variable.constant(t);
    }

    @Test
    void axisReductionsMatchTheNaiveDefinition() {
        Rng rng = new Rng(808);
        for (int trial = 0; trial < 12; trial++) {
            int[] shape = randomShape(rng);
            Tensor x = Tensor.randn(rng, DType.FLOAT64, shape);
            for (int axis = -shape.length; axis < shape.length; axis++) {
                Tensor sum = naiveReduce(x, axis, SUM);
                String at = Shape.str(shape) + " axis " + axis;
                assertRelClose(sum, ReduceOps.sum(c(x), axis, true).value(), 1e-13, "sum " + at);
                Tensor mean = sum.copy();
                mean.scaleInPlace(1.0 / shape[axis < 0 ? axis + shape.length : axis]);
                assertRelClose(mean, ReduceOps.mean(c(x), axis, true).value(), 1e-13, "mean " + at);
                assertRelClose(naiveReduce(x, axis, MAX), ReduceOps.max(c(x), axis, true).value(), 0, "max " + at);
                assertRelClose(naiveReduce(x, axis, LOG_SUM_EXP), ReduceOps.logSumExp(c(x), axis, true).value(),
                        1e-13, "logSumExp " + at);
            }
        }
    }

    @Test
    void keepDimAndNegativeAxesGiveTheExpectedShapes() {
        Tensor x = Tensor.randn(new Rng(1), DType.FLOAT64, 2, 3, 4);
        assertArrayEquals(new int[] {2, 4}, ReduceOps.sum(c(x), 1, false).shape());
        assertArrayEquals(new int[] {2, 1, 4}, ReduceOps.mean(c(x), -2, true).shape());
        assertArrayEquals(new int[] {2, 3}, ReduceOps.max(c(x), -1, false).shape());
        assertArrayEquals(new int[] {1, 3, 4}, ReduceOps.logSumExp(c(x), 0, true).shape());
        assertArrayEquals(new int[] {2, 3, 4}, ReduceOps.softmax(c(x), -1).shape());
        assertArrayEquals(new int[] {2, 3, 4}, ReduceOps.logSoftmax(c(x), 1).shape());
        Tensor v = Tensor.of(new double[] {1, 2, 3}, 3);
        assertArrayEquals(new int[] {}, ReduceOps.sum(c(v), 0, false).shape());
        assertEquals(6.0, ReduceOps.sum(c(v), -1, false).value().item(), 0.0);
        assertArrayEquals(ReduceOps.sum(c(x), 2, true).value().toDoubleArray(),
                ReduceOps.sum(c(x), -1, false).value().toDoubleArray(), 0.0);
    }

    @Test
    void handComputedValues() {
        Tensor m = Tensor.of(new double[][] {{1, 5, 2}, {4, 0, 4}});
        assertArrayEquals(new double[] {5, 5, 6}, ReduceOps.sum(c(m), 0, false).value().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {8.0 / 3, 8.0 / 3}, ReduceOps.mean(c(m), 1, false).value().toDoubleArray(),
                1e-15);
        assertArrayEquals(new double[] {5, 4}, ReduceOps.max(c(m), 1, false).value().toDoubleArray(), 0.0);
        assertEquals(5.0, ReduceOps.max(c(m)).value().item(), 0.0);
        double l0 = Math.log(Math.exp(1) + Math.exp(5) + Math.exp(2));
        assertEquals(l0, ReduceOps.logSumExp(c(m), 1, false).value().get(0), 1e-14);
        double[] sm = ReduceOps.softmax(c(m), 1).value().toDoubleArray();
        double z = Math.exp(1) + Math.exp(5) + Math.exp(2);
        assertArrayEquals(new double[] {Math.exp(1) / z, Math.exp(5) / z, Math.exp(2) / z}, new double[] {sm[0],
            sm[1], sm[2]}, 1e-15);
        double[] ls = ReduceOps.logSoftmax(c(m), 1).value().toDoubleArray();
        assertEquals(1 - l0, ls[0], 1e-14);
    }

    @Test
    void maxGradientGoesToTheFirstArgmax() {
        Variable m = Variable.parameter(Tensor.of(new double[][] {{1, 4, 4}, {7, 7, 2}}));
        ReduceOps.max(m, 1, false).backward(Tensor.of(new double[] {2, 3}, 2));
        assertArrayEquals(new double[] {0, 2, 0, 3, 0, 0}, m.grad().toDoubleArray(), 0.0);
        m.zeroGrad();
        ReduceOps.max(m, 0, true).backward(Tensor.of(new double[][] {{1, 2, 3}}));
        assertArrayEquals(new double[] {0, 0, 3, 1, 2, 0}, m.grad().toDoubleArray(), 0.0);
        m.zeroGrad();
        ReduceOps.max(m).backward();
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0}, m.grad().toDoubleArray(), 0.0);
    }

    @Test
    void gradientsOnRandomShapesAndEveryAxis() {
        Rng rng = new Rng(909);
        for (int trial = 0; trial < 8; trial++) {
            int[] shape = randomShape(rng);
            Tensor x = Tensor.randn(rng, DType.FLOAT64, shape);
            Tensor d = distinct(rng, shape);
            assertGradOk(v -> ReduceOps.max(v[0]), "max(all) " + Shape.str(shape), d);
            for (int axis = -shape.length; axis < shape.length; axis++) {
                int ax = axis;
                String at = " " + Shape.str(shape) + " axis " + ax;
                for (boolean keep : new boolean[] {false, true}) {
                    assertGradOk(v -> ReduceOps.sum(v[0], ax, keep), "sum" + at, x);
                    assertGradOk(v -> ReduceOps.mean(v[0], ax, keep), "mean" + at, x);
                    assertGradOk(v -> ReduceOps.max(v[0], ax, keep), "max" + at, d);
                    assertGradOk(v -> ReduceOps.logSumExp(v[0], ax, keep), "logSumExp" + at, x);
                }
                assertGradOk(v -> ReduceOps.softmax(v[0], ax), "softmax" + at, x);
                assertGradOk(v -> ReduceOps.logSoftmax(v[0], ax), "logSoftmax" + at, x);
            }
        }
    }

    @Test
    void gradientsThroughBroadcastOperands() {
        Rng rng = new Rng(1010);
        int[][][] pairs = {{{3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{3, 1}, {1, 4}}};
        for (int[][] p : pairs) {
            Tensor a = Tensor.randn(rng, DType.FLOAT64, p[0]);
            Tensor b = Tensor.randn(rng, DType.FLOAT64, p[1]);
            String at = " " + Shape.str(p[0]) + Shape.str(p[1]);
            assertGradOk(v -> ReduceOps.logSumExp(ArithmeticOps.add(v[0], v[1]), -1, false), "logSumExp(a+b)" + at, a, b);
            assertGradOk(v -> ReduceOps.softmax(ArithmeticOps.mul(v[0], v[1]), 0), "softmax(a*b)" + at, a, b);
            assertGradOk(v -> ReduceOps.logSoftmax(ArithmeticOps.sub(v[0], v[1]), 1), "logSoftmax(a-b)" + at, a, b);
            assertGradOk(v -> ReduceOps.mean(ArithmeticOps.mul(v[0], v[1]), 0, true), "mean(a*b)" + at, a, b);
            assertGradOk(v -> ReduceOps.sum(ArithmeticOps.add(v[0], v[1]), -1, false), "sum(a+b)" + at, a, b);
        }
    }

    @Test
    void softmaxFamilyIsStableForLargeInputs() {
        for (DType dt : DType.values()) {
            Tensor x = Tensor.of(new double[] {1e4, 1e4 - 1, -1e4, 0}, 2, 2).to(dt);
            Variable p = Variable.parameter(x);
            Variable lse = ReduceOps.logSumExp(p, 1, false);
            assertEquals(1e4 + Math.log1p(Math.exp(-1)), lse.value().get(0), 1e-2);
            assertEquals(Math.log1p(Math.exp(-1e4)), lse.value().get(1), 1e-6);
            lse.backward(Tensor.ones(dt, 2));
            assertFalse(p.grad().hasNonFinite(), dt.toString());
            double s0 = 1 / (1 + Math.exp(-1));
            assertArrayEquals(new double[] {s0, 1 - s0, 0, 1}, p.grad().toDoubleArray(), 1e-6);
            Tensor sm = ReduceOps.softmax(c(x), -1).value();
            Tensor ls = ReduceOps.logSoftmax(c(x), -1).value();
            assertFalse(sm.hasNonFinite() || ls.hasNonFinite(), dt.toString());
            assertArrayEquals(new double[] {s0, 1 - s0, 0, 1}, sm.toDoubleArray(), 1e-6);
            assertEquals(-1e4, ls.get(2), 1e-2);
        }
    }

    @Test
    void logSumExpOfAllNegativeInfinityIsNegativeInfinityWithZeroGradient() {
        double ninf = Double.NEGATIVE_INFINITY;
        Variable p = Variable.parameter(Tensor.of(new double[] {ninf, ninf, 0.5, ninf}, 2, 2));
        Variable l = ReduceOps.logSumExp(p, 1, false);
        assertEquals(ninf, l.value().get(0), 0.0);
        assertEquals(0.5, l.value().get(1), 0.0);
        l.backward(Tensor.ones(DType.FLOAT64, 2));
        assertArrayEquals(new double[] {0, 0, 1, 0}, p.grad().toDoubleArray(), 0.0);
    }

    @Test
    void float32AndFloat64ForwardAgree() {
        Tensor x64 = Tensor.randn(new Rng(1111), DType.FLOAT64, 3, 4, 5).to(DType.FLOAT32).to(DType.FLOAT64);
        Tensor x32 = x64.to(DType.FLOAT32);
        List<Function<Variable, Variable>> ops = List.of(
            v -> ReduceOps.sum(v, 1, false), v -> ReduceOps.mean(v, -1, true), v -> ReduceOps.max(v, 0, false),
            ReduceOps::max, v -> ReduceOps.logSumExp(v, 2, false), v -> ReduceOps.softmax(v, 1),
            v -> ReduceOps.logSoftmax(v, -1), ReduceOps::sum, ReduceOps::mean);
        for (int k = 0; k < ops.size(); k++) {
            Tensor y32 = ops.get(k).apply(c(x32)).value();
            assertEquals(DType.FLOAT32, y32.dtype());
            assertRelClose(ops.get(k).apply(c(x64)).value(), y32, 1e-5, "op " + k);
        }
    }

    @Test
    void badInputsAreClearErrors() {
        Variable x = c(Tensor.zeros(DType.FLOAT64, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReduceOps.sum(x, 2, false));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("axis 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReduceOps.softmax(x, -3));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
        Variable empty = c(Tensor.zeros(DType.FLOAT64, 2, 0));
        e = assertThrows(IllegalArgumentException.class, () -> ReduceOps.mean(empty, 1, false));
        assertTrue(e.getMessage().contains("mean") && e.getMessage().contains("[2, 0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReduceOps.max(empty, -1, false));
        assertThrows(IllegalArgumentException.class, () -> ReduceOps.max(empty));
        assertThrows(IllegalArgumentException.class, () -> ReduceOps.sum(c(Tensor.scalar(DType.FLOAT64, 1)), 0, false));
        assertArrayEquals(new double[] {0, 0}, ReduceOps.sum(empty, 1, false).value().toDoubleArray(), 0.0);
        Tensor lse = ReduceOps.logSumExp(empty, 1, false).value();
        assertEquals(Double.NEGATIVE_INFINITY, lse.get(0), 0.0);
    }
}
