package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    /** Not commutative, so a swapped operand order in a fast path shows up. */
    private static final DoubleBinaryOperator ASYM = (x, y) -> x - 2.5 * y + x * y * y;

    private static final int[][][] FAST_PAIRS = {
        {{3, 4}, {3, 4}},
        {{2, 3, 4}, {2, 3, 4}},
        {{5}, {5}},
        {{5, 4}, {4}},
        {{5, 4}, {1, 4}},
        {{4}, {5, 4}},
        {{1, 4}, {5, 4}},
        {{2, 3, 4}, {4}},
        {{2, 3, 4}, {1, 1, 4}},
        {{2, 3, 4}, {1, 4}},
        {{4}, {2, 3, 4}},
        {{1, 4}, {4}},
        {{6, 1}, {1}},
    };

    private static final int[][][] GENERAL_PAIRS = {
        {{3, 1}, {1, 4}},
        {{2, 1, 4}, {3, 1}},
        {{3, 4}, {3, 1}},
        {{2, 3, 4}, {2, 1, 4}},
        {{}, {2, 3}},
    };

    @Test
    void rowDetection() {
        assertTrue(Elementwise.isRowOf(new int[] {4}, new int[] {5, 4}));
        assertTrue(Elementwise.isRowOf(new int[] {1, 1, 4}, new int[] {2, 3, 4}));
        assertFalse(Elementwise.isRowOf(new int[] {3, 1}, new int[] {3, 4}));
        assertFalse(Elementwise.isRowOf(new int[] {1, 5, 4}, new int[] {5, 4}));
        assertFalse(Elementwise.isRowOf(new int[] {}, new int[] {5, 4}));
        assertFalse(Elementwise.isRowOf(new int[] {4}, new int[] {}));
    }

    @Test
    void fastPathsEqualTheGeneralPathBitForBit() {
        for (DType dt : DType.values()) {
            Rng rng = new Rng(7);
            for (int[][] p : FAST_PAIRS) {
                Tensor a = Tensor.randn(rng, dt, p[0]);
                Tensor b = Tensor.randn(rng, dt, p[1]);
                Tensor fast = Elementwise.zip(a, b, ASYM, "test");
                Tensor general = Elementwise.zipStrided(a, b, ASYM, "test");
                assertArrayEquals(general.shape(), fast.shape(), dt + " " + Shape.str(p[0]) + Shape.str(p[1]));
                assertArrayEquals(general.toDoubleArray(), fast.toDoubleArray(), 0.0,
                        dt + " " + Shape.str(p[0]) + Shape.str(p[1]));
                assertEquals(dt, fast.dtype());
            }
        }
    }

    @Test
    void zipMatchesTheMultiIndexDefinition() {
        for (int[][][] pairs : new int[][][][] {FAST_PAIRS, GENERAL_PAIRS}) {
            for (int[][] p : pairs) {
                Rng rng = new Rng(11);
                Tensor a = Tensor.randn(rng, DType.FLOAT64, p[0]);
                Tensor b = Tensor.randn(rng, DType.FLOAT64, p[1]);
                Tensor out = Elementwise.zip(a, b, ASYM, "test");
                Tensor expected = naiveZip(a, b, ASYM);
                assertArrayEquals(expected.shape(), out.shape());
                assertArrayEquals(expected.toDoubleArray(), out.toDoubleArray(), 0.0,
                        Shape.str(p[0]) + Shape.str(p[1]));
            }
        }
    }

    @Test
    void float32ZipRoundsOnceFromDouble() {
        Tensor a = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3);
        Tensor b = Tensor.of(new float[] {3f, 7f, 9f}, 3);
        Tensor out = Elementwise.zip(a, b, (x, y) -> x / y, "div");
        float[] o = out.floatData();
        assertEquals((float) (1.0 / 3.0), o[0], 0f);
        assertEquals((float) (5.0 / 7.0), o[4], 0f);
        assertEquals((float) (6.0 / 9.0), o[5], 0f);
    }

    @Test
    void sumToShapeFastPathEqualsGeneralPathAndColumnSums() {
        for (DType dt : DType.values()) {
            Rng rng = new Rng(5);
            int[][][] cases = {{{6, 4}, {4}}, {{6, 4}, {1, 4}}, {{2, 3, 4}, {4}}, {{2, 3, 4}, {1, 1, 4}},
                {{2, 3, 4}, {1, 4}}};
            for (int[][] c : cases) {
                Tensor g = Tensor.randn(rng, dt, c[0]);
                Tensor fast = Elementwise.sumToShape(g, c[1]);
                Tensor general = Elementwise.sumToShapeStrided(g, c[1]);
                assertArrayEquals(c[1], fast.shape());
                assertArrayEquals(general.toDoubleArray(), fast.toDoubleArray(), 0.0);
                int d = c[1][c[1].length - 1];
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (int r = j; r < g.numel(); r += d) {
                        s += g.get(r);
                    }
                    assertEquals(s, fast.get(j), dt == DType.FLOAT32 ? 1e-5 : 1e-12);
                }
            }
        }
    }

    @Test
    void sumToShapeGeneralCases() {
        Tensor g = Tensor.randn(new Rng(2), DType.FLOAT64, 2, 3, 4);
        Tensor s = Elementwise.sumToShape(g, new int[] {2, 1, 4});
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                double e = g.at(i, 0, k) + g.at(i, 1, k) + g.at(i, 2, k);
                assertEquals(e, s.at(i, 0, k), 1e-12);
            }
        }
        Tensor all = Elementwise.sumToShape(g, new int[] {});
        double e = 0;
        for (int i = 0; i < g.numel(); i++) {
            e += g.get(i);
        }
        assertEquals(e, all.item(), 1e-12);
    }

    @Test
    void badOperandsAreClearErrors() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 3, 4);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Elementwise.zip(a, Tensor.zeros(DType.FLOAT64, 3), Double::sum, "add"));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[3, 4]")
                && e.getMessage().contains("[3]"), e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> Elementwise.zip(a, Tensor.zeros(DType.FLOAT32, 3, 4), Double::sum, "mul"));
        assertTrue(d.getMessage().contains("mul"), d.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Elementwise.sumToShape(a, new int[] {5}));
    }

    /** out[idx] = fn(a[idx aligned right, size-1 axes pinned to 0], b[likewise]), via Tensor.at. */
    private static Tensor naiveZip(Tensor a, Tensor b, DoubleBinaryOperator fn) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int rank = Math.max(as.length, bs.length);
        int[] os = new int[rank];
        for (int i = 0; i < rank; i++) {
            os[i] = Math.max(dim(as, i, rank), dim(bs, i, rank));
        }
        Tensor out = Tensor.zeros(DType.FLOAT64, os);
        int[] idx = new int[rank];
        for (int flat = 0; flat < out.numel(); flat++) {
            int rem = flat;
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax] = rem % os[ax];
                rem /= os[ax];
            }
            out.set(flat, fn.applyAsDouble(a.at(project(idx, as)), b.at(project(idx, bs))));
        }
        return out;
    }

    private static int dim(int[] s, int i, int rank) {
        int j = i - (rank - s.length);
        return j < 0 ? 1 : s[j];
    }

    private static int[] project(int[] idx, int[] s) {
        int[] p = new int[s.length];
        int off = idx.length - s.length;
        for (int j = 0; j < s.length; j++) {
            p[j] = s[j] == 1 ? 0 : idx[j + off];
        }
        return p;
    }
}
