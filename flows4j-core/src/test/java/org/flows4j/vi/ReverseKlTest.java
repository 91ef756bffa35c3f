package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Sampled;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReverseKlTest {
    private static final double[] MU = {0.7, -0.4};
    private static final double[][] CHOL = {{1.1, 0}, {0.6, 0.5}};

    private static Flow realnvp(long seed) {
        Flow f = Flows.build(FlowSpec.defaults("realnvp", 2).withLayers(2).withHidden(8, 8).withDtype(DType.FLOAT64)
                .withSeed(seed));
        TestTargets.perturb(f, seed + 100, 0.1);
        return f;
    }

    /** A RealNVP without kinks (tanh hidden units, tanh log-scales), for finite differences. */
    private static Flow smoothRealnvp(long seed) {
        Flow f = Flows.build(new FlowSpec("realnvp", 2, 0, 2, new int[] {8, 8}, Activation.TANH, 8, 4.0, false,
                DType.FLOAT64, seed).withAffineScale("tanh"));
        TestTargets.perturb(f, seed + 100, 0.1);
        return f;
    }

    private static Target target() {
        return TestTargets.gaussian(MU, CHOL, 0.4, DType.FLOAT64);
    }

    /** Every parameter's gradient, flattened, in parameter order (0 for a parameter without one). */
    private static double[] gradients(Flow q) {
        List<Double> out = new ArrayList<>();
        for (Parameter p : q.parameters().values()) {
            for (int i = 0; i < p.numel(); i++) {
                out.add(p.grad() == null ? 0.0 : p.grad().get(i));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void lossAndElboAreTheirDefinitionsOnTheStepsSamples() {
        Flow q = realnvp(1);
        Target p = target();
        KlEstimate e = new ReverseKl(q, p, 1, false).backwardAt(0, 64, 0.3, new Rng(11));
        double[] lq;
        double[] lp;
        try (GradMode.Scope s = GradMode.noGrad()) {
            Sampled x = q.sampleAndLogProb(64, new Rng(11).split());
            lq = x.logProb().value().toDoubleArray();
            lp = p.logDensity(x.samples()).value().toDoubleArray();
        }
        double loss = 0;
        double elbo = 0;
        for (int i = 0; i < 64; i++) {
            loss += (lq[i] - 0.3 * lp[i]) / 64;
            elbo += (lp[i] - lq[i]) / 64;
        }
        assertEquals(loss, e.loss(), 1e-12);
        assertEquals(elbo, e.elbo(), 1e-12);
        assertEquals(0.3, e.beta(), 0.0);
        assertEquals(new SampleCounts(64, 0, 0, 0), e.counts());
        assertFalse(e.refused());
    }

    /** The loss with the noise held fixed is a smooth function of the parameters: its gradient is the step's. */
    @Test
    void theGradientThroughTheSamplesMatchesFiniteDifferences() {
        Flow q = smoothRealnvp(2);
        ReverseKl kl = new ReverseKl(q, target(), 2, false);
        kl.backwardAt(0, 32, 0.7, new Rng(12));
        double[] g = gradients(q);
        int k = 0;
        int checked = 0;
        double h = 1e-5;
        for (Parameter p : q.parameters().values()) {
            for (int i = 0; i < p.numel(); i++, k++) {
                if (k % 5 != 0) {
                    continue;
                }
                double v = p.value().get(i);
                p.value().set(i, v + h);
                double up = kl.backwardAt(0, 32, 0.7, new Rng(12)).loss();
                p.value().set(i, v - h);
                double down = kl.backwardAt(0, 32, 0.7, new Rng(12)).loss();
                p.value().set(i, v);
                assertEquals((up - down) / (2 * h), g[k], 1e-6 * Math.max(1, Math.abs(g[k])), "parameter element " + k);
                checked++;
            }
        }
        assertTrue(checked > 20, "checked " + checked);
    }

    /**
     * Sticking the landing drops exactly the score term: full - STL = (1/n) sum_i d/dtheta log q_theta(x_i) at the
     * step's samples held fixed.
     */
    @Test
    void stickingTheLandingIsTheFullGradientMinusTheScoreTerm() {
        Flow q = realnvp(3);
        Target p = target();
        new ReverseKl(q, p, 2, false).backwardAt(0, 64, 1.0, new Rng(13));
        double[] full = gradients(q);
        new ReverseKl(q, p, 2, true).backwardAt(0, 64, 1.0, new Rng(13));
        double[] stl = gradients(q);
        q.zeroGrad();
        Rng rng = new Rng(13);
        for (int s = 0; s < 2; s++) {
            Tensor x;
            try (GradMode.Scope g = GradMode.noGrad()) {
                x = q.sample(32, rng.split()).value();
            }
            ArithmeticOps.mulScalar(ReduceOps.sum(q.logProb(Variable.constant(x))), 1.0 / 64).backward();
        }
        double[] score = gradients(q);
        double norm = 0;
        for (int k = 0; k < full.length; k++) {
            assertEquals(score[k], full[k] - stl[k], 1e-10 * Math.max(1, Math.abs(full[k])), "parameter element " + k);
            norm += score[k] * score[k];
        }
        assertTrue(norm > 1e-6, "the score term must not vanish here, or the test shows nothing: " + norm);
    }

    /**
     * When q equals p up to Z, log q - log p~ = -log Z for every x: the STL gradient of every batch is 0 (zero
     * variance at the optimum), while the full estimator still carries the score term's noise.
     */
    @Test
    void atTheOptimumTheStlGradientIsZeroForEveryBatch() {
        double[] shift = {0.4, -0.3};
        double[] logScale = {-0.2, 0.5};
        Flow q = TestTargets.affineFlow(shift, logScale);
        Target p = TestTargets.affineFlowTarget(shift, logScale, 0.9);
        ReverseKl stl = new ReverseKl(q, p, 2, true);
        ReverseKl full = new ReverseKl(q, p, 2, false);
        for (long seed = 1; seed <= 3; seed++) {
            KlEstimate e = stl.backwardAt(seed, 50, 1.0, new Rng(seed));
            assertEquals(-0.9, e.loss(), 1e-12);
            assertEquals(0.9, e.elbo(), 1e-12);
            for (double g : gradients(q)) {
                assertEquals(0.0, g, 1e-12, "seed " + seed);
            }
            full.backwardAt(seed, 50, 1.0, new Rng(seed));
            double norm = 0;
            for (double g : gradients(q)) {
                norm += g * g;
            }
            assertTrue(Math.sqrt(norm) > 1e-3, "seed " + seed + ": the full gradient's norm " + Math.sqrt(norm));
        }
    }

    /**
     * {@code -|x|^2 / 2 + sqrt(x_0 + 1) / 10}, NaN for {@code x_0 < -1} (with a NaN derivative there, so a row left
     * out by a zero weight would still poison the gradient), {@code +inf} for {@code x_1 > 1.5}, {@code -inf} for
     * {@code x_1 < -1.5}.
     */
    private static final class Holes implements Target {
        @Override
        public int features() {
            return 2;
        }

        @Override
        public Variable logDensity(Variable x) {
            int n = x.size(0);
            Tensor posInf = Tensor.zeros(DType.FLOAT64, n);
            Tensor negInf = Tensor.zeros(DType.FLOAT64, n);
            for (int i = 0; i < n; i++) {
                posInf.set(i, x.value().at(i, 1) > 1.5 ? 1 : 0);
                negInf.set(i, x.value().at(i, 1) < -1.5 ? 1 : 0);
            }
            Variable inf = Variable.constant(Tensor.full(DType.FLOAT64, Double.POSITIVE_INFINITY, n));
            Variable minusInf = Variable.constant(Tensor.full(DType.FLOAT64, Double.NEGATIVE_INFINITY, n));
            return IndexOps.where(posInf, inf, IndexOps.where(negInf, minusInf, body(x, 0)));
        }

        /** The finite part, with {@code x_0 + 1} clamped below at {@code floor} (0: not clamped). */
        static Variable body(Variable x, double floor) {
            Variable shifted = ArithmeticOps.addScalar(IndexOps.slice(x, 1, 0, 1), 1.0);
            Variable root = ArithmeticOps.sqrt(floor > 0 ? ArithmeticOps.clamp(shifted, floor, Double.MAX_VALUE) : shifted);
            return ArithmeticOps.add(ArithmeticOps.mulScalar(ReduceOps.sum(ArithmeticOps.square(x), 1, false), -0.5),
                    ArithmeticOps.mulScalar(ReduceOps.sum(root, 1, false), 0.1));
        }
    }

    /**
     * The step's loss and gradient are those of the mean over the usable samples alone, computed here with a mask
     * over a version of the target that is finite everywhere and equal on the usable samples.
     */
    @Test
    void badTargetValuesAreLeftOutOfTheLossAndItsGradientAndCounted() {
        Flow q = realnvp(4);
        KlEstimate e = new ReverseKl(q, new Holes(), 2, false).backwardAt(0, 400, 1.0, new Rng(14));
        double[] got = gradients(q);

        Rng rng = new Rng(14);
        q.zeroGrad();
        int[] kinds = new int[4];
        Variable total = null;
        for (int s = 0; s < 2; s++) {
            Sampled x = q.sampleAndLogProb(200, rng.split());
            Tensor lp = new Holes().logDensity(x.samples().detach()).value();
            Tensor usable = Tensor.zeros(DType.FLOAT64, 200);
            for (int i = 0; i < 200; i++) {
                double v = lp.get(i);
                int kind = Double.isNaN(v) || v == Double.POSITIVE_INFINITY ? 2 : v == Double.NEGATIVE_INFINITY ? 3 : 0;
                kinds[kind]++;
                usable.set(i, kind == 0 ? 1 : 0);
            }
            Variable rowLoss = ArithmeticOps.sub(x.logProb(), Holes.body(x.samples(), 1e-12));
            Variable part = ReduceOps.sum(ArithmeticOps.mul(rowLoss, Variable.constant(usable)));
            total = total == null ? part : ArithmeticOps.add(total, part);
        }
        int usableRows = kinds[0];
        assertTrue(kinds[2] > 20 && kinds[3] > 5 && usableRows > 200, "kinds " + Arrays.toString(kinds));
        assertEquals(new SampleCounts(400, 0, kinds[2], kinds[3]), e.counts());
        assertFalse(e.refused());
        Variable expectedLoss = ArithmeticOps.mulScalar(total, 1.0 / usableRows);
        assertEquals(expectedLoss.value().item(), e.loss(), 1e-12, "the mean over the usable samples only");
        expectedLoss.backward();
        double[] expected = gradients(q);
        for (int k = 0; k < got.length; k++) {
            assertEquals(expected[k], got[k], 1e-10 * Math.max(1, Math.abs(expected[k])), "parameter element " + k);
        }
    }

    @Test
    void aStepWithMoreThanHalfItsSamplesBadIsRefusedAndKeepsNoGradient() {
        Flow q = realnvp(5);
        Target mostlyNan = TestTargets.of(2, Double.NaN, x -> TestTargets.logOfFirstPlus(x, -0.5));
        KlEstimate e = new ReverseKl(q, mostlyNan, 2, false).backwardAt(0, 200, 1.0, new Rng(15));
        assertTrue(e.refused(), e.toString());
        assertTrue(e.counts().invalid() > 100, e.toString());
        assertTrue(Double.isFinite(e.loss()), "the loss over the usable samples is still reported: " + e);
        for (Parameter p : q.parameters().values()) {
            assertNull(p.grad(), "a refused step keeps no gradient");
        }
    }

    @Test
    void aTargetOfTheWrongShapeOrSizeIsRefusedNamingBoth() {
        Flow q = realnvp(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReverseKl(q, TestTargets.gaussian(new double[3], new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
                        0, DType.FLOAT64), 1, false));
        assertTrue(e.getMessage().contains("3 features") && e.getMessage().contains("has 2"), e.getMessage());
        Target rows = TestTargets.of(2, Double.NaN, x -> ReduceOps.sum(x, 0, false));
        ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
                () -> new ReverseKl(q, rows, 1, false).backwardAt(0, 10, 1.0, new Rng(1)));
        assertTrue(s.getMessage().contains("[10]") && s.getMessage().contains("[2]"), s.getMessage());
    }
}
