package org.flows4j.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
import org.junit.jupiter.api.Test;

class TransformCheckerTest {
    private static final String GRADIENTS = "parameter gradients";

    private static List<String> failed(CheckReport r) {
        return r.failures().stream().map(PropertyResult::property).collect(Collectors.toList());
    }

    private static PropertyResult result(CheckReport r, String property) {
        return r.results().stream().filter(p -> p.property().equals(property)).findFirst()
                .orElseThrow(() -> new AssertionError("no property '" + property + "' in " + r));
    }

    @Test
    void correctTransformPassesEveryProperty() {
        CheckReport r = new TransformChecker().check(new TestTransforms.ScaleShift(3, 1.0));
        assertTrue(r.passed(), r.toString());
        assertEquals(7, r.results().size());
        assertTrue(r.worstError() < 1e-10, r.toString());
    }

    @Test
    void wrongLogDetSignIsCaught() {
        CheckReport r = new TransformChecker().check(new TestTransforms.ScaleShift(3, -1.0));
        assertFalse(r.passed());
        assertTrue(failed(r).contains("log-det vs Jacobian"), r.toString());
        assertTrue(r.toString().contains("FAIL"), r.toString());
    }

    @Test
    void nonInvertibleMapIsCaught() {
        CheckReport r = new TransformChecker().check(new TestTransforms.Collapse());
        assertTrue(failed(r).contains("round trip"), r.toString());
        assertTrue(failed(r).contains("log-det vs Jacobian"), r.toString());
    }

    @Test
    void rowMixingMapIsCaught() {
        CheckReport r = new TransformChecker().check(new TestTransforms.RowMixing(2));
        assertTrue(failed(r).contains("batch independence"), r.toString());
    }

    @Test
    void looserToleranceIsReportedAndUsed() {
        CheckReport r = new TransformChecker().tolerance(1e-3).check(new TestTransforms.ScaleShift(2, 1.0));
        for (PropertyResult p : r.results()) {
            if (p.error() > 0) {
                assertEquals(1e-3, p.tolerance());
            }
        }
        assertTrue(r.passed());
    }

    @Test
    void correctParameterGradientsPassTheDirectionalCheck() {
        List<Transform> correct = List.of(new TestTransforms.ScaleShift(3, 1.0),
                new TestTransforms.HandWrittenScaleShift(3, 1.0, true));
        for (Transform t : correct) {
            List<TransformChecker> checkers = List.of(new TransformChecker(),
                    new TransformChecker().parameterNoise(0.3).seed(5),
                    new TransformChecker().trainingMode(true).batch(9));
            for (TransformChecker c : checkers) {
                CheckReport r = c.check(t);
                assertTrue(r.passed(), r.toString());
                PropertyResult p = result(r, GRADIENTS);
                assertTrue(p.detail().contains("central difference"), p.toString());
                assertTrue(p.detail().contains("all finite and non-zero"), p.toString());
                assertEquals(1e-8, p.tolerance(), p.toString());
                assertTrue(p.error() < 1e-9, p.toString());
            }
        }
    }

    @Test
    void aWrongParameterGradientFailsOnlyTheGradientCheck() {
        for (double factor : new double[] {1.1, 0.9, 1.0 + 1e-5}) {
            CheckReport r = new TransformChecker().check(new TestTransforms.HandWrittenScaleShift(3, factor, true));
            assertEquals(List.of(GRADIENTS), failed(r), r.toString());
            PropertyResult p = result(r, GRADIENTS);
            assertFalse(p.detail().contains("bad:"), "every gradient is finite and non-zero: " + p);
            assertTrue(p.error() > 1e-7, p.toString());
        }
    }

    @Test
    void aLogDetCutFromTheGraphFailsOnlyTheGradientCheck() {
        CheckReport r = new TransformChecker().parameterNoise(0.2).check(
                new TestTransforms.HandWrittenScaleShift(4, 1.0, false));
        assertEquals(List.of(GRADIENTS), failed(r), r.toString());
        assertFalse(result(r, GRADIENTS).detail().contains("bad:"), r.toString());
    }

    @Test
    void aParameterWithoutAGradientStillFails() {
        CheckReport r = new TransformChecker().check(new TestTransforms.ScaleShift(3, 1.0, true));
        assertEquals(List.of(GRADIENTS), failed(r), r.toString());
        assertTrue(result(r, GRADIENTS).detail().contains("unused (no gradient)"), r.toString());
    }

    @Test
    void frozenParametersAreLeftOutOfTheDirection() {
        Transform t = new TestTransforms.HandWrittenScaleShift(3, 1.1, true);
        t.parameters().get("a").setFrozen(true);
        CheckReport r = new TransformChecker().check(t);
        assertTrue(r.passed(), r.toString());
        t.parameters().get("b").setFrozen(true);
        CheckReport none = new TransformChecker().check(t);
        assertTrue(none.passed(), none.toString());
        assertEquals("every parameter is frozen", result(none, GRADIENTS).detail());
    }

    @Test
    void theGradientCheckRestoresTheParametersExactly() {
        for (Transform t : List.of(new TestTransforms.ScaleShift(3, 1.0),
                new TestTransforms.HandWrittenScaleShift(3, 1.1, true))) {
            List<Tensor> before = new ArrayList<>();
            for (Parameter p : t.parameters().values()) {
                before.add(p.value().copy());
            }
            new TransformChecker().check(t);
            int j = 0;
            for (Parameter p : t.parameters().values()) {
                Tensor b = before.get(j++);
                for (int i = 0; i < b.numel(); i++) {
                    assertEquals(Double.doubleToRawLongBits(b.get(i)), Double.doubleToRawLongBits(p.value().get(i)),
                            p.name() + "[" + i + "]");
                }
                assertEquals(null, p.grad(), p.name());
            }
        }
    }
}
