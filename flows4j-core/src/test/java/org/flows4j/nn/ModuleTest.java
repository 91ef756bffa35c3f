package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Parameter collection, state dicts, modes and registration rules of {@link Module}. */
class ModuleTest {
    /** A module with a parameter, a buffer and a child, to check collection order. */
    private static final class Holder extends Module {
        final Parameter scale;
        final Tensor count;
        final Linear inner;

        Holder(Rng rng) {
            scale = registerParameter("scale", Tensor.ones(DType.FLOAT64, 2));
            count = registerBuffer("count", Tensor.zeros(DType.FLOAT64, 1));
            inner = registerModule("inner", new Linear(2, 3, true, DType.FLOAT64, rng));
        }

        void register(String name, Module m) {
            registerModule(name, m);
        }

        void register(String name, Parameter p) {
            registerParameter(name, p);
        }
    }

    private static Map<String, List<Integer>> shapes(Map<String, Parameter> params) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            List<Integer> s = new ArrayList<>();
            for (int d : e.getValue().value().shape()) {
                s.add(d);
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    @Test
    void mlpParameterNamesShapesAndCount() {
        MLP mlp = new MLP(3, new int[] {5, 4}, 2, Activation.TANH, DType.FLOAT32, new Rng(1));
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        expected.put("layers.0.weight", List.of(5, 3));
        expected.put("layers.0.bias", List.of(5));
        expected.put("layers.1.weight", List.of(4, 5));
        expected.put("layers.1.bias", List.of(4));
        expected.put("layers.2.weight", List.of(2, 4));
        expected.put("layers.2.bias", List.of(2));
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(shapes(mlp.parameters()).entrySet()));
        assertEquals(15 + 5 + 20 + 4 + 8 + 2, mlp.numParameters());
        MLP withContext = new MLP(3, 2, new int[] {5}, 2, Activation.RELU, false, DType.FLOAT32, new Rng(1));
        assertEquals(List.of(5, 5), shapes(withContext.parameters()).get("layers.0.weight"));
        assertEquals(25 + 5 + 10 + 2, withContext.numParameters());
    }

    @Test
    void residualNetParameterNamesShapesAndCount() {
        ResidualNet net = new ResidualNet(3, 2, 4, 2, Activation.RELU, DType.FLOAT32, new Rng(1));
        List<String> names = new ArrayList<>(net.parameters().keySet());
        assertEquals(List.of("initial_layer.weight", "initial_layer.bias",
                "blocks.0.linear_layers.0.weight", "blocks.0.linear_layers.0.bias",
                "blocks.0.linear_layers.1.weight", "blocks.0.linear_layers.1.bias",
                "blocks.1.linear_layers.0.weight", "blocks.1.linear_layers.0.bias",
                "blocks.1.linear_layers.1.weight", "blocks.1.linear_layers.1.bias",
                "final_layer.weight", "final_layer.bias"), names);
        assertEquals(List.of(4, 3), shapes(net.parameters()).get("initial_layer.weight"));
        assertEquals(List.of(4, 4), shapes(net.parameters()).get("blocks.1.linear_layers.0.weight"));
        assertEquals(List.of(2, 4), shapes(net.parameters()).get("final_layer.weight"));
        assertEquals((12 + 4) + 2 * 2 * (16 + 4) + (8 + 2), net.numParameters());
    }

    @Test
    void ownPartsComeBeforeChildrenAndBuffersAreStateButNotParameters() {
        Holder h = new Holder(new Rng(2));
        assertEquals(List.of("scale", "inner.weight", "inner.bias"), new ArrayList<>(h.parameters().keySet()));
        assertEquals(List.of("scale", "count", "inner.weight", "inner.bias"), new ArrayList<>(h.stateDict().keySet()));
        assertEquals(2 + 6 + 3, h.numParameters());
    }

    @Test
    void stateDictRoundTripCopiesIntoTheSameTensors() {
        MLP a = new MLP(3, new int[] {6}, 2, Activation.TANH, DType.FLOAT64, new Rng(1));
        MLP b = new MLP(3, new int[] {6}, 2, Activation.TANH, DType.FLOAT64, new Rng(2));
        Tensor bWeight = b.parameters().get("layers.0.weight").value();
        Variable x = Variable.constant(Tensor.randn(new Rng(3), DType.FLOAT64, 4, 3));
        assertFalse(Arrays.equals(a.forward(x).value().doubleData(), b.forward(x).value().doubleData()));

        Map<String, Tensor> state = a.stateDict();
        b.loadStateDict(state);
        assertArrayEquals(a.forward(x).value().doubleData(), b.forward(x).value().doubleData(), 0.0);
        assertSame(bWeight, b.parameters().get("layers.0.weight").value());

        state.get("layers.0.weight").set(0, 123.0);
        assertNotSame(state.get("layers.0.weight"), a.parameters().get("layers.0.weight").value());
        assertTrue(a.parameters().get("layers.0.weight").value().get(0) != 123.0);
    }

    @Test
    void loadStateDictReportsMissingAndUnexpectedNames() {
        MLP mlp = new MLP(2, new int[] {3}, 1, Activation.TANH, DType.FLOAT64, new Rng(1));
        Map<String, Tensor> state = mlp.stateDict();
        state.remove("layers.1.bias");
        state.put("layers.1.biass", Tensor.zeros(DType.FLOAT64, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.loadStateDict(state));
        assertEquals("MLP.loadStateDict: names do not match; missing [layers.1.bias]; unexpected [layers.1.biass]; "
                + "expected [layers.0.weight, layers.0.bias, layers.1.weight, layers.1.bias]", e.getMessage());
    }

    @Test
    void loadStateDictReportsShapesAndChangesNothingOnError() {
        MLP mlp = new MLP(2, new int[] {3}, 1, Activation.TANH, DType.FLOAT64, new Rng(1));
        Map<String, Tensor> before = mlp.stateDict();
        Map<String, Tensor> state = mlp.stateDict();
        state.put("layers.0.bias", Tensor.ones(DType.FLOAT64, 3));
        state.put("layers.1.weight", Tensor.zeros(DType.FLOAT64, 3, 1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> mlp.loadStateDict(state));
        assertEquals("MLP.loadStateDict: shapes do not match: 'layers.1.weight' expected [1, 3], got [3, 1]",
                e.getMessage());
        assertArrayEquals(before.get("layers.0.bias").doubleData(),
                mlp.parameters().get("layers.0.bias").value().doubleData(), 0.0);
    }

    @Test
    void loadStateDictReportsDTypes() {
        MLP mlp = new MLP(2, new int[] {3}, 1, Activation.TANH, DType.FLOAT64, new Rng(1));
        Map<String, Tensor> state = mlp.stateDict();
        state.put("layers.0.weight", state.get("layers.0.weight").to(DType.FLOAT32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.loadStateDict(state));
        assertEquals("MLP.loadStateDict: dtypes do not match: 'layers.0.weight' expected FLOAT64, got FLOAT32 "
                + "(convert with Tensor.to(DType))", e.getMessage());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        ResidualNet net = new ResidualNet(2, 2, 4, 2, Activation.TANH, DType.FLOAT32, new Rng(1));
        assertTrue(net.isTraining());
        net.eval();
        List<Module> all = new ArrayList<>();
        collect(net, all);
        assertEquals(1 + 1 + 1 + 2 * (1 + 1 + 2) + 1, all.size());
        for (Module m : all) {
            assertFalse(m.isTraining(), m.toString());
        }
        net.train(true);
        for (Module m : all) {
            assertTrue(m.isTraining(), m.toString());
        }
    }

    private static void collect(Module m, List<Module> out) {
        out.add(m);
        for (Module c : m.children().values()) {
            collect(c, out);
        }
    }

    @Test
    void zeroGradClearsEveryGradient() {
        MLP mlp = new MLP(2, new int[] {3}, 1, Activation.TANH, DType.FLOAT64, new Rng(1));
        ReduceOps.sum(mlp.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT64, 5, 2)))).backward();
        for (Parameter p : mlp.parameters().values()) {
            assertNotNull(p.grad(), p.name());
        }
        mlp.zeroGrad();
        for (Parameter p : mlp.parameters().values()) {
            assertNull(p.grad(), p.name());
        }
    }

    @Test
    void frozenParametersReceiveNoGradient() {
        MLP mlp = new MLP(2, new int[] {3}, 1, Activation.TANH, DType.FLOAT64, new Rng(1));
        Parameter w0 = mlp.parameters().get("layers.0.weight");
        w0.setFrozen(true);
        ReduceOps.sum(mlp.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT64, 5, 2)))).backward();
        assertNull(w0.grad());
        assertNotNull(mlp.parameters().get("layers.0.bias").grad());
        assertEquals(13, mlp.numParameters());
    }

    @Test
    void sharedParameterIsListedOnceUnderTheFirstNameReached() {
        Holder h = new Holder(new Rng(1));
        h.register("tied", h.inner.weight());
        // own parameters are visited before children, so the tied name comes first
        assertEquals(List.of("scale", "tied", "inner.bias"), new ArrayList<>(h.parameters().keySet()));
        assertEquals(List.of("scale", "tied", "count", "inner.bias"), new ArrayList<>(h.stateDict().keySet()));
        assertEquals(11, h.numParameters());
    }

    @Test
    void registrationRejectsBadDuplicateAndCyclicNames() {
        Holder h = new Holder(new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.register("scale", new Parameter("x", Tensor.zeros(DType.FLOAT64, 1))));
        assertEquals("Holder: the name 'scale' is already registered", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.register("a.b", new Holder(new Rng(1))));
        assertThrows(IllegalArgumentException.class, () -> h.register("", new Holder(new Rng(1))));
        Holder child = new Holder(new Rng(1));
        h.register("child", child);
        e = assertThrows(IllegalArgumentException.class, () -> child.register("parent", h));
        assertEquals("Holder: registering 'parent' would make the module tree cyclic", e.getMessage());
    }
}
