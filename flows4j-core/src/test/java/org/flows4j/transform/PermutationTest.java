package org.flows4j.transform;

import static org.flows4j.transform.Points.forward;
import static org.flows4j.transform.Points.inverse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PermutationTest {
    private static final double[][] X = {{10, 11, 12, 13}, {20, 21, 22, 23}};

    @Test
    void everyFactoryPassesTheChecker() {
        for (Permutation p : new Permutation[] {Permutation.reverse(5), Permutation.random(6, new Rng(3)),
            Permutation.of(new int[] {2, 0, 1}), Permutation.reverse(1)}) {
            CheckReport r = new TransformChecker().check(p);
            assertTrue(r.passed(), r::toString);
        }
    }

    @Test
    void ofMovesColumnsAsDocumented() {
        int[] perm = {2, 0, 3, 1};
        Transformed r = forward(Permutation.of(perm), X);
        double[][] y = r.output().value().toDoubleMatrix();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(X[i][perm[j]], y[i][j], 0.0);
            }
            assertEquals(0.0, r.logDet().value().get(i), 0.0);
        }
        Transformed back = inverse(Permutation.of(perm), y);
        assertArrayEquals(X[0], back.output().value().toDoubleMatrix()[0], 0.0);
        assertArrayEquals(X[1], back.output().value().toDoubleMatrix()[1], 0.0);
        assertArrayEquals(new double[] {0, 0}, back.logDet().value().toDoubleArray(), 0.0);
    }

    @Test
    void reverseReversesAndInverseIndicesInvert() {
        double[][] y = forward(Permutation.reverse(4), X).output().value().toDoubleMatrix();
        assertArrayEquals(new double[] {13, 12, 11, 10}, y[0], 0.0);
        Permutation p = Permutation.of(new int[] {3, 0, 1, 2});
        assertArrayEquals(new int[] {1, 2, 3, 0}, p.inverseIndices());
    }

    @Test
    void randomIsASeededPermutation() {
        int[] a = Permutation.random(50, new Rng(11)).indices();
        int[] b = Permutation.random(50, new Rng(11)).indices();
        int[] c = Permutation.random(50, new Rng(12)).indices();
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int j = 0; j < 50; j++) {
            assertEquals(j, sorted[j]);
        }
    }

    @Test
    void invalidPermutationsAreRejectedWithTheOffendingEntry() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> Permutation.of(new int[] {0, 2, 2}));
        assertTrue(dup.getMessage().contains("Permutation.of") && dup.getMessage().contains("2 appears twice")
                && dup.getMessage().contains("entries 1 and 2"), dup.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> Permutation.of(new int[] {0, 3, 1}));
        assertTrue(range.getMessage().contains("entry 1 is 3") && range.getMessage().contains("0..2"),
                range.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> Permutation.of(new int[] {-1}));
        assertTrue(neg.getMessage().contains("entry 0 is -1"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Permutation.of(new int[0]));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Permutation.reverse(0));
        assertTrue(zero.getMessage().contains("Permutation.reverse") && zero.getMessage().contains("got 0"),
                zero.getMessage());
    }

    @Test
    void ofCopiesItsArgument() {
        int[] perm = {1, 0};
        Permutation p = Permutation.of(perm);
        perm[0] = 0;
        assertArrayEquals(new int[] {1, 0}, p.indices());
    }

    @Test
    void thePermutationIsSavedAndRestoredThroughTheStateDict() {
        Permutation source = Permutation.random(5, new Rng(42));
        Map<String, Tensor> state = source.stateDict();
        assertEquals(1, state.size());
        assertTrue(source.parameters().isEmpty());
        Permutation target = Permutation.reverse(5);
        target.loadStateDict(state);
        assertArrayEquals(source.indices(), target.indices());
        double[][] x = {{1, 2, 3, 4, 5}};
        assertArrayEquals(forward(source, x).output().value().toDoubleArray(),
                forward(target, x).output().value().toDoubleArray(), 0.0);
    }

    @Test
    void aCorruptedStateDictIsRejectedWhenUsed() {
        Permutation p = Permutation.reverse(3);
        p.loadStateDict(Map.of("permutation", Tensor.of(new double[] {0, 0, 1}, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(p, new double[][] {{1, 2, 3}}));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        p.loadStateDict(Map.of("permutation", Tensor.of(new double[] {0, 1.5, 2}, 3)));
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> forward(p, new double[][] {{1, 2, 3}}));
        assertTrue(f.getMessage().contains("entry 1 is 1.5"), f.getMessage());
    }
}
