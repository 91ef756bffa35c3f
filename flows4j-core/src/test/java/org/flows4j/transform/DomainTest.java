package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DomainTest {
    private static final double[] PROBES = {Double.NEGATIVE_INFINITY, -2, -1, -0.999, 0, 1e-300, 0.5, 0.999, 1, 2,
        Double.POSITIVE_INFINITY, Double.NaN};

    private static void assertMembers(Domain d, boolean... expected) {
        for (int i = 0; i < PROBES.length; i++) {
            assertEquals(expected[i], d.contains(PROBES[i]), d + " contains " + PROBES[i]);
        }
    }

    @Test
    void membershipFollowsTheStatedSets() {
        assertMembers(Domain.REAL, false, true, true, true, true, true, true, true, true, true, false, false);
        assertMembers(Domain.UNIT_INTERVAL, false, false, false, false, false, true, true, true, false, false, false,
                false);
        assertMembers(Domain.CLOSED_UNIT_INTERVAL, false, false, false, false, true, true, true, true, true, false, false,
                false);
        assertMembers(Domain.SYMMETRIC_UNIT_INTERVAL, false, false, false, true, true, true, true, true, false, false,
                false, false);
        assertMembers(Domain.POSITIVE, false, false, false, false, false, true, true, true, true, true, false,
                false);
    }

    @Test
    void descriptionsNameTheBounds() {
        assertEquals("the closed interval [0, 1]", Domain.CLOSED_UNIT_INTERVAL.describe());
        assertEquals("the open interval (-1, 1)", Domain.SYMMETRIC_UNIT_INTERVAL.describe());
        assertTrue(Domain.UNIT_INTERVAL.describe().contains("(0, 1)"));
        assertFalse(Domain.REAL.describe().isEmpty());
    }
}
