package org.flows4j.transform.autoregressive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.IncrementalMADE;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/**
 * The no-grad inverse of {@link AutoregressiveTransform} (incremental MADE) against the plain loop of
 * {@code D} full MADE passes, which runs when gradients are recorded: same samples and log-dets for the
 * affine and spline transformers, with and without context, natural and random orders, hidden layers
 * narrower than {@code D}, several or no hidden layers, {@code D = 1}, float32 (as accurate as the loop against float64) and float64; plus the
 * round trip through the forward direction and the IAF, whose no-grad forward is this inverse.
 */
class IncrementalInverseTest {
    /** Relative: the two inverses sum in different orders, and a steep spline bin amplifies the last bits. */
    private static final double TOL64 = 1e-11;

    private static ElementwiseTransformer spline() {
        return new RationalQuadraticTransformer(5, 3.0, 1e-3, 1e-3, 1e-3);
    }

    private static AutoregressiveTransform build(int d, int ctx, int[] hidden, Activation act, int[] degrees,
            ElementwiseTransformer transformer, DType dtype, long seed) {
        Rng rng = new Rng(seed);
        MADE made = new MADE(d, ctx, hidden, transformer.paramsPerFeature(), act, degrees, true, dtype, rng);
        AutoregressiveTransform t = new AutoregressiveTransform(made, transformer);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(rng, dtype, p.value().shape()), 0.3));
        return t;
    }

    private static Variable input(Rng rng, DType dtype, int n, int cols) {
        return cols == 0 ? null : Variable.constant(Tensor.randn(rng, dtype, n, cols).to(dtype));
    }

    private static Transformed noGradInverse(Transform t, Variable z, Variable ctx) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return t.inverse(z, ctx);
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.numel(), actual.numel(), what);
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            assertTrue(Math.abs(e - a) <= tol * Math.max(1.0, Math.abs(e)),
                    () -> what + " differs: expected " + e + ", got " + a);
        }
    }

    private static void assertSameAsPlainLoop(AutoregressiveTransform t, String what) {
        assertSameAsPlainLoop(t, 64, what);
    }

    /** Compares the two float64 inverses on {@code n} rows and checks that the forward direction maps the sample back. */
    private static void assertSameAsPlainLoop(AutoregressiveTransform t, int n, String what) {
        DType dtype = DType.FLOAT64;
        Rng rng = new Rng(11);
        Variable z = Variable.constant(Tensor.randn(rng, dtype, n, t.features()));
        Variable ctx = input(rng, dtype, n, t.contextFeatures());
        Transformed plain = t.inverse(z, ctx);
        Transformed fast = noGradInverse(t, z, ctx);
        assertClose(plain.output().value(), fast.output().value(), TOL64, what + " sample");
        assertClose(plain.logDet().value(), fast.logDet().value(), TOL64, what + " log-det");
        Transformed back;
        try (GradMode.Scope s = GradMode.noGrad()) {
            back = t.forward(fast.output(), ctx);
        }
        assertClose(z.value(), back.output().value(), 1e-9, what + " round trip");
    }

    @Test
    void affineMatchesThePlainLoopInEveryOrderWithAndWithoutContext() {
        for (int ctx : new int[] {0, 3}) {
            for (long seed = 1; seed <= 3; seed++) {
                int[] degrees = seed == 1 ? MADE.naturalOrder(6) : MADE.randomOrder(6, new Rng(seed));
                assertSameAsPlainLoop(build(6, ctx, new int[] {16, 16}, Activation.TANH, degrees,
                        new AffineTransformer(), DType.FLOAT64, seed), "maf ctx=" + ctx + " seed=" + seed);
            }
        }
    }

    @Test
    void splineMatchesThePlainLoopInEveryOrderWithAndWithoutContext() {
        for (int ctx : new int[] {0, 2}) {
            for (long seed = 4; seed <= 5; seed++) {
                int[] degrees = seed == 4 ? MADE.naturalOrder(5) : MADE.randomOrder(5, new Rng(seed));
                assertSameAsPlainLoop(build(5, ctx, new int[] {14, 11}, Activation.RELU, degrees, spline(),
                        DType.FLOAT64, seed), "nsf-ar ctx=" + ctx + " seed=" + seed);
            }
        }
    }

    @Test
    void narrowSeveralAndNoHiddenLayersMatchThePlainLoop() {
        int[][] shapes = {{3, 4}, {2}, {9, 7, 5}, {}};
        for (int ctx : new int[] {0, 2}) {
            for (int[] hidden : shapes) {
                String what = "hidden=" + java.util.Arrays.toString(hidden) + " ctx=" + ctx;
                assertSameAsPlainLoop(build(7, ctx, hidden, Activation.ELU, MADE.randomOrder(7, new Rng(8)),
                        new AffineTransformer(), DType.FLOAT64, 9), what);
                assertSameAsPlainLoop(build(4, ctx, hidden, Activation.TANH, MADE.naturalOrder(4), spline(),
                        DType.FLOAT64, 10), "spline " + what);
            }
        }
    }

    @Test
    void batchesOfSeveralChunksMatchThePlainLoop() {
        AutoregressiveTransform t = build(4, 2, new int[] {16, 16}, Activation.RELU, MADE.randomOrder(4, new Rng(20)),
                spline(), DType.FLOAT64, 21);
        int chunk = IncrementalMADE.chunkRows(t.made(), IncrementalInverse.CHUNK_ELEMENTS);
        assertSameAsPlainLoop(t, 2 * chunk + chunk / 3, "three chunks of " + chunk + " rows");
    }

    @Test
    void oneFeatureMatchesThePlainLoop() {
        for (int ctx : new int[] {0, 3}) {
            assertSameAsPlainLoop(build(1, ctx, new int[] {5, 5}, Activation.TANH, MADE.naturalOrder(1),
                    new AffineTransformer(), DType.FLOAT64, 12), "D=1 ctx=" + ctx);
        }
    }

    /** Largest absolute difference between two tensors of the same size. */
    private static double maxError(Tensor a, Tensor b) {
        double m = 0;
        for (int i = 0; i < a.numel(); i++) {
            m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
        }
        return m;
    }

    /**
     * In float32 the two inverses round differently, and a spline may amplify that, so both are compared with
     * the float64 inverse of the same parameters: the incremental one must be about as accurate as the loop.
     */
    private static void assertAsAccurateAsThePlainLoop(int ctx, ElementwiseTransformer transformer, String what) {
        AutoregressiveTransform t32 = build(8, ctx, new int[] {64, 64}, Activation.RELU,
                MADE.randomOrder(8, new Rng(13)), transformer, DType.FLOAT32, 14);
        AutoregressiveTransform t64 = build(8, ctx, new int[] {64, 64}, Activation.RELU,
                MADE.randomOrder(8, new Rng(13)), transformer, DType.FLOAT64, 14);
        t32.parameters().forEach((name, p) -> t64.parameters().get(name).value().copyFrom(p.value().to(DType.FLOAT64)));
        Rng rng = new Rng(19);
        Tensor z = Tensor.randn(rng, DType.FLOAT64, 128, 8);
        Tensor c = ctx == 0 ? null : Tensor.randn(rng, DType.FLOAT64, 128, ctx);
        Variable z32 = Variable.constant(z.to(DType.FLOAT32));
        Variable c32 = c == null ? null : Variable.constant(c.to(DType.FLOAT32));
        Transformed exact = t64.inverse(Variable.constant(z), c == null ? null : Variable.constant(c));
        Transformed plain = t32.inverse(z32, c32);
        Transformed fast = noGradInverse(t32, z32, c32);
        double plainError = maxError(exact.output().value(), plain.output().value());
        double fastError = maxError(exact.output().value(), fast.output().value());
        assertTrue(fastError <= 4 * plainError + 1e-6, () -> what + ": incremental error " + fastError
                + ", plain loop error " + plainError);
        double plainLogDet = maxError(exact.logDet().value(), plain.logDet().value());
        double fastLogDet = maxError(exact.logDet().value(), fast.logDet().value());
        assertTrue(fastLogDet <= 4 * plainLogDet + 1e-5, () -> what + ": incremental log-det error " + fastLogDet
                + ", plain loop error " + plainLogDet);
        assertClose(plain.output().value(), fast.output().value(), 1e-3, what + " sample");
    }

    @Test
    void float32IsAsAccurateAsThePlainLoop() {
        for (int ctx : new int[] {0, 4}) {
            assertAsAccurateAsThePlainLoop(ctx, new AffineTransformer(), "maf float32 ctx=" + ctx);
            assertAsAccurateAsThePlainLoop(ctx, spline(), "nsf-ar float32 ctx=" + ctx);
        }
    }

    @Test
    void anEmptyBatchGivesEmptyResults() {
        AutoregressiveTransform t = build(3, 1, new int[] {6}, Activation.TANH, MADE.naturalOrder(3),
                new AffineTransformer(), DType.FLOAT64, 22);
        Transformed r = noGradInverse(t, Variable.constant(Tensor.zeros(DType.FLOAT64, 0, 3)),
                Variable.constant(Tensor.zeros(DType.FLOAT64, 0, 1)));
        assertTrue(r.output().value().hasShape(0, 3), "output shape");
        assertTrue(r.logDet().value().hasShape(0), "log-det shape");
    }

    @Test
    void concurrentInversesGiveTheSequentialResults() throws Exception {
        AutoregressiveTransform t = build(6, 2, new int[] {24, 24}, Activation.RELU, MADE.randomOrder(6, new Rng(23)),
                spline(), DType.FLOAT64, 24);
        t.eval();
        int threads = 4;
        Variable[] z = new Variable[threads];
        Variable[] c = new Variable[threads];
        Tensor[] expected = new Tensor[threads];
        for (int i = 0; i < threads; i++) {
            Rng rng = new Rng(30 + i);
            z[i] = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 300 + 50 * i, 6));
            c[i] = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 300 + 50 * i, 2));
            expected[i] = noGradInverse(t, z[i], c[i]).output().value();
        }
        Tensor[] actual = new Tensor[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int k = i;
            workers[i] = new Thread(() -> {
                for (int rep = 0; rep < 5; rep++) {
                    actual[k] = noGradInverse(t, z[k], c[k]).output().value();
                }
            });
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        for (int i = 0; i < threads; i++) {
            assertClose(expected[i], actual[i], 0.0, "thread " + i);
        }
    }

    @Test
    void iafForwardWithoutGradientsMatchesThePlainLoop() {
        Rng rng = new Rng(16);
        InverseAutoregressive iaf = new InverseAutoregressive(build(5, 2, new int[] {10, 10}, Activation.TANH,
                MADE.randomOrder(5, new Rng(17)), new AffineTransformer(), DType.FLOAT64, 18));
        Variable x = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 32, 5));
        Variable ctx = input(rng, DType.FLOAT64, 32, 2);
        Transformed plain = iaf.forward(x, ctx);
        Transformed fast;
        try (GradMode.Scope s = GradMode.noGrad()) {
            fast = iaf.forward(x, ctx);
        }
        assertClose(plain.output().value(), fast.output().value(), TOL64, "iaf output");
        assertClose(plain.logDet().value(), fast.logDet().value(), TOL64, "iaf log-det");
    }
}
