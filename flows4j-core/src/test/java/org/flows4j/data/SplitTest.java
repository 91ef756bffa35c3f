package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {
    private static double[][] rows(int n) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {i, -i};
        }
        return x;
    }

    @Test
    void partsHaveFlooredSizesAndCoverEveryRowOnce() {
        double[][] x = rows(100);
        Split s = Split.of(x, 0.57, 0.2, 11);
        assertEquals(57, s.train().length);
        assertEquals(20, s.validation().length);
        assertEquals(23, s.test().length);
        Map<double[], Integer> seen = new IdentityHashMap<>();
        for (double[][] part : new double[][][] {s.train(), s.validation(), s.test()}) {
            for (double[] r : part) {
                seen.merge(r, 1, Integer::sum);
            }
        }
        assertEquals(100, seen.size());
        for (double[] r : x) {
            assertEquals(1, seen.get(r));
        }
        Split odd = Split.of(rows(7), 0.5, 0.5, 1);
        assertEquals(3, odd.train().length);
        assertEquals(3, odd.validation().length);
        assertEquals(1, odd.test().length);
    }

    @Test
    void theSeedFixesTheShuffle() {
        double[][] x = rows(50);
        Split a = Split.of(x, 0.6, 0.2, 3);
        Split b = Split.of(x, 0.6, 0.2, 3);
        Split c = Split.of(x, 0.6, 0.2, 4);
        for (int i = 0; i < a.train().length; i++) {
            assertSame(a.train()[i], b.train()[i]);
        }
        double[] firstA = Arrays.stream(a.train()).mapToDouble(r -> r[0]).toArray();
        double[] firstC = Arrays.stream(c.train()).mapToDouble(r -> r[0]).toArray();
        assertFalse(Arrays.equals(firstA, firstC));
        double[] sorted = firstA.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, firstA), "rows should be shuffled, not taken in order");
    }

    @Test
    void badFractionsAreRejected() {
        double[][] x = rows(10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Split.of(x, 0.8, 0.3, 1))
                .getMessage().contains("must be <= 1"));
        assertThrows(IllegalArgumentException.class, () -> Split.of(x, -0.1, 0.3, 1));
        assertThrows(IllegalArgumentException.class, () -> Split.of(x, 0.5, Double.NaN, 1));
        Split all = Split.of(x, 1.0, 0.0, 1);
        assertEquals(10, all.train().length);
        assertArrayEquals(new double[0][], all.test());
    }
}
