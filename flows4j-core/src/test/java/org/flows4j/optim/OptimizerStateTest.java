package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Checkpointing an optimizer's state, skipping parameters, and the state's error messages. */
class OptimizerStateTest {
    private static final Tensor X = Tensor.randn(new Rng(1), DType.FLOAT32, 16, 3);
    private static final Tensor Y = Tensor.randn(new Rng(2), DType.FLOAT32, 16, 2);

    private static MLP model() {
        return new MLP(3, new int[] {8}, 2, Activation.TANH, DType.FLOAT32, new Rng(3));
    }

    private static void train(MLP mlp, Optimizer opt, int steps) {
        for (int t = 0; t < steps; t++) {
            opt.setLearningRate(new Cosine(0.01, 10, 0.001).lr(opt.steps()));
            opt.zeroGrad();
            Variable pred = mlp.forward(Variable.constant(X));
            ReduceOps.mean(ArithmeticOps.square(ArithmeticOps.sub(pred, Variable.constant(Y)))).backward();
            opt.step();
        }
    }

    private static void resumesExactly(Function<Map<String, Parameter>, Optimizer> make) {
        MLP a = model();
        Optimizer optA = make.apply(a.parameters());
        train(a, optA, 3);
        Map<String, Tensor> weights = a.stateDict();
        Map<String, Object> state = optA.state();
        train(a, optA, 2);

        MLP b = new MLP(3, new int[] {8}, 2, Activation.TANH, DType.FLOAT32, new Rng(99));
        Optimizer optB = make.apply(b.parameters());
        b.loadStateDict(weights);
        optB.loadState(state);
        assertEquals(3, optB.steps());
        train(b, optB, 2);
        Map<String, Tensor> wa = a.stateDict();
        Map<String, Tensor> wb = b.stateDict();
        for (String name : wa.keySet()) {
            assertArrayEquals(wa.get(name).floatData(), wb.get(name).floatData(), 0.0f, name);
        }
        assertEquals(optA.state().keySet(), optB.state().keySet());
    }

    @Test
    void adamResumesBitForBit() {
        resumesExactly(p -> new Adam(p, 0.01));
    }

    @Test
    void adamWResumesBitForBit() {
        resumesExactly(p -> new AdamW(p, 0.01, 0.9, 0.999, 1e-8, 0.1));
    }

    @Test
    void sgdResumesBitForBit() {
        resumesExactly(p -> new SGD(p, 0.01, 0.9, 1e-3, true));
    }

    @Test
    void stateHoldsPlainValuesAndCopies() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        Adam adam = new Adam(Quadratic.named(p), 0.1);
        Quadratic.backward(p, 1.0, 3.0);
        adam.step();
        Map<String, Object> s = adam.state();
        assertEquals(List.of("lr", "steps", "exp_avg.p", "exp_avg_sq.p", "step.p"), new ArrayList<>(s.keySet()));
        assertEquals(0.1, s.get("lr"));
        assertEquals(1L, s.get("steps"));
        assertEquals(1L, s.get("step.p"));
        Tensor m = (Tensor) s.get("exp_avg.p");
        assertEquals(0.1, m.get(0), 1e-15);
        assertEquals(-0.6, m.get(1), 1e-15);
        m.set(0, 42.0);
        assertEquals(0.1, ((Tensor) adam.state().get("exp_avg.p")).get(0), 1e-15);
    }

    @Test
    void countersMayComeBackAsOtherNumberTypes() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        Adam adam = new Adam(Quadratic.named(p), 0.1);
        Map<String, Object> s = adam.state();
        s.put("steps", 7.0);
        s.put("step.p", 7);
        s.put("lr", 0.5f);
        adam.loadState(s);
        assertEquals(7, adam.steps());
        assertEquals(0.5, adam.learningRate(), 0.0);
    }

    @Test
    void loadStateNamesWhatIsWrongAndChangesNothing() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        Adam adam = new Adam(Quadratic.named(p), 0.1);
        Map<String, Object> good = adam.state();

        Map<String, Object> missing = new LinkedHashMap<>(good);
        missing.remove("exp_avg_sq.p");
        missing.put("momentum.p", Tensor.zeros(DType.FLOAT64, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(missing));
        assertEquals("Adam.loadState: keys do not match; missing [exp_avg_sq.p]; unexpected [momentum.p]",
                e.getMessage());

        Map<String, Object> shape = new LinkedHashMap<>(good);
        shape.put("exp_avg.p", Tensor.zeros(DType.FLOAT64, 3));
        e = assertThrows(ShapeMismatchException.class, () -> adam.loadState(shape));
        assertEquals("Adam.loadState: 'exp_avg.p' expected shape [2], got [3]", e.getMessage());

        Map<String, Object> dtype = new LinkedHashMap<>(good);
        dtype.put("exp_avg.p", Tensor.ones(DType.FLOAT32, 2));
        dtype.put("lr", 0.7);
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(dtype));
        assertEquals("Adam.loadState: 'exp_avg.p' expected dtype FLOAT64, got FLOAT32", e.getMessage());
        assertEquals(0.1, adam.learningRate(), 0.0);

        Map<String, Object> type = new LinkedHashMap<>(good);
        type.put("step.p", Tensor.zeros(DType.FLOAT64, 1));
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(type));
        assertEquals("Adam.loadState: 'step.p' expected a number, got Tensor", e.getMessage());

        Map<String, Object> fraction = new LinkedHashMap<>(good);
        fraction.put("steps", 2.5);
        assertThrows(IllegalArgumentException.class, () -> adam.loadState(fraction));
    }

    @Test
    void parametersWithoutGradientOrFrozenAreSkipped() {
        Parameter used = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        Parameter unused = Quadratic.param(DType.FLOAT64, 5.0);
        Parameter frozen = Quadratic.param(DType.FLOAT64, 7.0);
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("used", used);
        params.put("unused", unused);
        params.put("frozen", frozen);
        Adam adam = new Adam(params, 0.1);
        Quadratic.backward(frozen, 1.0);
        frozen.setFrozen(true);
        assertNull(frozen.grad());
        Quadratic.backward(used, 1.0, 3.0);
        adam.step();
        assertEquals(5.0, unused.value().get(0), 0.0);
        assertEquals(7.0, frozen.value().get(0), 0.0);
        assertTrue(used.value().get(0) < 1.0);
        Map<String, Object> s = adam.state();
        assertEquals(1L, s.get("step.used"));
        assertEquals(0L, s.get("step.unused"));
        assertEquals(0.0, ((Tensor) s.get("exp_avg.unused")).get(0), 0.0);
    }

    @Test
    void zeroGradClearsEveryGradientAndLearningRateIsValidated() {
        Parameter p = Quadratic.param(DType.FLOAT64, 1.0, -2.0);
        SGD sgd = new SGD(Quadratic.named(p), 0.1, 0.0, 0.0);
        Quadratic.backward(p, 1.0, 1.0);
        sgd.zeroGrad();
        assertNull(p.grad());
        sgd.step();
        assertEquals(1.0, p.value().get(0), 0.0);
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(Double.POSITIVE_INFINITY));
    }
}
