package org.flows4j.transform.coupling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.nn.MLP;
import org.flows4j.nn.ResidualNet;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/**
 * {@link AffineCoupling} and {@link AdditiveCoupling}: the transform checker (with parameter noise, with and
 * without context, several masks and conditioners), identity at initialization, exact zero log-det of the
 * additive layer, and the affine output against the formula evaluated by hand from the conditioner.
 */
class CouplingTest {
    private static final int[] HIDDEN = {8, 8};
    private static final CouplingMask[] MASKS = {
        CouplingMask.alternating(5, true), CouplingMask.halfSplit(5, false),
        CouplingMask.of(new boolean[] {false, true, true, false, true})};

    private static void assertPasses(CouplingTransform t) {
        CheckReport r = new TransformChecker().parameterNoise(0.1).check(t);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void affineCouplingPassesTheCheckerWithAndWithoutContext() {
        Rng rng = new Rng(1);
        for (CouplingMask m : MASKS) {
            for (int ctx : new int[] {0, 3}) {
                assertPasses(new AffineCoupling(m, ctx, HIDDEN, Activation.TANH, DType.FLOAT64, rng));
            }
        }
    }

    @Test
    void additiveCouplingPassesTheCheckerWithAndWithoutContext() {
        Rng rng = new Rng(2);
        for (CouplingMask m : MASKS) {
            for (int ctx : new int[] {0, 3}) {
                assertPasses(new AdditiveCoupling(m, ctx, HIDDEN, Activation.RELU, DType.FLOAT64, rng));
            }
        }
    }

    @Test
    void anyNetworkCanBeTheConditioner() {
        Rng rng = new Rng(3);
        ConditionerFactory residual = (in, c, out) -> new ResidualNet(in, c, out, 8, 2, Activation.TANH, true,
                DType.FLOAT64, rng);
        assertPasses(new AffineCoupling(CouplingMask.alternating(4, false), 2, residual));
        assertPasses(new AdditiveCoupling(CouplingMask.halfSplit(2, true), 0, residual));
    }

    @Test
    void affineCouplingStartsAsTheIdentity() {
        AffineCoupling t = new AffineCoupling(CouplingMask.alternating(4, true), 2, HIDDEN, Activation.TANH,
                DType.FLOAT64, new Rng(4));
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 7, 4);
        Transformed r = t.forward(Variable.constant(x), Variable.constant(Tensor.randn(rng, DType.FLOAT64, 7, 2)));
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), r.output().value().get(i), 1e-12 * Math.max(1, Math.abs(x.get(i))));
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(0.0, r.logDet().value().get(i), 1e-12);
        }
    }

    @Test
    void additiveLogDetIsExactlyZeroAndIdentityFeaturesPassThroughUnchanged() {
        CouplingMask mask = CouplingMask.alternating(5, false);
        AdditiveCoupling t = new AdditiveCoupling(mask, 0, HIDDEN, Activation.TANH, DType.FLOAT64, new Rng(6));
        Rng noise = new Rng(7);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(noise, DType.FLOAT64,
                p.value().shape()), 0.5));
        Tensor x = Tensor.randn(new Rng(8), DType.FLOAT64, 6, 5);
        Transformed f = t.forward(Variable.constant(x));
        Transformed b = t.inverse(f.output());
        for (int i = 0; i < 6; i++) {
            assertEquals(0.0, f.logDet().value().get(i));
            assertEquals(0.0, b.logDet().value().get(i));
            for (int j : mask.identityFeatures()) {
                assertEquals(x.get(i * 5 + j), f.output().value().get(i * 5 + j));
            }
        }
        boolean moved = false;
        for (int i = 0; i < x.numel(); i++) {
            moved |= Math.abs(x.get(i) - f.output().value().get(i)) > 1e-3;
        }
        assertTrue(moved, "the perturbed layer should move the transformed features");
    }

    @Test
    void affineOutputFollowsTheFormulaFromTheConditionerOutput() {
        CouplingMask mask = CouplingMask.of(new boolean[] {true, false, true, false});
        Rng init = new Rng(9);
        MLP[] net = new MLP[1];
        ConditionerFactory f = (in, c, out) -> net[0] = new MLP(in, c, new int[] {6}, out, Activation.TANH, false,
                DType.FLOAT64, init);
        AffineCoupling t = new AffineCoupling(mask, 1, f);
        Rng rng = new Rng(10);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 4);
        Tensor ctx = Tensor.randn(rng, DType.FLOAT64, 5, 1);
        Tensor xA = Tensor.zeros(DType.FLOAT64, 5, 2);
        for (int i = 0; i < 5; i++) {
            xA.set(2 * i, x.get(4 * i + 1));
            xA.set(2 * i + 1, x.get(4 * i + 3));
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor theta = net[0].forward(Variable.constant(xA), Variable.constant(ctx)).value();
            Transformed r = t.forward(Variable.constant(x), Variable.constant(ctx));
            for (int i = 0; i < 5; i++) {
                double logDet = 0;
                int[] b = {0, 2};
                for (int k = 0; k < 2; k++) {
                    double shift = theta.get(i * 4 + 2 * k);
                    double logScale = 3.0 * Math.tanh(theta.get(i * 4 + 2 * k + 1) / 3.0);
                    double scale = Math.exp(logScale);
                    logDet += logScale;
                    assertEquals(x.get(4 * i + b[k]) * scale + shift, r.output().value().get(4 * i + b[k]), 1e-12);
                }
                assertEquals(x.get(4 * i + 1), r.output().value().get(4 * i + 1));
                assertEquals(x.get(4 * i + 3), r.output().value().get(4 * i + 3));
                assertEquals(logDet, r.logDet().value().get(i), 1e-12);
            }
        }
    }

    @Test
    void aConditionerOfTheWrongSizeIsRejected() {
        ConditionerFactory wrong = (in, c, out) -> new MLP(in, c, new int[] {4}, out + 1, Activation.TANH, true,
                DType.FLOAT64, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AffineCoupling(CouplingMask.alternating(4, true), 0, wrong));
        assertTrue(e.getMessage().contains("AffineCoupling") && e.getMessage().contains("to 4 outputs")
                && e.getMessage().contains("and 5"), e.getMessage());
    }
}
