package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinalgOpsTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static void assertGradients(GradCheck.Result r) {
        assertTrue(r.passed() && r.maxError() < 1e-6, r.toString());
    }

    /** Naive float64 reference: out[t,i,j] = sum_p a[t,i,p] b[t or 0,p,j]. */
    private static double[] naiveMatmul(Tensor a, Tensor b, int batch, boolean sharedB) {
        int n = a.size(-2);
        int k = a.size(-1);
        int m = b.size(-1);
        double[] out = new double[batch * n * m];
        for (int t = 0; t < batch; t++) {
            int bBase = sharedB ? 0 : t * k * m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a.get(t * n * k + i * k + p) * b.get(bBase + p * m + j);
                    }
                    out[t * n * m + i * m + j] = s;
                }
            }
        }
        return out;
    }

    @Test
    void matmulValuesMatchTheDefinitionInBothDtypes() {
        Rng rng = new Rng(1);
        for (DType dtype : DType.values()) {
            Tensor a = Tensor.randn(rng, dtype, 37, 29);
            Tensor b = Tensor.randn(rng, dtype, 29, 41);
            Tensor c = LinalgOps.matmul(Variable.constant(a), Variable.constant(b)).value();
            assertEquals(dtype, c.dtype());
            double[] ref = naiveMatmul(a, b, 1, true);
            double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-12;
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], c.get(i), tol, dtype + " element " + i);
            }
        }
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.of(new double[][] {{5, 6}, {7, 8}});
        assertArrayEquals(new double[] {19, 22, 43, 50},
                LinalgOps.matmul(Variable.constant(a), Variable.constant(b)).value().doubleData());
    }

    @Test
    void batchedAndBroadcastMatmulValuesMatchPerItemProducts() {
        Rng rng = new Rng(2);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, 3, 4, 5);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 3, 5, 2);
        Tensor c = LinalgOps.matmul(Variable.constant(a), Variable.constant(b)).value();
        assertArrayEquals(new int[] {3, 4, 2}, c.shape());
        assertArrayEquals(naiveMatmul(a, b, 3, false), c.doubleData(), 1e-12);
        Tensor shared = Tensor.randn(rng, DType.FLOAT64, 5, 6);
        Tensor d = LinalgOps.matmul(Variable.constant(a), Variable.constant(shared)).value();
        assertArrayEquals(new int[] {3, 4, 6}, d.shape());
        assertArrayEquals(naiveMatmul(a, shared, 3, true), d.doubleData(), 1e-12);
    }

    @Test
    void matmulGradientsPassGradCheck() {
        Rng rng = new Rng(3);
        int[][] shapes = {{3, 4, 5}, {1, 1, 1}, {5, 2, 1}, {6, 7, 3}, {9, 18, 17}};
        for (int[] s : shapes) {
            Tensor a = Tensor.randn(rng, DType.FLOAT64, s[0], s[1]);
            Tensor b = Tensor.randn(rng, DType.FLOAT64, s[1], s[2]);
            assertGradients(GradCheck.check(v -> LinalgOps.matmul(v[0], v[1]), a, b));
        }
    }

    @Test
    void batchedMatmulGradientsPassGradCheck() {
        Rng rng = new Rng(4);
        int[][] shapes = {{2, 3, 4, 5}, {3, 1, 2, 6}, {2, 5, 9, 17}};
        for (int[] s : shapes) {
            Tensor a = Tensor.randn(rng, DType.FLOAT64, s[0], s[1], s[2]);
            Tensor b = Tensor.randn(rng, DType.FLOAT64, s[0], s[2], s[3]);
            assertGradients(GradCheck.check(v -> LinalgOps.matmul(v[0], v[1]), a, b));
        }
    }

    @Test
    void broadcastBatchMatmulGradientsPassGradCheck() {
        Rng rng = new Rng(5);
        int[][] shapes = {{2, 3, 4, 5}, {4, 1, 3, 2}, {3, 6, 5, 17}};
        for (int[] s : shapes) {
            Tensor a = Tensor.randn(rng, DType.FLOAT64, s[0], s[1], s[2]);
            Tensor b = Tensor.randn(rng, DType.FLOAT64, s[2], s[3]);
            assertGradients(GradCheck.check(v -> LinalgOps.matmul(v[0], v[1]), a, b));
        }
    }

    @Test
    void matmulLeavesConstantsWithoutGradient() {
        Variable a = Variable.constant(Tensor.randn(new Rng(6), DType.FLOAT64, 2, 3));
        Variable b = Variable.parameter(Tensor.randn(new Rng(7), DType.FLOAT64, 3, 4));
        LinalgOps.matmul(a, b).backward(Tensor.ones(DType.FLOAT64, 2, 4));
        assertNull(a.grad());
        for (int p = 0; p < 3; p++) {
            double colSum = a.value().get(p) + a.value().get(3 + p);
            for (int j = 0; j < 4; j++) {
                assertEquals(colSum, b.grad().get(p * 4 + j), 1e-12);
            }
        }
    }

    @Test
    void linearGradientsPassGradCheckForEveryActivationWithAndWithoutBias() {
        Rng rng = new Rng(8);
        for (Activation act : Activation.values()) {
            Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 4);
            Tensor w = Tensor.randn(rng, DType.FLOAT64, 3, 4);
            Tensor b = Tensor.randn(rng, DType.FLOAT64, 3);
            GradCheck.Result withBias = GradCheck.check(v -> LinalgOps.linear(v[0], v[1], v[2], act), x, w, b);
            assertTrue(withBias.passed() && withBias.maxError() < 1e-6, act + " with bias: " + withBias);
            GradCheck.Result noBias = GradCheck.check(v -> LinalgOps.linear(v[0], v[1], null, act), x, w);
            assertTrue(noBias.passed() && noBias.maxError() < 1e-6, act + " without bias: " + noBias);
        }
    }

    @Test
    void linearValuesMatchTheDefinitionWithOneAndTwoThreads() {
        Rng rng = new Rng(9);
        int n = 203;
        int in = 37;
        int out = 19;
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.randn(rng, dtype, n, in);
            Tensor w = Tensor.randn(rng, dtype, out, in);
            Tensor b = Tensor.randn(rng, dtype, out);
            for (Activation act : Activation.values()) {
                for (boolean withBias : new boolean[] {true, false}) {
                    checkLinearValues(x, w, withBias ? b : null, act, dtype);
                }
            }
        }
    }

    private static void checkLinearValues(Tensor x, Tensor w, Tensor b, Activation act, DType dtype) {
        int n = x.size(0);
        int in = x.size(1);
        int out = w.size(0);
        Tensor[] results = new Tensor[2];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            results[threads - 1] = LinalgOps.linear(Variable.constant(x), Variable.constant(w),
                    b == null ? null : Variable.constant(b), act).value();
        }
        Tensor y = results[0];
        for (int i = 0; i < y.numel(); i++) {
            assertEquals(y.get(i), results[1].get(i), 0.0, "thread count changed element " + i);
        }
        double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-12;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double z = b == null ? 0 : b.get(j);
                for (int p = 0; p < in; p++) {
                    z += x.get(r * in + p) * w.get(j * in + p);
                }
                assertEquals(act.apply(z), y.get(r * out + j), tol, dtype + " " + act + " bias=" + (b != null)
                        + " at " + r + "," + j);
            }
        }
    }

    @Test
    void linearFloat32GradientsAgreeWithFloat64() {
        Rng rng = new Rng(10);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 30, 12);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, 7, 12);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 7);
        Tensor seed = Tensor.randn(rng, DType.FLOAT64, 30, 7);
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU, Activation.IDENTITY}) {
            checkFloat32Gradients(x, w, b, seed, act);
        }
    }

    /** The float32 backward (with its ReLU fast path) against the generic float64 one. */
    private static void checkFloat32Gradients(Tensor x, Tensor w, Tensor b, Tensor seed, Activation act) {
        Tensor[][] grads = new Tensor[2][];
        DType[] types = {DType.FLOAT64, DType.FLOAT32};
        for (int t = 0; t < 2; t++) {
            Variable vx = Variable.parameter(x.to(types[t]));
            Variable vw = Variable.parameter(w.to(types[t]));
            Variable vb = Variable.parameter(b.to(types[t]));
            LinalgOps.linear(vx, vw, vb, act).backward(seed.to(types[t]));
            grads[t] = new Tensor[] {vx.grad(), vw.grad(), vb.grad()};
        }
        for (int g = 0; g < 3; g++) {
            assertEquals(DType.FLOAT32, grads[1][g].dtype());
            for (int i = 0; i < grads[0][g].numel(); i++) {
                assertEquals(grads[0][g].get(i), grads[1][g].get(i), 1e-4 * (1 + Math.abs(grads[0][g].get(i))),
                        act + " gradient " + g + " element " + i);
            }
        }
    }

    @Test
    void badShapesNameBothShapes() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        Variable b = Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 5));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> LinalgOps.matmul(a, b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 5]"), e.getMessage());
        Variable a3 = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 2, 3));
        Variable b3 = Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 3, 4));
        ShapeMismatchException batch = assertThrows(ShapeMismatchException.class, () -> LinalgOps.matmul(a3, b3));
        assertTrue(batch.getMessage().contains("[2, 2, 3]") && batch.getMessage().contains("[3, 3, 4]"),
                batch.getMessage());
        ShapeMismatchException rank = assertThrows(ShapeMismatchException.class, () -> LinalgOps.matmul(a, b3));
        assertTrue(rank.getMessage().contains("[2, 3]") && rank.getMessage().contains("[3, 3, 4]"), rank.getMessage());
        Variable x = Variable.constant(Tensor.zeros(DType.FLOAT64, 5, 3));
        Variable w = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 4));
        ShapeMismatchException lin = assertThrows(ShapeMismatchException.class,
                () -> LinalgOps.linear(x, w, null, Activation.RELU));
        assertTrue(lin.getMessage().contains("[5, 3]") && lin.getMessage().contains("[2, 4]"), lin.getMessage());
        Variable w2 = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        Variable badBias = Variable.constant(Tensor.zeros(DType.FLOAT64, 3));
        ShapeMismatchException bias = assertThrows(ShapeMismatchException.class,
                () -> LinalgOps.linear(x, w2, badBias, Activation.RELU));
        assertTrue(bias.getMessage().contains("[3]") && bias.getMessage().contains("[2, 3]"), bias.getMessage());
        Variable w32 = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.linear(x, w32, null, Activation.RELU));
    }
}
