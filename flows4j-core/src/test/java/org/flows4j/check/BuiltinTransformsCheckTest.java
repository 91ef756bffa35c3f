package org.flows4j.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flows4j.distribution.Distribution;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.nn.Parts;
import org.flows4j.transform.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker over the library's own list ({@link TransformChecker#builtinTransforms}): every registered example
 * that is or holds a transform and every ready-made flow passes every property with the settings of
 * {@code flows4j check} (D = 3, parameter noise 0.1); the registered examples pass on their own parameters too.
 */
class BuiltinTransformsCheckTest {
    private static final int D = 3;

    static Stream<String> names() {
        return TransformChecker.builtinTransforms(D).keySet().stream();
    }

    /** The registered examples, whose parameters are already perturbed (the presets start as the identity). */
    static Stream<String> examples() {
        return names().filter(name -> !name.startsWith("flow:"));
    }

    private static Transform fresh(String name) {
        return TransformChecker.builtinTransforms(D).get(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void passesEveryPropertyWithParameterNoise(String name) {
        CheckReport r = new TransformChecker().parameterNoise(0.1).check(fresh(name));
        assertTrue(r.passed(), name + ": " + r);
        assertEquals(7, r.results().size(), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void passesEveryPropertyAsBuilt(String name) {
        CheckReport r = new TransformChecker().check(fresh(name));
        assertTrue(r.passed(), name + ": " + r);
    }

    @Test
    void theListHasEveryRegisteredTransformAndEveryPreset() {
        Map<String, Transform> all = TransformChecker.builtinTransforms(D);
        for (String name : List.of("affine", "planar", "radial", "actnorm", "batch-norm", "inverse", "logit",
                "affine-coupling", "additive-coupling", "masked-affine-autoregressive", "coupling", "mlp", "made",
                "rational-quadratic-transformer", "flow")) {
            assertTrue(all.containsKey(name), name + " not in " + all.keySet());
        }
        for (String kind : FlowSpec.KINDS) {
            assertTrue(all.containsKey("flow:" + kind) && all.containsKey("flow:" + kind + "+context"), kind);
        }
        for (String kind : FlowSpec.IMAGE_KINDS) {
            assertTrue(all.containsKey("flow:" + kind), kind);
        }
        for (String kind : FlowSpec.VARIATIONAL_KINDS) {
            assertTrue(all.containsKey("flow:" + kind) && !all.containsKey("flow:" + kind + "+context"), kind);
        }
        assertFalse(all.containsKey("standard-normal"), "a distribution has no transform to check");
        for (Parts.Type t : Parts.types()) {
            boolean distribution = Distribution.class.isAssignableFrom(t.type()) && t.type() != Flow.class;
            assertEquals(!distribution, all.containsKey(t.name()), t.name());
        }
        assertThrows(IllegalArgumentException.class, () -> TransformChecker.builtinTransforms(1));
    }
}
