package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConvOpsTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One convolution: batch, channels in, image height and width, channels out, kernel height and width, padding. */
    private record Case(int n, int cin, int h, int w, int cout, int kh, int kw, int pad) {
        int ho() {
            return h + 2 * pad - kh + 1;
        }

        int wo() {
            return w + 2 * pad - kw + 1;
        }

        Tensor x(Rng rng, DType dtype) {
            return Tensor.randn(rng, dtype, n, cin, h, w);
        }

        Tensor weight(Rng rng, DType dtype) {
            return Tensor.rand(rng, dtype, -0.5, 0.5, cout, cin, kh, kw);
        }

        Tensor bias(Rng rng, DType dtype) {
            return Tensor.rand(rng, dtype, -0.5, 0.5, cout);
        }
    }

    /** x[n, c, i, j], or 0 outside the image. */
    private static double pixel(Tensor x, Case c, int n, int ch, int i, int j) {
        if (i < 0 || i >= c.h() || j < 0 || j >= c.w()) {
            return 0.0;
        }
        return x.get(((n * c.cin() + ch) * c.h() + i) * c.w() + j);
    }

    /** The definition, in float64 loops: act(b[o] + sum_{c,u,v} W[o,c,u,v] x[n,c,i+u-p,j+v-p]). */
    private static double[] direct(Case c, Tensor x, Tensor w, Tensor b, Activation act) {
        double[] out = new double[c.n() * c.cout() * c.ho() * c.wo()];
        int q = 0;
        for (int n = 0; n < c.n(); n++) {
            for (int o = 0; o < c.cout(); o++) {
                for (int i = 0; i < c.ho(); i++) {
                    for (int j = 0; j < c.wo(); j++) {
                        double s = b == null ? 0.0 : b.get(o);
                        for (int ch = 0; ch < c.cin(); ch++) {
                            for (int u = 0; u < c.kh(); u++) {
                                for (int v = 0; v < c.kw(); v++) {
                                    s += w.get(((o * c.cin() + ch) * c.kh() + u) * c.kw() + v)
                                            * pixel(x, c, n, ch, i + u - c.pad(), j + v - c.pad());
                                }
                            }
                        }
                        out[q++] = act.apply(s);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Gradients of L = sum(seed * y) for y = conv(x, W) + b (no activation), in float64 loops straight
     * from the chain rule: each output element sends seed * W to the input pixels it read and
     * seed * x to the weights it used.
     */
    private static double[][] directGradients(Case c, Tensor x, Tensor w, Tensor seed) {
        double[] gx = new double[x.numel()];
        double[] gw = new double[w.numel()];
        double[] gb = new double[c.cout()];
        int q = 0;
        for (int n = 0; n < c.n(); n++) {
            for (int o = 0; o < c.cout(); o++) {
                for (int i = 0; i < c.ho(); i++) {
                    for (int j = 0; j < c.wo(); j++) {
                        double g = seed.get(q++);
                        gb[o] += g;
                        for (int ch = 0; ch < c.cin(); ch++) {
                            for (int u = 0; u < c.kh(); u++) {
                                for (int v = 0; v < c.kw(); v++) {
                                    int iy = i + u - c.pad();
                                    int ix = j + v - c.pad();
                                    if (iy < 0 || iy >= c.h() || ix < 0 || ix >= c.w()) {
                                        continue;
                                    }
                                    int xi = ((n * c.cin() + ch) * c.h() + iy) * c.w() + ix;
                                    int wi = ((o * c.cin() + ch) * c.kh() + u) * c.kw() + v;
                                    gx[xi] += g * w.get(wi);
                                    gw[wi] += g * x.get(xi);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {gx, gw, gb};
    }

    private static final Case[] SMALL = {
        new Case(2, 3, 5, 5, 4, 1, 1, 0),
        new Case(2, 3, 5, 5, 4, 3, 3, 1),
        new Case(2, 2, 4, 6, 3, 3, 3, 1),
        new Case(1, 2, 5, 4, 3, 3, 3, 0),
        new Case(2, 3, 4, 4, 2, 1, 1, 1),
        new Case(2, 2, 5, 6, 3, 2, 3, 2),
    };

    /** Sizes that reach the full vector tiles and the K blocking of the products. */
    private static final Case[] LARGE = {
        new Case(5, 24, 14, 14, 40, 1, 1, 0),
        new Case(5, 12, 14, 14, 40, 3, 3, 1),
        new Case(3, 40, 7, 9, 6, 3, 3, 1),
        new Case(2, 33, 6, 5, 3, 2, 3, 0),
    };

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void forwardMatchesTheDirectConvolutionInBothDtypes() {
        Rng rng = new Rng(11);
        List<Case> cases = new ArrayList<>(List.of(SMALL));
        cases.addAll(List.of(LARGE));
        for (Case c : cases) {
            for (DType dtype : DType.values()) {
                for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.TANH}) {
                    for (boolean withBias : new boolean[] {true, false}) {
                        Tensor x = c.x(rng, dtype);
                        Tensor w = c.weight(rng, dtype);
                        Tensor b = withBias ? c.bias(rng, dtype) : null;
                        Variable y = ConvOps.conv2d(Variable.constant(x), Variable.constant(w),
                                b == null ? null : Variable.constant(b), c.pad(), act);
                        assertArrayEquals(new int[] {c.n(), c.cout(), c.ho(), c.wo()}, y.shape(), c.toString());
                        assertEquals(dtype, y.dtype());
                        double[] ref = direct(c, x, w, b, act);
                        double tol = dtype == DType.FLOAT32 ? 2e-6 * c.cin() * c.kh() * c.kw() : 1e-12;
                        for (int i = 0; i < ref.length; i++) {
                            assertEquals(ref[i], y.value().get(i), tol, c + " " + dtype + " " + act + " bias " + withBias
                                    + " element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void zeroPaddingGivesTheBorderSumsOfAConstantImage() {
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.ones(dtype, 1, 1, 4, 5);
            Tensor w = Tensor.ones(dtype, 1, 1, 3, 3);
            Tensor y = ConvOps.conv2d(Variable.constant(x), Variable.constant(w), null, 1, Activation.IDENTITY).value();
            double[][] expected = {
                {4, 6, 6, 6, 4},
                {6, 9, 9, 9, 6},
                {6, 9, 9, 9, 6},
                {4, 6, 6, 6, 4},
            };
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(expected[i][j], y.at(0, 0, i, j), 0.0, dtype + " at " + i + "," + j);
                }
            }
            Tensor wide = ConvOps.conv2d(Variable.constant(x), Variable.constant(Tensor.ones(dtype, 1, 1, 1, 1)), null, 2,
                    Activation.IDENTITY).value();
            assertArrayEquals(new int[] {1, 1, 8, 9}, wide.shape());
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 9; j++) {
                    boolean inside = i >= 2 && i < 6 && j >= 2 && j < 7;
                    assertEquals(inside ? 1.0 : 0.0, wide.at(0, 0, i, j), 0.0, dtype + " 1x1 pad 2 at " + i + "," + j);
                }
            }
        }
    }

    private static void assertGradients(String what, GradCheck.Result r) {
        assertTrue(r.passed() && r.maxError() < 1e-6, what + ": " + r);
    }

    @Test
    void gradientsPassTheFiniteDifferenceCheck() {
        Case[] cases = {
            new Case(2, 3, 4, 4, 2, 1, 1, 0),
            new Case(2, 2, 4, 4, 3, 3, 3, 1),
            new Case(2, 2, 3, 5, 3, 3, 3, 1),
            new Case(1, 2, 4, 5, 2, 2, 3, 0),
            new Case(2, 3, 4, 5, 2, 3, 3, 1),
            new Case(1, 3, 5, 4, 2, 3, 3, 0),
        };
        Rng rng = new Rng(5);
        for (Case c : cases) {
            for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.TANH}) {
                Tensor x = c.x(rng, DType.FLOAT64);
                Tensor w = c.weight(rng, DType.FLOAT64);
                Tensor b = c.bias(rng, DType.FLOAT64);
                assertGradients(c + " " + act + " with bias",
                        GradCheck.check(v -> ConvOps.conv2d(v[0], v[1], v[2], c.pad(), act), x, w, b));
                assertGradients(c + " " + act + " without bias",
                        GradCheck.check(v -> ConvOps.conv2d(v[0], v[1], null, c.pad(), act), x, w));
            }
        }
    }

    @Test
    void float32GradientsMatchTheDirectChainRule() {
        Rng rng = new Rng(17);
        List<Case> cases = new ArrayList<>(List.of(LARGE));
        cases.add(SMALL[5]);
        cases.add(new Case(2, 9, 6, 5, 4, 3, 3, 0));
        for (Case c : cases) {
            for (DType dtype : DType.values()) {
                Tensor x = c.x(rng, dtype);
                Tensor w = c.weight(rng, dtype);
                Tensor b = c.bias(rng, dtype);
                Tensor seed = Tensor.randn(rng, dtype, c.n(), c.cout(), c.ho(), c.wo());
                Variable xv = Variable.parameter(x);
                Variable wv = Variable.parameter(w);
                Variable bv = Variable.parameter(b);
                ConvOps.conv2d(xv, wv, bv, c.pad(), Activation.IDENTITY).backward(seed);
                double[][] ref = directGradients(c, x, w, seed);
                Tensor[] got = {xv.grad(), wv.grad(), bv.grad()};
                String[] names = {"dx", "dW", "db"};
                for (int k = 0; k < 3; k++) {
                    double scale = Math.max(1.0, maxAbs(ref[k]));
                    double tol = dtype == DType.FLOAT32 ? 1e-5 * scale : 1e-12 * scale;
                    for (int i = 0; i < ref[k].length; i++) {
                        assertEquals(ref[k][i], got[k].get(i), tol, c + " " + dtype + " " + names[k] + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void onlyTheInputsThatRequireAGradientGetOne() {
        Rng rng = new Rng(3);
        Case c = SMALL[1];
        Variable x = Variable.constant(c.x(rng, DType.FLOAT64));
        Variable w = Variable.parameter(c.weight(rng, DType.FLOAT64));
        Variable b = Variable.constant(c.bias(rng, DType.FLOAT64));
        Variable y = ConvOps.conv2d(x, w, b, c.pad(), Activation.RELU);
        y.backward(Tensor.ones(DType.FLOAT64, y.shape()));
        assertNotNull(w.grad());
        assertNull(x.grad());
        assertNull(b.grad());
        Variable x2 = Variable.parameter(c.x(rng, DType.FLOAT64));
        Variable w2 = Variable.constant(c.weight(rng, DType.FLOAT64));
        Variable y2 = ConvOps.conv2d(x2, w2, null, c.pad(), Activation.IDENTITY);
        y2.backward(Tensor.ones(DType.FLOAT64, y2.shape()));
        assertNotNull(x2.grad());
        assertNull(w2.grad());
    }

    @Test
    void conv2dIntoGivesTheSameBitsAsTheRecordedOp() {
        Rng rng = new Rng(8);
        for (Case c : LARGE) {
            Tensor x = c.x(rng, DType.FLOAT32);
            Tensor w = c.weight(rng, DType.FLOAT32);
            Tensor b = c.bias(rng, DType.FLOAT32);
            Tensor viaOp = ConvOps.conv2d(Variable.constant(x), Variable.constant(w), Variable.constant(b), c.pad(),
                    Activation.RELU).value();
            Tensor out = Tensor.full(DType.FLOAT32, 7.0, c.n(), c.cout(), c.ho(), c.wo());
            assertTrue(out == ConvOps.conv2dInto(x, w, b, c.pad(), Activation.RELU, out));
            assertArrayEquals(viaOp.floatData(), out.floatData(), c.toString());
        }
    }

    @Test
    void badShapesAndDtypesAreRejectedNamingBothShapes() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 5, 5);
        Tensor w = Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3);
        Variable xv = Variable.constant(x);
        Variable wv = Variable.constant(w);
        ShapeMismatchException rank = assertThrows(ShapeMismatchException.class, () -> ConvOps.conv2d(
                Variable.constant(Tensor.zeros(DType.FLOAT32, 3, 5, 5)), wv, null, 1, Activation.IDENTITY));
        assertTrue(rank.getMessage().contains("[3, 5, 5]") && rank.getMessage().contains("[4, 3, 3, 3]"), rank.getMessage());
        ShapeMismatchException channels = assertThrows(ShapeMismatchException.class, () -> ConvOps.conv2d(
                xv, Variable.constant(Tensor.zeros(DType.FLOAT32, 4, 2, 3, 3)), null, 1, Activation.IDENTITY));
        assertTrue(channels.getMessage().contains("[2, 3, 5, 5]") && channels.getMessage().contains("[4, 2, 3, 3]"),
                channels.getMessage());
        ShapeMismatchException bias = assertThrows(ShapeMismatchException.class, () -> ConvOps.conv2d(
                xv, wv, Variable.constant(Tensor.zeros(DType.FLOAT32, 3)), 1, Activation.IDENTITY));
        assertTrue(bias.getMessage().contains("[3]") && bias.getMessage().contains("[4]"), bias.getMessage());
        ShapeMismatchException tooBig = assertThrows(ShapeMismatchException.class, () -> ConvOps.conv2d(
                xv, Variable.constant(Tensor.zeros(DType.FLOAT32, 4, 3, 7, 7)), null, 0, Activation.IDENTITY));
        assertTrue(tooBig.getMessage().contains("[2, 3, 5, 5]") && tooBig.getMessage().contains("[4, 3, 7, 7]"),
                tooBig.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class, () -> ConvOps.conv2d(
                xv, Variable.constant(Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3)), null, 1, Activation.IDENTITY));
        assertTrue(dtype.getMessage().contains("FLOAT32") && dtype.getMessage().contains("FLOAT64"), dtype.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvOps.conv2d(xv, wv, null, -1, Activation.IDENTITY));
        assertThrows(IllegalArgumentException.class, () -> ConvOps.conv2d(xv, wv, null, 1, null));
        ShapeMismatchException out = assertThrows(ShapeMismatchException.class, () -> ConvOps.conv2dInto(
                x, w, null, 1, Activation.IDENTITY, Tensor.zeros(DType.FLOAT32, 2, 4, 3, 3)));
        assertTrue(out.getMessage().contains("[2, 4, 3, 3]") && out.getMessage().contains("[2, 4, 5, 5]"), out.getMessage());
    }

    /** Forward value and the three gradients of one float32 convolution with ReLU, as flat arrays. */
    private static float[][] forwardBackward(Tensor x, Tensor w, Tensor b, Tensor seed, int pad) {
        Variable xv = Variable.parameter(x);
        Variable wv = Variable.parameter(w);
        Variable bv = Variable.parameter(b);
        Variable y = ConvOps.conv2d(xv, wv, bv, pad, Activation.RELU);
        float[] value = y.value().floatData().clone();
        y.backward(seed);
        return new float[][] {value, xv.grad().floatData(), wv.grad().floatData(), bv.grad().floatData()};
    }

    @Test
    void resultsAreBitIdenticalAcrossThreadCountsAndConcurrentCallers() throws Exception {
        Rng rng = new Rng(21);
        Case[] cases = {new Case(37, 16, 14, 14, 24, 3, 3, 1), new Case(37, 24, 7, 7, 16, 1, 1, 0)};
        for (Case c : cases) {
            Tensor x = c.x(rng, DType.FLOAT32);
            Tensor w = c.weight(rng, DType.FLOAT32);
            Tensor b = c.bias(rng, DType.FLOAT32);
            Tensor seed = Tensor.randn(rng, DType.FLOAT32, c.n(), c.cout(), c.ho(), c.wo());
            Parallel.setThreads(1);
            float[][] one = forwardBackward(x, w, b, seed, c.pad());
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                float[][] many = forwardBackward(x, w, b, seed, c.pad());
                for (int k = 0; k < one.length; k++) {
                    assertArrayEquals(one[k], many[k], c + " " + threads + " kernel threads, part " + k);
                }
            }
            Parallel.setThreads(2);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> forwardBackward(x, w, b, seed, c.pad())));
                }
                for (Future<float[][]> f : results) {
                    float[][] got = f.get();
                    for (int k = 0; k < one.length; k++) {
                        assertArrayEquals(one[k], got[k], c + " concurrent caller, part " + k);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
