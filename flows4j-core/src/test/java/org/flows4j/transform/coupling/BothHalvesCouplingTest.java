package org.flows4j.transform.coupling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/**
 * A coupling layer that also transforms its pass-through half: starts as the identity, passes the checker
 * (Jacobian, log-det, inverse, parameter gradients) with affine and spline transformers once its weights
 * move, and its pass-through features depend only on themselves, through the free parameters.
 */
class BothHalvesCouplingTest {
    private static CouplingTransform layer(ElementwiseTransformer tau, int contextFeatures, long seed) {
        return new CouplingTransform(CouplingMask.halfSplit(5, true), contextFeatures, tau,
                ConditionerFactory.mlp(new int[] {12, 12}, Activation.RELU, DType.FLOAT64, new Rng(seed)),
                new ConditionerInput(3), true);
    }

    @Test
    void startsAsTheIdentity() {
        CouplingTransform t = layer(new AffineTransformer(), 0, 1);
        assertTrue(t.bothHalves());
        assertTrue(t.parameters().containsKey("pass_through"));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 7, 5);
        Transformed r = t.forward(Variable.constant(x), null);
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), r.output().value().get(i), 0.0);
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(0.0, r.logDet().value().get(i), 0.0);
        }
    }

    @Test
    void passesTheCheckerWithAffineAndSplineTransformers() {
        ElementwiseTransformer[] taus = {new AffineTransformer(), new RationalQuadraticTransformer(6, 3.0, 1e-3, 1e-3, 1e-3)};
        for (ElementwiseTransformer tau : taus) {
            for (int ctx : new int[] {0, 2}) {
                CheckReport r = new TransformChecker().parameterNoise(0.3).check(layer(tau, ctx, 3));
                assertTrue(r.passed(), tau.getClass().getSimpleName() + ", context " + ctx + ": " + r);
            }
        }
    }

    @Test
    void thePassThroughHalfDependsOnlyOnItself() {
        CouplingTransform t = layer(new AffineTransformer(), 0, 4);
        Rng rng = new Rng(5);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, p.value().shape()), 0.4));
        Tensor a = Tensor.randn(new Rng(6), DType.FLOAT64, 1, 5);
        Tensor b = a.copy();
        for (int j : t.mask().transformedFeatures()) {
            b.set(j, b.get(j) + 1.5);
        }
        Tensor ya = t.forward(Variable.constant(a), null).output().value();
        Tensor yb = t.forward(Variable.constant(b), null).output().value();
        boolean moved = false;
        for (int j : t.mask().identityFeatures()) {
            assertEquals(ya.get(j), yb.get(j), 0.0, "pass-through feature " + j);
            moved |= ya.get(j) != a.get(j);
        }
        assertTrue(moved, "the free parameters transform the pass-through half");
    }
}
