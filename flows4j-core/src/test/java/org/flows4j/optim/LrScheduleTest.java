package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedules at chosen steps against their formulas evaluated by hand. */
class LrScheduleTest {
    @Test
    void constantIsConstant() {
        LrSchedule s = new Constant(0.3);
        assertEquals(0.3, s.lr(0), 0.0);
        assertEquals(0.3, s.lr(1_000_000), 0.0);
    }

    @Test
    void cosineHitsBaseMidpointQuarterAndFloor() {
        LrSchedule s = new Cosine(1.0, 100, 0.2);
        assertEquals(1.0, s.lr(0), 1e-15);
        // t = T/4: 0.2 + 0.8 (1 + cos(pi/4)) / 2 = 0.2 + 0.4 (1 + 0.70710678...)
        assertEquals(0.2 + 0.4 * (1 + Math.sqrt(0.5)), s.lr(25), 1e-15);
        assertEquals(0.6, s.lr(50), 1e-15);
        // t = 3T/4: 0.2 + 0.4 (1 - 0.70710678...)
        assertEquals(0.2 + 0.4 * (1 - Math.sqrt(0.5)), s.lr(75), 1e-15);
        assertEquals(0.2, s.lr(100), 0.0);
        assertEquals(0.2, s.lr(5000), 0.0);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        LrSchedule s = new LinearWarmup(new Constant(0.1), 4);
        assertEquals(0.025, s.lr(0), 1e-17);
        assertEquals(0.05, s.lr(1), 1e-17);
        assertEquals(0.1, s.lr(3), 1e-17);
        assertEquals(0.1, s.lr(4), 0.0);
        assertEquals(0.1, new LinearWarmup(new Constant(0.1), 0).lr(0), 0.0);
    }

    @Test
    void warmupThenCosineStartsTheCosineAfterTheWarmup() {
        LrSchedule s = new Cosine(1.0, 100, 0.0).withWarmup(10);
        assertEquals(0.1, s.lr(0), 1e-15);
        assertEquals(1.0, s.lr(10), 1e-15);
        assertEquals(0.5, s.lr(60), 1e-15);
        assertEquals(0.0, s.lr(110), 0.0);
    }

    @Test
    void sequentialSwitchesAtTheGivenStep() {
        LrSchedule s = new Constant(0.5).then(3, new Cosine(0.4, 10, 0.0));
        assertEquals(0.5, s.lr(2), 0.0);
        assertEquals(0.4, s.lr(3), 1e-15);
        assertEquals(0.2, s.lr(8), 1e-15);
        LrSchedule lambda = t -> 1.0 / (t + 1);
        assertEquals(0.25, new Sequential(new Constant(1.0), 2, lambda).lr(5), 0.0);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Constant(-1.0));
        assertThrows(IllegalArgumentException.class, () -> new Cosine(1.0, 0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Cosine(Double.NaN, 10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(new Constant(1.0), -1));
        assertThrows(IllegalArgumentException.class, () -> new Sequential(null, 1, new Constant(1.0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Constant(1.0).lr(-1));
        assertEquals("LrSchedule: the step must be >= 0, got -1", e.getMessage());
    }
}
