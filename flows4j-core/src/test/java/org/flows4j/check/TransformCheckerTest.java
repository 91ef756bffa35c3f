package org.flows4j.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TransformCheckerTest {
    private static List<String> failed(CheckReport r) {
        return r.failures().stream().map(PropertyResult::property).collect(Collectors.toList());
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
}
