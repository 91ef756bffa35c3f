package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradCheck;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.Elementwise;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.autoregressive.AutoregressiveTransform;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;
import org.junit.jupiter.api.Test;

/**
 * The conditioners' input squash {@code B tanh(x / B)}: values against {@code Math.tanh}, its backward rule
 * against central differences, and coupling and autoregressive transforms using it pass the checker, invert
 * (the incremental MADE inverse included) and give parameters that stop changing far outside the range.
 */
class ConditionerInputTest {
    @Test
    void squashesWithTheBoundAndLeavesInputAloneWithoutOne() {
        Tensor x = Tensor.of(new double[][] {{-30, -1, 0, 0.5, 2, 100}});
        Tensor y = new ConditionerInput(3).apply(x);
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(3 * Math.tanh(x.get(i) / 3), y.get(i), 1e-15);
            assertTrue(Math.abs(y.get(i)) <= 3);
        }
        assertTrue(ConditionerInput.none().apply(x) == x, "no copy without squashing");
        Variable v = Variable.constant(x);
        assertTrue(ConditionerInput.none().apply(v) == v);
    }

    @Test
    void backwardMatchesCentralDifferences() {
        Tensor x = Elementwise.map(Tensor.randn(new Rng(1), DType.FLOAT64, 4, 5), v -> 3 * v);
        GradCheck.Result r = GradCheck.check(in -> ReduceOps.sum(new ConditionerInput(2.5).apply(in[0])), x);
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void badBoundsAreRejected() {
        for (double b : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConditionerInput(b));
            assertTrue(e.getMessage().contains("got " + b), e.getMessage());
        }
    }

    private static AutoregressiveTransform maf(double bound, long seed) {
        MADE made = new MADE(4, 0, new int[] {16, 16}, 2, Activation.RELU, MADE.naturalOrder(4), true, DType.FLOAT64,
                new Rng(seed));
        return new AutoregressiveTransform(made, new AffineTransformer(), new ConditionerInput(bound));
    }

    private static CouplingTransform coupling(double bound, long seed) {
        return new CouplingTransform(CouplingMask.halfSplit(4, true), 0, new AffineTransformer(),
                ConditionerFactory.mlp(new int[] {16, 16}, Activation.RELU, DType.FLOAT64, new Rng(seed)),
                new ConditionerInput(bound), false);
    }

    private static void perturb(Transform t, double scale, long seed) {
        Rng rng = new Rng(seed);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, p.value().shape()),
                scale));
    }

    @Test
    void squashedTransformsPassTheChecker() {
        for (Transform t : new Transform[] {maf(2, 1), coupling(2, 2)}) {
            CheckReport r = new TransformChecker().parameterNoise(0.3).check(t);
            assertTrue(r.passed(), r::toString);
        }
    }

    @Test
    void theIncrementalInverseSquashesLikeTheForwardPass() {
        AutoregressiveTransform t = maf(1.5, 3);
        perturb(t, 0.5, 6);
        Variable x = Variable.constant(Elementwise.map(Tensor.randn(new Rng(4), DType.FLOAT64, 50, 4), v -> 3 * v));
        Transformed z = t.forward(x, null);
        Transformed back;
        try (GradMode.Scope s = GradMode.noGrad()) {
            back = t.inverse(z.output(), null);
        }
        for (int i = 0; i < x.value().numel(); i++) {
            assertEquals(x.value().get(i), back.output().value().get(i), 1e-9);
        }
        for (int r = 0; r < 50; r++) {
            assertEquals(-z.logDet().value().get(r), back.logDet().value().get(r), 1e-9);
        }
    }

    @Test
    void farOutsideTheRangeTheShiftStopsGrowing() {
        CouplingTransform squashed = coupling(3, 5);
        CouplingTransform plain = coupling(0, 5);
        perturb(squashed, 0.5, 7);
        perturb(plain, 0.5, 7);
        double[] growth = new double[2];
        CouplingTransform[] ts = {squashed, plain};
        for (int k = 0; k < 2; k++) {
            Tensor near = Tensor.of(new double[][] {{50, 50, 0, 0}});
            Tensor far = Tensor.of(new double[][] {{500, 500, 0, 0}});
            double a = ts[k].forward(Variable.constant(near), null).output().value().get(2);
            double b = ts[k].forward(Variable.constant(far), null).output().value().get(2);
            growth[k] = Math.abs(b - a);
        }
        assertTrue(growth[0] < 1e-6, "squashed: output moved by " + growth[0]);
        assertTrue(growth[1] > 1, "unsquashed ReLU conditioner extrapolates linearly: moved by " + growth[1]);
    }
}
