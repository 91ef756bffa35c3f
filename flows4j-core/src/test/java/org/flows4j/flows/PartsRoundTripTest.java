package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.nn.UnregisteredPartException;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.AdditiveTransformer;
import org.flows4j.transform.Composite;
import org.flows4j.transform.Domain;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered part type and every preset: describe, rebuild, load the state dict, same log-densities. */
class PartsRoundTripTest {
    private static final int D = 3;

    /** The registered types whose example takes no context. */
    static Stream<String> typesWithExamples() {
        return Parts.types().stream().filter(t -> t.example() != null).map(Parts.Type::name)
                .filter(type -> exampleFlow(type).contextFeatures() == 0);
    }

    /** The registered types whose example reads a context. */
    static Stream<String> conditionalTypes() {
        return Parts.types().stream().filter(t -> t.example() != null).map(Parts.Type::name)
                .filter(type -> exampleFlow(type).contextFeatures() > 0);
    }

    /** Every registered type with an example. */
    static Stream<String> allTypes() {
        return Stream.concat(typesWithExamples(), conditionalTypes());
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
        return points(Domain.REAL);
    }

    /** 40 seeded rows of {@code D} columns in {@code domain}. */
    static double[][] points(Domain domain) {
        return points(domain, D);
    }

    /** 40 seeded rows of {@code d} columns in {@code domain}: [-3, 3]^d for the reals, mapped inside the others. */
    static double[][] points(Domain domain, int d) {
        Rng rng = new Rng(9);
        double[][] x = new double[40][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double u = 2 * rng.nextDouble() - 1;
                row[j] = switch (domain) {
                    case UNIT_INTERVAL, CLOSED_UNIT_INTERVAL -> 0.5 + 0.48 * u;
                    case SYMMETRIC_UNIT_INTERVAL -> 0.98 * u;
                    case POSITIVE -> Math.exp(1.5 * u);
                    default -> 3 * u;
                };
            }
        }
        return x;
    }

    /** 40 seeded context rows of {@code c} columns, or null for none. */
    static double[][] contexts(int c) {
        if (c == 0) {
            return null;
        }
        Rng rng = new Rng(10);
        double[][] ctx = new double[40][c];
        for (double[] row : ctx) {
            for (int j = 0; j < c; j++) {
                row[j] = 2 * rng.nextGaussian();
            }
        }
        return ctx;
    }

    /**
     * Describes, rebuilds and loads the example of {@code type}, then compares the log-densities of the original
     * and the rebuilt flow bit for bit, in evaluation or training mode, with context rows when it reads a context.
     */
    static void assertRebuildsWithTheSameLogDensities(String type, boolean training) {
        Flow f = exampleFlow(type);
        f.train(training);
        String config = Parts.describe(f).toString();
        assertTrue(config.contains(type), config);
        Flow g = rebuilt(f);
        g.train(training);
        assertEquals(Parts.describe(f), Parts.describe(g));
        double[][] x = points(f.transform().domain(), f.features());
        double[][] c = contexts(f.contextFeatures());
        double[] expected = f.logProb(x, c);
        assertArrayEquals(expected, g.logProb(x, c));
        assertTrue(Arrays.stream(expected).anyMatch(Double::isFinite), type + ": no finite log-density");
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
        assertRebuildsWithTheSameLogDensities(type, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditionalTypes")
    void conditionalExampleRebuildsWithTheSameLogDensitiesGivenContextRows(String type) {
        assertRebuildsWithTheSameLogDensities(type, false);
    }

    /** Training mode reads state that evaluation mode may not: ActNorm's flag, batch statistics. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allTypes")
    void exampleRebuildsWithTheSameTrainingModeLogDensities(String type) {
        assertRebuildsWithTheSameLogDensities(type, true);
    }

    @Test
    void anInitializedActNormStaysInitializedWhenRebuilt() {
        ActNorm a = Examples.actNorm(D);
        assertTrue(a.isInitialized());
        ActNorm b = Parts.build(Parts.describe(a), ActNorm.class);
        assertFalse(b.isInitialized());
        b.loadStateDict(a.stateDict());
        assertTrue(b.isInitialized());
        b.train(true);
        b.forward(Variable.constant(Tensor.randn(new Rng(1), DType.FLOAT64, 8, D)));
        assertArrayEquals(a.loc(), b.loc());
        assertArrayEquals(a.logScale(), b.logScale());
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

    @Test
    void everyTypeTheLibraryNamesIsRegistered() {
        List<String> names = Parts.types().stream().map(Parts.Type::name).toList();
        for (String name : List.of("actnorm", "batch-norm", "leaky-relu", "planar", "radial", "inverse", "sigmoid",
                "logit", "softplus", "exp", "tanh", "affine-coupling", "additive-coupling",
                "masked-affine-autoregressive", "diagonal-normal", "conditional-diagonal-normal", "gaussian-mixture",
                "uniform")) {
            assertTrue(names.contains(name), name + " not in " + names);
        }
    }

    /** A user's transform: {@code y = x + shift}, log-det 0, registered as {@code test-shift}. */
    static final class Shift extends Transform implements Part {
        private final Parameter shift;

        Shift(int features) {
            super(features, 0);
            this.shift = registerParameter("shift", Tensor.zeros(DType.FLOAT64, features));
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            return new Transformed(ArithmeticOps.add(x, shift.variable()),
                    Variable.constant(Tensor.zeros(x.dtype(), x.size(0))));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            return new Transformed(ArithmeticOps.sub(y, shift.variable()),
                    Variable.constant(Tensor.zeros(y.dtype(), y.size(0))));
        }

        @Override
        public PartConfig describe() {
            return PartConfig.of("test-shift").with("features", features());
        }
    }

    @Test
    void aUserTypeCanBeRegisteredAndRebuilt() {
        Parts.register("test-shift", Shift.class, c -> new Shift(c.integer("features")),
                d -> Examples.perturbed(new Shift(d)));
        Flow f = new Flow(new Composite(List.of(Examples.perturbed(new Shift(D)), Examples.mixing(D))),
                new StandardNormal(D, DType.FLOAT64));
        PartConfig c = Parts.describe(f);
        assertTrue(c.toString().contains("test-shift"), c.toString());
        Flow g = rebuilt(f);
        assertInstanceOf(Shift.class, ((Composite) g.transform()).steps().get(0));
        assertArrayEquals(f.logProb(points()), g.logProb(points()));
        assertTrue(Parts.types().stream().anyMatch(t -> t.name().equals("test-shift")));
    }

    /** A subclass of a registered class that adds nothing to it, and is not registered itself. */
    static final class MyCoupling extends CouplingTransform {
        MyCoupling(int d) {
            super(CouplingMask.alternating(d, true), 0, new AdditiveTransformer(),
                    ConditionerFactory.mlp(new int[] {4}, Activation.RELU, DType.FLOAT64,
                            new Rng(1)));
        }
    }

    @Test
    void aSubclassOfARegisteredClassIsRefusedNamingTheSubclass() {
        MyCoupling sub = new MyCoupling(D);
        assertEquals("coupling", sub.describe().type(), "it inherits its parent's describe()");
        UnregisteredPartException e = assertThrows(UnregisteredPartException.class, () -> Parts.describe(sub));
        assertTrue(e.getMessage().contains(MyCoupling.class.getName()), e.getMessage());
        Flow f = new Flow(sub, new StandardNormal(D, DType.FLOAT64));
        e = assertThrows(UnregisteredPartException.class, () -> Parts.describe(f));
        assertTrue(e.getMessage().contains(MyCoupling.class.getName()), e.getMessage());
    }
}
