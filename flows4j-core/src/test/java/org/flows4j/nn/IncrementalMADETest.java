package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link IncrementalMADE}: with every input known, the outputs of each degree equal the full masked
 * forward pass (the dense products over all columns); chunks read the right context rows; steps out of
 * order and bad contexts are refused.
 */
class IncrementalMADETest {
    private static MADE made(int d, int ctx, int[] hidden, int p, long seed) {
        Rng rng = new Rng(seed);
        MADE m = new MADE(d, ctx, hidden, p, Activation.TANH, MADE.randomOrder(d, rng), false, DType.FLOAT64, rng);
        m.parameters().values().forEach(q -> q.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, q.value().shape()),
                0.2));
        return m;
    }

    private static Tensor column(Tensor x, int from, int rows, int f) {
        Tensor c = Tensor.zeros(x.dtype(), rows, 1);
        for (int r = 0; r < rows; r++) {
            c.set(r, x.at(from + r, f));
        }
        return c;
    }

    /** Runs all steps over chunks of {@code chunk} rows and compares every output with the full forward pass. */
    private static void assertMatchesForward(MADE m, int n, int chunk) {
        Rng rng = new Rng(7);
        int d = m.inFeatures();
        int p = m.outputsPerFeature();
        Tensor x = Tensor.randn(rng, DType.FLOAT64, n, d);
        Tensor ctx = m.contextFeatures() == 0 ? null : Tensor.randn(rng, DType.FLOAT64, n, m.contextFeatures());
        Tensor full;
        try (GradMode.Scope s = GradMode.noGrad()) {
            full = m.forward(Variable.constant(x), ctx == null ? null : Variable.constant(ctx)).value();
        }
        IncrementalMADE inc = new IncrementalMADE(m, chunk);
        for (int from = 0; from < n; from += chunk) {
            int rows = Math.min(chunk, n - from);
            inc.start(ctx, from, rows);
            for (int degree = 1; degree <= d; degree++) {
                int f = inc.featureOfDegree(degree);
                Tensor theta = inc.outputsOf(degree);
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < p; q++) {
                        double expected = full.at(from + r, f * p + q);
                        assertEquals(expected, theta.at(r, q), 1e-12 * Math.max(1, Math.abs(expected)),
                                "row " + (from + r) + " feature " + f + " output " + q);
                    }
                }
                inc.setInput(degree, column(x, from, rows, f));
            }
        }
    }

    @Test
    void outputsEqualTheFullForwardPass() {
        assertMatchesForward(made(5, 0, new int[] {12, 9}, 3, 1), 20, 20);
        assertMatchesForward(made(5, 2, new int[] {12, 9}, 3, 2), 20, 20);
        assertMatchesForward(made(6, 1, new int[] {4}, 2, 3), 10, 10);
        assertMatchesForward(made(4, 0, new int[] {}, 2, 4), 10, 10);
        assertMatchesForward(made(1, 0, new int[] {3, 3}, 2, 5), 10, 10);
    }

    @Test
    void chunksReadTheirOwnContextRows() {
        assertMatchesForward(made(4, 3, new int[] {10, 10}, 2, 6), 23, 7);
    }

    @Test
    void chunkRowsKeepTheActivationsNearTheBudget() {
        MADE m = made(8, 2, new int[] {30, 20}, 2, 8);
        assertEquals(1000 / (2 + 8 + 30 + 20), IncrementalMADE.chunkRows(m, 1000));
        assertEquals(16, IncrementalMADE.chunkRows(m, 10));
    }

    @Test
    void stepsOutOfOrderAreRefused() {
        IncrementalMADE inc = new IncrementalMADE(made(3, 0, new int[] {6}, 2, 9), 4);
        inc.start(null, 0, 4);
        assertThrows(IllegalStateException.class, () -> inc.outputsOf(2));
        inc.outputsOf(1);
        assertThrows(IllegalStateException.class, () -> inc.outputsOf(2));
        assertThrows(IllegalStateException.class, () -> inc.setInput(2, Tensor.zeros(DType.FLOAT64, 4, 1)));
        Exception e = assertThrows(IllegalArgumentException.class, () -> inc.outputsOf(4));
        assertTrue(e.getMessage().contains("1..3"), e.getMessage());
    }

    @Test
    void badChunksAndContextsAreRefused() {
        IncrementalMADE withContext = new IncrementalMADE(made(3, 2, new int[] {6}, 2, 10), 4);
        assertThrows(ShapeMismatchException.class, () -> withContext.start(null, 0, 4));
        assertThrows(ShapeMismatchException.class, () -> withContext.start(Tensor.zeros(DType.FLOAT64, 5, 2), 2, 4));
        assertThrows(IllegalArgumentException.class, () -> withContext.start(Tensor.zeros(DType.FLOAT64, 8, 2), 0, 5));
        IncrementalMADE without = new IncrementalMADE(made(3, 0, new int[] {6}, 2, 11), 4);
        assertThrows(IllegalArgumentException.class, () -> without.start(Tensor.zeros(DType.FLOAT64, 4, 1), 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new IncrementalMADE(made(3, 0, new int[] {6}, 2, 12), 0));
    }
}
