package org.flows4j.autodiff;

import static org.flows4j.autodiff.ReduceOpsTest.LOG_SUM_EXP;
import static org.flows4j.autodiff.ReduceOpsTest.naiveReduce;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/** Consistency properties of the axis reductions over random shapes, axes and scales. */
class ReduceOpsPropertyTest {
    private static int[] shape(Rng rng, int rank) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rng.nextInt(5);
        }
        return s;
    }

    private static Variable c(Tensor t) {
        return Variable.constant(t);
    }

    @Property(tries = 200)
    void logSumExpLiesBetweenMaxAndMaxPlusLogLength(@ForAll @IntRange(min = 1, max = 3) int rank,
            @ForAll long seed, @ForAll @DoubleRange(min = 0.01, max = 500) double scale,
            @ForAll @IntRange(min = 0, max = 2) int axisPick, @ForAll boolean keepDim) {
        Rng rng = new Rng(seed);
        int[] s = shape(rng, rank);
        int axis = axisPick % rank - (rng.nextInt(2) == 0 ? 0 : rank);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, s);
        x.scaleInPlace(scale);
        Tensor lse = ReduceOps.logSumExp(c(x), axis, keepDim).value();
        Tensor max = ReduceOps.max(c(x), axis, keepDim).value();
        double logLen = Math.log(x.size(axis));
        for (int i = 0; i < lse.numel(); i++) {
            double slack = 1e-12 * Math.max(1, Math.abs(max.get(i)));
            assertTrue(lse.get(i) >= max.get(i) - slack, "lse " + lse.get(i) + " < max " + max.get(i));
            assertTrue(lse.get(i) <= max.get(i) + logLen + slack, "lse above max + log(len)");
        }
    }

    @Property(tries = 200)
    void logSumExpEqualsLogOfSumOfExpForModerateInputs(@ForAll @IntRange(min = 1, max = 3) int rank,
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int axisPick) {
        Rng rng = new Rng(seed);
        int[] s = shape(rng, rank);
        int axis = axisPick % rank;
        Tensor x = Tensor.rand(rng, DType.FLOAT64, -20, 20, s);
        Tensor expected = naiveReduce(x, axis, LOG_SUM_EXP);
        Tensor actual = ReduceOps.logSumExp(c(x), axis, true).value();
        for (int i = 0; i < actual.numel(); i++) {
            assertEquals(expected.get(i), actual.get(i), 1e-12 * Math.max(1, Math.abs(expected.get(i))));
        }
    }

    @Property(tries = 200)
    void sumAndMeanAgreeWithTheWholeTensorReductions(@ForAll @IntRange(min = 1, max = 3) int rank,
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int axisPick, @ForAll boolean keepDim,
            @ForAll boolean float32) {
        Rng rng = new Rng(seed);
        int[] s = shape(rng, rank);
        int axis = axisPick % rank;
        Tensor x = Tensor.randn(rng, float32 ? DType.FLOAT32 : DType.FLOAT64, s);
        double tol = float32 ? 1e-4 : 1e-12;
        Tensor sumAxis = ReduceOps.sum(c(x), axis, keepDim).value();
        double total = ReduceOps.sum(c(x)).value().item();
        assertEquals(total, ReduceOps.sum(c(sumAxis)).value().item(), tol * Math.max(1, Math.abs(total)));
        Tensor meanAxis = ReduceOps.mean(c(x), axis, keepDim).value();
        int len = s[axis];
        for (int i = 0; i < sumAxis.numel(); i++) {
            assertEquals(sumAxis.get(i), meanAxis.get(i) * len, tol * Math.max(1, Math.abs(sumAxis.get(i))));
        }
        double meanOfMeans = ReduceOps.mean(c(meanAxis)).value().item();
        assertEquals(ReduceOps.mean(c(x)).value().item(), meanOfMeans, tol);
        assertArrayEquals(ReduceOps.sum(c(x), axis, !keepDim).value().toDoubleArray(), sumAxis.toDoubleArray(), 0.0);
    }

    @Property(tries = 100)
    void softmaxIsTheExponentialOfLogSoftmaxAndSumsToOne(@ForAll @IntRange(min = 1, max = 3) int rank,
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int axisPick,
            @ForAll @DoubleRange(min = 0.01, max = 1000) double scale) {
        Rng rng = new Rng(seed);
        int[] s = shape(rng, rank);
        int axis = axisPick % rank;
        Tensor x = Tensor.randn(rng, DType.FLOAT64, s);
        x.scaleInPlace(scale);
        Tensor sm = ReduceOps.softmax(c(x), axis).value();
        Tensor ls = ReduceOps.logSoftmax(c(x), axis).value();
        for (int i = 0; i < sm.numel(); i++) {
            assertEquals(Math.exp(ls.get(i)), sm.get(i), 1e-12);
        }
        Tensor sums = ReduceOps.sum(c(sm), axis, false).value();
        for (int i = 0; i < sums.numel(); i++) {
            assertEquals(1.0, sums.get(i), 1e-12);
        }
    }
}
