package org.flows4j.transform.autoregressive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.AdditiveTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskedAffineAutoregressive} and {@link InverseAutoregressive}: the transform checker (natural and
 * random orders, with and without context), the round trip through the D-pass inverse, the output against
 * the affine formula applied to the MADE's outputs, the IAF as the exact mirror of its MAF, identity at init.
 */
class AutoregressiveTest {
    private static final int[] HIDDEN = {12, 12};

    private static void addNoise(Transform t, double scale, long seed) {
        Rng rng = new Rng(seed);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, p.value().shape()),
                scale));
    }

    private static void assertPasses(Transform t) {
        CheckReport r = new TransformChecker().parameterNoise(0.1).check(t);
        assertTrue(r.passed(), r::toString);
    }

    private static MaskedAffineAutoregressive maf(int d, int ctx, int[] degrees, long seed) {
        return new MaskedAffineAutoregressive(d, ctx, HIDDEN, Activation.TANH, degrees, DType.FLOAT64, new Rng(seed));
    }

    @Test
    void mafPassesTheCheckerInNaturalAndRandomOrderWithAndWithoutContext() {
        for (int ctx : new int[] {0, 3}) {
            assertPasses(maf(5, ctx, MADE.naturalOrder(5), 1));
            assertPasses(maf(5, ctx, MADE.randomOrder(5, new Rng(2)), 3));
        }
        assertPasses(maf(1, 2, MADE.naturalOrder(1), 4));
    }

    @Test
    void iafPassesTheCheckerWithAndWithoutContext() {
        for (int ctx : new int[] {0, 3}) {
            assertPasses(InverseAutoregressive.affine(4, ctx, HIDDEN, Activation.TANH, MADE.randomOrder(4, new Rng(5)),
                    DType.FLOAT64, new Rng(6)));
        }
    }

    @Test
    void anotherTransformerPlugsIntoTheSameBase() {
        MADE made = new MADE(4, 2, HIDDEN, 1, Activation.TANH, MADE.naturalOrder(4), true, DType.FLOAT64, new Rng(7));
        assertPasses(new AutoregressiveTransform(made, new AdditiveTransformer()));
    }

    @Test
    void inverseUndoesForwardForAPerturbedMafWithContext() {
        MaskedAffineAutoregressive t = maf(6, 2, MADE.randomOrder(6, new Rng(8)), 9);
        addNoise(t, 0.3, 10);
        Rng rng = new Rng(11);
        Variable x = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 8, 6));
        Variable c = Variable.constant(Tensor.randn(rng, DType.FLOAT64, 8, 2));
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed f = t.forward(x, c);
            Transformed b = t.inverse(f.output(), c);
            double moved = 0;
            for (int i = 0; i < x.value().numel(); i++) {
                assertEquals(x.value().get(i), b.output().value().get(i), 1e-10);
                moved = Math.max(moved, Math.abs(x.value().get(i) - f.output().value().get(i)));
            }
            assertTrue(moved > 1e-2, "the perturbed layer should not be the identity, max |z - x| = " + moved);
            for (int i = 0; i < 8; i++) {
                assertEquals(-f.logDet().value().get(i), b.logDet().value().get(i), 1e-10);
            }
        }
    }

    @Test
    void mafOutputIsTheAffineFormulaOfTheMadeOutputs() {
        MaskedAffineAutoregressive t = maf(3, 1, new int[] {2, 3, 1}, 12);
        addNoise(t, 0.3, 13);
        Rng rng = new Rng(14);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        Tensor c = Tensor.randn(rng, DType.FLOAT64, 4, 1);
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor theta = t.made().forward(Variable.constant(x), Variable.constant(c)).value();
            Transformed r = t.forward(Variable.constant(x), Variable.constant(c));
            for (int i = 0; i < 4; i++) {
                double logDet = 0;
                for (int k = 0; k < 3; k++) {
                    double shift = theta.get(i * 6 + 2 * k);
                    double logScale = 3.0 * Math.tanh(theta.get(i * 6 + 2 * k + 1) / 3.0);
                    double scale = Math.exp(logScale);
                    logDet += logScale;
                    assertEquals(x.get(i * 3 + k) * scale + shift, r.output().value().get(i * 3 + k), 1e-12);
                }
                assertEquals(logDet, r.logDet().value().get(i), 1e-12);
            }
        }
    }

    @Test
    void iafDirectionsAreTheMafDirectionsSwapped() {
        MaskedAffineAutoregressive base = maf(4, 0, MADE.naturalOrder(4), 15);
        addNoise(base, 0.3, 16);
        InverseAutoregressive iaf = new InverseAutoregressive(base);
        Variable x = Variable.constant(Tensor.randn(new Rng(17), DType.FLOAT64, 5, 4));
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed slow = base.inverse(x);
            Transformed fast = base.forward(x);
            assertArrayEquals(slow.output().value().doubleData(), iaf.forward(x).output().value().doubleData());
            assertArrayEquals(slow.logDet().value().doubleData(), iaf.forward(x).logDet().value().doubleData());
            assertArrayEquals(fast.output().value().doubleData(), iaf.inverse(x).output().value().doubleData());
            assertArrayEquals(fast.logDet().value().doubleData(), iaf.inverse(x).logDet().value().doubleData());
        }
        assertEquals(base, iaf.base());
    }

    @Test
    void mafStartsAsTheIdentity() {
        MaskedAffineAutoregressive t = maf(4, 2, MADE.randomOrder(4, new Rng(18)), 19);
        Rng rng = new Rng(20);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 4);
        Transformed r = t.inverse(Variable.constant(x), Variable.constant(Tensor.randn(rng, DType.FLOAT64, 5, 2)));
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), r.output().value().get(i), 1e-12);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(0.0, r.logDet().value().get(i), 1e-12);
        }
    }

    @Test
    void aMadeWithTheWrongNumberOfOutputsIsRejected() {
        MADE made = new MADE(3, new int[] {4}, 3, Activation.TANH, DType.FLOAT64, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AutoregressiveTransform(made, new AdditiveTransformer()));
        assertTrue(e.getMessage().contains("AutoregressiveTransform")
                && e.getMessage().contains("1 outputs per feature") && e.getMessage().contains("got 3"),
                e.getMessage());
    }
}
