package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.nn.UnregisteredPartException;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered part type and every preset: describe, rebuild, load the state dict, same log-densities. */
class PartsRoundTripTest {
    private static final int D = 3;

    static Stream<String> typesWithExamples() {
        return Parts.types().stream().filter(t -> t.example() != null).map(Parts.Type::name);
    }

    /** The example of {@code type} as a flow: a transform over a standard normal, a distribution as it is. */
    static Flow exampleFlow(String type) {
        Object e = Parts.type(type).example().apply(D);
        if (e instanceof Flow f) {
            return f;
        }
        if (e instanceof Transform t) {
            return new Flow(t, new StandardNormal(D, DType.FLOAT64));
        }
        return new Flow(Examples.mixing(D), (Distribution) e);
    }

    /** Rows spread over [-3, 3]^D, in and out of the spline's interval. */
    static double[][] points() {
        Rng rng = new Rng(9);
        double[][] x = new double[40][D];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] = 3 * (2 * rng.nextDouble() - 1);
            }
        }
        return x;
    }

    static Flow rebuilt(Flow f) {
        PartConfig c = Parts.describe(f);
        Flow g = Parts.build(c, Flow.class);
        g.loadStateDict(f.stateDict());
        return g;
    }

    static Stream<String> kinds() {
        return FlowSpec.KINDS.stream();
    }

    @Test
    void everyBuiltInTypeHasAnExample() {
        List<String> without = Parts.types().stream().filter(t -> t.example() == null).map(Parts.Type::name).toList();
        assertEquals(List.of(), without);
        assertTrue(Parts.types().size() >= 14, "types: " + Parts.types().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typesWithExamples")
    void exampleRebuildsWithTheSameLogDensities(String type) {
        Flow f = exampleFlow(type);
        f.eval();
        String config = Parts.describe(f).toString();
        assertTrue(config.contains(type), config);
        Flow g = rebuilt(f);
        g.eval();
        assertEquals(Parts.describe(f), Parts.describe(g));
        double[][] x = points();
        assertArrayEquals(f.logProb(x), g.logProb(x));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void presetsRebuildWithTheSameLogDensities(String kind) {
        FlowSpec spec = FlowSpec.defaults(kind, D).withLayers(2).withHidden(8).withLuMixing(true).withDropout(0.1)
                .withSeed(3);
        Flow f = Examples.perturbed(Flows.build(spec));
        f.eval();
        Flow g = rebuilt(f);
        g.eval();
        double[][] x = points();
        assertArrayEquals(f.logProb(x), g.logProb(x));
        Flow fresh = Flows.build(spec);
        fresh.eval();
        assertNotEquals(f.logProb(x)[0], fresh.logProb(x)[0], "the perturbation must show");
    }

    @Test
    void anUnregisteredPartIsRefusedNamingItsClass() {
        Transform custom = new UnregisteredIdentity(D);
        Flow f = new Flow(custom, new StandardNormal(D, DType.FLOAT64));
        UnregisteredPartException e = assertThrows(UnregisteredPartException.class, () -> Parts.describe(f));
        assertTrue(e.getMessage().contains(UnregisteredIdentity.class.getName()), e.getMessage());
    }
}
