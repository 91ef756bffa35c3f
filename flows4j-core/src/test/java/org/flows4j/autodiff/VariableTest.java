package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class VariableTest {
    private static Variable param(double... v) {
        return Variable.parameter(Tensor.of(v, v.length));
    }

    @Test
    void chainRuleThroughSharedSubexpression() {
        Variable x = param(2.0, 3.0);
        Variable y = ArithmeticOps.mul(x, x);           // x^2
        Variable z = ArithmeticOps.add(y, x);            // x^2 + x
        z.backward(Tensor.ones(DType.FLOAT64, 2));
        assertEquals(5.0, x.grad().get(0), 1e-12);       // 2x + 1
        assertEquals(7.0, x.grad().get(1), 1e-12);
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Variable x = param(1.5);
        ArithmeticOps.mulScalar(x, 3.0).backward();
        ArithmeticOps.mulScalar(x, 3.0).backward();
        assertEquals(6.0, x.grad().item(), 0.0);
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void nonScalarBackwardWithoutSeedIsAClearError() {
        Variable x = param(1.0, 2.0);
        Variable y = ArithmeticOps.mulScalar(x, 2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Variable x = param(1.0);
        Variable y;
        try (GradMode.Scope s = GradMode.noGrad()) {
            y = ArithmeticOps.mulScalar(x, 2.0);
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
    }

    @Test
    void graphIsReleasedAfterBackwardUnlessRetained() {
        Variable x = param(1.0, 2.0);
        Variable y = ArithmeticOps.mul(x, x);
        Tensor seed = Tensor.ones(DType.FLOAT64, 2);
        y.backward(seed, true);
        y.backward(seed);
        assertEquals(4.0, x.grad().get(0), 0.0);
        assertThrows(IllegalStateException.class, () -> y.backward(seed));
    }

    @Test
    void broadcastGradientIsSummedToOperandShape() {
        Variable a = Variable.parameter(Tensor.randn(new Rng(1), DType.FLOAT64, 3, 4));
        Variable b = Variable.parameter(Tensor.randn(new Rng(2), DType.FLOAT64, 1, 4));
        ArithmeticOps.add(a, b).backward(Tensor.ones(DType.FLOAT64, 3, 4));
        for (int j = 0; j < 4; j++) {
            assertEquals(3.0, b.grad().get(j), 0.0);
        }
    }

    @Test
    void gradCheckPassesForArithmeticAndCatchesAWrongRule() {
        Rng rng = new Rng(3);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, 3, 4);
        Tensor b = Tensor.rand(rng, DType.FLOAT64, 0.5, 2.0, 4);
        assertTrue(GradCheck.check(v -> ArithmeticOps.div(ArithmeticOps.mul(v[0], v[1]), ArithmeticOps.sub(v[1],
                ArithmeticOps.addScalar(v[0], 10.0))), a, b).passed());
        GradCheck.Result wrong = GradCheck.check(v -> Variable.fromOp("badSquare",
                org.flows4j.tensor.kernel.Elementwise.map(v[0].value(), x -> x * x), g -> new Tensor[] {g}, v[0]), a);
        assertFalse(wrong.passed(), wrong.toString());
    }
}
