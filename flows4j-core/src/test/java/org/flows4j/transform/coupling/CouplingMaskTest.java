package org.flows4j.transform.coupling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link CouplingMask}: the index sets of each factory, inversion, and rejected masks. */
class CouplingMaskTest {
    @Test
    void alternatingSplitsByParity() {
        CouplingMask odd = CouplingMask.alternating(5, true);
        assertArrayEquals(new int[] {0, 2, 4}, odd.identityFeatures());
        assertArrayEquals(new int[] {1, 3}, odd.transformedFeatures());
        CouplingMask even = CouplingMask.alternating(5, false);
        assertArrayEquals(new int[] {1, 3}, even.identityFeatures());
        assertArrayEquals(new int[] {0, 2, 4}, even.transformedFeatures());
        assertEquals(even, odd.inverted());
        assertEquals("CouplingMask[ABABA]", odd.toString());
    }

    @Test
    void halfSplitPutsTheFloorOfHalfFirst() {
        CouplingMask m = CouplingMask.halfSplit(5, true);
        assertArrayEquals(new int[] {0, 1}, m.identityFeatures());
        assertArrayEquals(new int[] {2, 3, 4}, m.transformedFeatures());
        CouplingMask r = CouplingMask.halfSplit(5, false);
        assertArrayEquals(new int[] {2, 3, 4}, r.identityFeatures());
        assertArrayEquals(new int[] {0, 1}, r.transformedFeatures());
        assertEquals(2, CouplingMask.halfSplit(2, true).features());
    }

    @Test
    void userMaskIsCopiedBothWays() {
        boolean[] raw = {true, false, false, true};
        CouplingMask m = CouplingMask.of(raw);
        raw[1] = true;
        assertFalse(m.isTransformed(1));
        assertArrayEquals(new int[] {0, 3}, m.transformedFeatures());
        boolean[] out = m.toArray();
        out[0] = false;
        assertTrue(m.isTransformed(0));
    }

    @Test
    void degenerateMasksAreRejectedWithCounts() {
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class,
                () -> CouplingMask.of(new boolean[] {true, true, true}));
        assertTrue(all.getMessage().contains("CouplingMask") && all.getMessage().contains("3 transformed of 3"),
                all.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> CouplingMask.of(new boolean[] {false, false}));
        assertTrue(none.getMessage().contains("0 transformed of 2"), none.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> CouplingMask.alternating(1, true));
        assertTrue(one.getMessage().contains("at least 2 features, got 1"), one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CouplingMask.halfSplit(0, true));
        assertThrows(IllegalArgumentException.class, () -> CouplingMask.of(null));
    }
}
