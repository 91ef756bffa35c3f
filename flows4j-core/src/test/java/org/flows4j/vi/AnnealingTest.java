package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnnealingTest {
    @Test
    void betaRisesByOneOverWarmupPerStepFromBeta0AndThenStaysAtOne() {
        Annealing a = new Annealing(0.01, 2500);
        assertEquals(0.01, a.beta(0), 0.0);
        for (long t = 0; t < 2475; t++) {
            assertEquals(0.01 + t / 2500.0, a.beta(t), 1e-15, "step " + t);
            assertEquals(1.0 / 2500, a.beta(t + 1) - a.beta(t), 1e-15, "the increment after step " + t);
        }
        for (long t = 2476; t < 6000; t += 7) {
            assertEquals(1.0, a.beta(t), 0.0, "step " + t);
        }
        assertEquals(0.41, a.beta(1000), 1e-15, "normflows' min(1, 0.01 + it / 2500) at it = 1000");
    }

    @Test
    void noWarmupMeansBetaOneThroughout() {
        assertEquals(1.0, Annealing.NONE.beta(0), 0.0);
        assertEquals(1.0, new Annealing(0.3, 0).beta(5), 0.0);
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Annealing(0, 10));
        assertTrue(e.getMessage().contains("(0, 1]") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Annealing(0.5, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Annealing(0.5, 10).beta(-2));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ViConfig.defaults().withSteps(100).withAnnealing(0.01, 200));
        assertTrue(e.getMessage().contains("beta = 1") && e.getMessage().contains("99"), e.getMessage());
    }
}
