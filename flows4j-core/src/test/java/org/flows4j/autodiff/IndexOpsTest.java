package org.flows4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class IndexOpsTest {
    private static final double TOL = 1e-6;

    private static Tensor randn(Rng rng, int... shape) {
        return Tensor.randn(rng, DType.FLOAT64, shape);
    }

    private static int[] randomShape(Rng rng, int rank) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rng.nextInt(4);
        }
        return s;
    }

    private static void assertGrad(Function<Variable[], Variable> fn, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(fn, inputs);
        assertTrue(r.passed() && r.maxError() < TOL, r.toString());
    }

    private static <T extends Throwable> void assertMessage(Class<T> type, Runnable call, String... parts) {
        T e = assertThrows(type, call::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    // ---- concat, split, slice ----

    @Test
    void concatMatchesNaiveIndexing() {
        Rng rng = new Rng(1);
        Tensor a = randn(rng, 2, 3, 4);
        Tensor b = randn(rng, 2, 1, 4);
        Tensor c = randn(rng, 2, 2, 4);
        Tensor out = IndexOps.concat(1, Variable.constant(a), Variable.constant(b), Variable.constant(c)).value();
        assertArrayEquals(new int[] {2, 6, 4}, out.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 4; k++) {
                    double expected = j < 3 ? a.at(i, j, k) : j < 4 ? b.at(i, j - 3, k) : c.at(i, j - 4, k);
                    assertEquals(expected, out.at(i, j, k), 0.0);
                }
            }
        }
        Tensor last = IndexOps.concat(-1, Variable.constant(a), Variable.constant(a)).value();
        assertArrayEquals(new int[] {2, 3, 8}, last.shape());
        assertEquals(a.at(1, 2, 3), last.at(1, 2, 7), 0.0);
        assertEquals(a.at(1, 2, 3), last.at(1, 2, 3), 0.0);
    }

    @Test
    void concatGradientOnEveryAxis() {
        Rng rng = new Rng(2);
        for (int rank = 1; rank <= 4; rank++) {
            for (int axis = 0; axis < rank; axis++) {
                int[] s1 = randomShape(rng, rank);
                int[] s2 = s1.clone();
                int[] s3 = s1.clone();
                s2[axis] = 1 + rng.nextInt(3);
                s3[axis] = 1 + rng.nextInt(3);
                int ax = axis;
                assertGrad(v -> IndexOps.concat(ax, v[0], v[1], v[2]), randn(rng, s1), randn(rng, s2), randn(rng, s3));
            }
        }
    }

    @Test
    void concatWorksInFloat32AndSkipsConstants() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Variable p = Variable.parameter(Tensor.of(new float[] {5, 6}, 2, 1));
        Variable out = IndexOps.concat(1, Variable.constant(a), p);
        assertEquals(DType.FLOAT32, out.dtype());
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, out.value().toFloatArray());
        out.backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {3, 6}, p.grad().toFloatArray());
    }

    @Test
    void concatRejectsBadParts() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        Variable b = Variable.constant(Tensor.zeros(DType.FLOAT64, 3, 3));
        assertMessage(ShapeMismatchException.class, () -> IndexOps.concat(1, a, b), "concat", "[3, 3]", "[2, 3]");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.concat(2, a, a), "concat", "axis 2");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.concat(0), "concat");
        Variable f = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3));
        assertMessage(IllegalArgumentException.class, () -> IndexOps.concat(0, a, f), "concat", "FLOAT32");
    }

    @Test
    void splitPiecesAreConsecutiveSlices() {
        Tensor a = randn(new Rng(3), 3, 7);
        Variable[] pieces = IndexOps.split(Variable.constant(a), 1, 2, 0, 4, 1);
        assertEquals(4, pieces.length);
        int from = 0;
        for (Variable p : pieces) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < p.size(1); j++) {
                    assertEquals(a.at(i, from + j), p.value().at(i, j), 0.0);
                }
            }
            from += p.size(1);
        }
        assertEquals(0, pieces[1].size(1));
    }

    @Test
    void splitGradientThroughEveryPiece() {
        Rng rng = new Rng(4);
        for (int rank = 1; rank <= 4; rank++) {
            for (int axis = 0; axis < rank; axis++) {
                int[] shape = randomShape(rng, rank);
                shape[axis] = 3 + rng.nextInt(3);
                int n = shape[axis];
                int first = 1 + rng.nextInt(n - 2);
                int[] sizes = {first, 1, n - first - 1};
                int ax = axis;
                assertGrad(v -> {
                    Variable[] p = IndexOps.split(v[0], ax, sizes);
                    return IndexOps.concat(ax, p[2], p[0], p[1]);
                }, randn(rng, shape));
                assertGrad(v -> {
                    Variable[] p = IndexOps.split(v[0], ax, sizes);
                    Variable s = ReduceOps.sum(ArithmeticOps.square(p[0]));
                    s = ArithmeticOps.add(s, ArithmeticOps.mulScalar(ReduceOps.sum(p[1]), 3.0));
                    return ArithmeticOps.add(s, ReduceOps.sum(ArithmeticOps.mul(p[2], p[2])));
                }, randn(rng, shape));
            }
        }
    }

    @Test
    void splitRejectsSizesNotSummingToTheAxis() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 5));
        assertMessage(ShapeMismatchException.class, () -> IndexOps.split(a, 1, 2, 2), "split", "sum to 4", "5");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.split(a, 1, 6, -1), "split", "non-negative");
    }

    @Test
    void sliceMatchesNaiveIndexingAndHasGradient() {
        Rng rng = new Rng(5);
        Tensor a = randn(rng, 3, 5, 2);
        Tensor s = IndexOps.slice(Variable.constant(a), -2, 1, 4).value();
        assertArrayEquals(new int[] {3, 3, 2}, s.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(a.at(i, j + 1, k), s.at(i, j, k), 0.0);
                }
            }
        }
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            int n = a.size(axis);
            assertGrad(v -> IndexOps.slice(v[0], ax, n / 2, n), a);
        }
        assertGrad(v -> IndexOps.slice(v[0], 0, 0, 1), randn(rng, 4));
    }

    @Test
    void sliceRejectsBadRanges() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 5));
        assertMessage(IllegalArgumentException.class, () -> IndexOps.slice(a, 1, 3, 6), "slice", "[3, 6)", "[0, 5]");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.slice(a, 1, 3, 2), "slice", "[3, 2)");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.slice(a, 0, -1, 1), "slice", "[-1, 1)");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.slice(a, -3, 0, 1), "slice", "axis -3");
    }

    // ---- gather ----

    @Test
    void gatherSelectsColumnsAndAccumulatesRepeats() {
        Variable a = Variable.parameter(Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4));
        Variable out = IndexOps.gather(a, new int[] {2, 0, 2, 2});
        assertArrayEquals(new double[] {3, 1, 3, 3, 7, 5, 7, 7}, out.value().toDoubleArray());
        out.backward(Tensor.of(new double[] {1, 10, 100, 1000, 2, 20, 200, 2000}, 2, 4));
        assertArrayEquals(new double[] {10, 0, 1101, 0, 20, 0, 2202, 0}, a.grad().toDoubleArray());
    }

    @Test
    void gatherGradientOnRandomShapes() {
        Rng rng = new Rng(6);
        for (int rank = 1; rank <= 4; rank++) {
            int[] shape = randomShape(rng, rank);
            int n = shape[rank - 1];
            int[] cols = new int[1 + rng.nextInt(6)];
            for (int c = 0; c < cols.length; c++) {
                cols[c] = rng.nextInt(n);
            }
            assertGrad(v -> IndexOps.gather(v[0], cols), randn(rng, shape));
        }
    }

    @Test
    void gatherRejectsOutOfRangeColumns() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        assertMessage(IllegalArgumentException.class, () -> IndexOps.gather(a, new int[] {0, 3}), "gather", "3", "[0, 3)");
        assertMessage(IllegalArgumentException.class, () -> IndexOps.gather(a, new int[] {-1}), "gather", "-1");
        Variable s = Variable.constant(Tensor.scalar(DType.FLOAT64, 1.0));
        assertMessage(ShapeMismatchException.class, () -> IndexOps.gather(s, new int[] {0}), "gather", "rank");
    }

    // ---- where ----

    @Test
    void whereBroadcastsMaskAndOperands() {
        Rng rng = new Rng(7);
        Tensor mask = Tensor.of(new double[] {1, 0, 0.5}, 3, 1);
        Tensor a = randn(rng, 1, 4);
        Tensor b = randn(rng, 3, 4);
        Tensor out = IndexOps.where(mask, Variable.constant(a), Variable.constant(b)).value();
        assertArrayEquals(new int[] {3, 4}, out.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(mask.at(i, 0) != 0 ? a.at(0, j) : b.at(i, j), out.at(i, j), 0.0);
            }
        }
    }

    @Test
    void whereRoutesTheGradientToTheChosenSide() {
        Variable a = Variable.parameter(Tensor.of(new double[] {1, 2, 3}, 3));
        Variable b = Variable.parameter(Tensor.of(new double[] {10}, 1));
        Tensor mask = Tensor.of(new float[] {1, 0, 1}, 3);
        Variable out = IndexOps.where(mask, a, b);
        assertArrayEquals(new double[] {1, 10, 3}, out.value().toDoubleArray());
        out.backward(Tensor.of(new double[] {5, 6, 7}, 3));
        assertArrayEquals(new double[] {5, 0, 7}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {6}, b.grad().toDoubleArray());
    }

    @Test
    void whereGradientWithBroadcasting() {
        Rng rng = new Rng(8);
        int[][][] cases = {
            {{2, 3}, {2, 3}, {2, 3}},
            {{3, 1}, {1, 4}, {3, 4}},
            {{4}, {2, 3, 4}, {1}},
            {{2, 1, 3}, {3}, {2, 2, 1}},
            {{}, {2, 2}, {2, 2}},
        };
        for (int[][] c : cases) {
            Tensor mask = Tensor.zeros(DType.FLOAT64, c[0]);
            for (int i = 0; i < mask.numel(); i++) {
                mask.set(i, rng.nextInt(2));
            }
            assertGrad(v -> IndexOps.where(mask, v[0], v[1]), randn(rng, c[1]), randn(rng, c[2]));
        }
    }

    @Test
    void whereRejectsIncompatibleShapes() {
        Variable a = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        Variable b = Variable.constant(Tensor.zeros(DType.FLOAT64, 2, 3));
        assertMessage(ShapeMismatchException.class, () -> IndexOps.where(Tensor.zeros(DType.FLOAT64, 4), a, b),
                "where", "[4]", "[2, 3]");
        Variable f = Variable.constant(Tensor.zeros(DType.FLOAT32, 2, 3));
        assertMessage(IllegalArgumentException.class, () -> IndexOps.where(Tensor.zeros(DType.FLOAT64, 2, 3), a, f),
                "where", "FLOAT32");
    }

    // ---- cumsum ----

    @Test
    void cumsumMatchesNaiveSums() {
        Rng rng = new Rng(9);
        Tensor a = randn(rng, 2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            Tensor out = IndexOps.cumsum(Variable.constant(a), axis).value();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        int[] idx = {i, j, k};
                        double s = 0;
                        for (int t = 0; t <= idx[axis]; t++) {
                            int[] src = idx.clone();
                            src[axis] = t;
                            s += a.at(src);
                        }
                        assertEquals(s, out.at(i, j, k), 1e-12);
                    }
                }
            }
        }
        Tensor f = IndexOps.cumsum(Variable.constant(Tensor.of(new float[] {1, 2, 3, 4}, 4)), -1).value();
        assertArrayEquals(new float[] {1, 3, 6, 10}, f.toFloatArray());
    }

    @Test
    void cumsumGradientOnEveryAxis() {
        Rng rng = new Rng(10);
        for (int rank = 1; rank <= 4; rank++) {
            for (int axis = -rank; axis < rank; axis += 1 + rng.nextInt(2)) {
                int ax = axis;
                assertGrad(v -> IndexOps.cumsum(v[0], ax), randn(rng, randomShape(rng, rank)));
            }
        }
        assertMessage(IllegalArgumentException.class,
                () -> IndexOps.cumsum(Variable.constant(Tensor.zeros(DType.FLOAT64, 2)), 1), "cumsum", "axis 1");
    }

    // ---- tril, triu ----

    @Test
    void trilAndTriuKeepNumpyTriangles() {
        Rng rng = new Rng(11);
        Tensor a = randn(rng, 2, 3, 4);
        for (int k = -3; k <= 4; k++) {
            Tensor lo = IndexOps.tril(Variable.constant(a), k).value();
            Tensor up = IndexOps.triu(Variable.constant(a), k).value();
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(j <= i + k ? a.at(b, i, j) : 0.0, lo.at(b, i, j), 0.0);
                        assertEquals(j >= i + k ? a.at(b, i, j) : 0.0, up.at(b, i, j), 0.0);
                    }
                }
            }
        }
        Tensor m = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        assertArrayEquals(new double[] {1, 0, 0, 4, 5, 0, 7, 8, 9},
                IndexOps.tril(Variable.constant(m), 0).value().toDoubleArray());
        assertArrayEquals(new double[] {0, 2, 3, 0, 0, 6, 0, 0, 0},
                IndexOps.triu(Variable.constant(m), 1).value().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0, 4, 0, 0, 7, 8, 0},
                IndexOps.tril(Variable.constant(m), -1).value().toDoubleArray());
    }

    @Test
    void trilAndTriuGradients() {
        Rng rng = new Rng(12);
        for (int rank = 2; rank <= 4; rank++) {
            for (int k = -2; k <= 2; k++) {
                int kk = k;
                Tensor x = randn(rng, randomShape(rng, rank));
                assertGrad(v -> IndexOps.tril(v[0], kk), x);
                assertGrad(v -> IndexOps.triu(v[0], kk), x);
            }
        }
        Variable a = Variable.parameter(Tensor.of(new double[][] {{1, 2}, {3, 4}}));
        IndexOps.triu(a, 0).backward(Tensor.of(new double[][] {{5, 6}, {7, 8}}));
        assertArrayEquals(new double[] {5, 6, 0, 8}, a.grad().toDoubleArray());
        assertMessage(ShapeMismatchException.class,
                () -> IndexOps.tril(Variable.constant(Tensor.zeros(DType.FLOAT64, 3)), 0), "tril", "rank >= 2", "[3]");
    }

    // ---- searchsorted, bucketize ----

    private static int linearScan(double[] edges, int from, int k, double v, boolean right) {
        int count = 0;
        for (int i = from; i < from + k; i++) {
            if (right ? edges[i] <= v : edges[i] < v) {
                count++;
            }
        }
        return count;
    }

    @Test
    void searchsortedMatchesNumpyExamples() {
        Tensor edges = Tensor.of(new double[] {1, 2, 3, 4, 5}, 5);
        Tensor values = Tensor.of(new double[] {-10, 1, 3, 3.5, 5, 10}, 6);
        assertArrayEquals(new int[] {0, 0, 2, 3, 4, 5}, IndexOps.searchsorted(edges, values, false));
        assertArrayEquals(new int[] {0, 1, 3, 3, 5, 5}, IndexOps.searchsorted(edges, values, true));
        Tensor ties = Tensor.of(new float[] {0, 1, 1, 1, 2}, 5);
        Tensor one = Tensor.of(new float[] {1}, 1);
        assertArrayEquals(new int[] {1}, IndexOps.searchsorted(ties, one, false));
        assertArrayEquals(new int[] {4}, IndexOps.searchsorted(ties, one, true));
        Tensor nans = Tensor.of(new double[] {Double.NaN, Double.NaN}, 2);
        assertArrayEquals(new int[] {5, 5}, IndexOps.searchsorted(edges, nans, false));
        Tensor noEdges = Tensor.zeros(DType.FLOAT64, 0);
        assertArrayEquals(new int[] {0}, IndexOps.searchsorted(noEdges, Tensor.of(new double[] {3}, 1), true));
    }

    @Test
    void searchsortedPerValueEdges() {
        Tensor edges = Tensor.of(new double[] {0, 1, 2, 10, 20, 30, -5, -4, -3, 0, 0, 0}, 2, 2, 3);
        Tensor values = Tensor.of(new double[] {1.5, 25, -4, 0}, 2, 2);
        assertArrayEquals(new int[] {2, 2, 1, 0}, IndexOps.searchsorted(edges, values, false));
        assertArrayEquals(new int[] {2, 2, 2, 3}, IndexOps.searchsorted(edges, values, true));
        Tensor scalarEdges = Tensor.of(new double[] {1, 2}, 2);
        assertArrayEquals(new int[] {1}, IndexOps.searchsorted(scalarEdges, Tensor.scalar(DType.FLOAT64, 1.5), false));
    }

    @Test
    void searchsortedRejectsMismatchedShapes() {
        Tensor values = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertMessage(ShapeMismatchException.class,
                () -> IndexOps.searchsorted(Tensor.zeros(DType.FLOAT64, 3, 5), values, false),
                "searchsorted", "[2, 3, 5]", "[3, 5]");
        assertMessage(ShapeMismatchException.class,
                () -> IndexOps.searchsorted(Tensor.zeros(DType.FLOAT64, 2, 5), values, false), "searchsorted", "[2, 5]");
        assertMessage(ShapeMismatchException.class,
                () -> IndexOps.searchsorted(Tensor.scalar(DType.FLOAT64, 0), values, true), "searchsorted", "[]");
    }

    @Test
    void bucketizeCountsBoundariesStrictlyBelow() {
        Tensor bounds = Tensor.of(new double[] {1, 3, 5, 7, 9}, 5);
        Tensor values = Tensor.of(new double[] {3, 6, 9, 0, 10}, 5);
        assertArrayEquals(new int[] {1, 3, 4, 0, 5}, IndexOps.bucketize(values, bounds));
        assertMessage(ShapeMismatchException.class,
                () -> IndexOps.bucketize(values, Tensor.zeros(DType.FLOAT64, 5, 1)), "bucketize", "rank-1");
    }

    /** Integer edges in [-5, 5] (with ties) and half-integer steps in [-7, 7] hit edges, gaps and both ends. */
    @Property(tries = 300)
    void searchsortedSharedEdgesAgreeWithLinearScan(
            @ForAll @Size(max = 12) List<@IntRange(min = -5, max = 5) Integer> edgeList,
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = -14, max = 14) Integer> valueList,
            @ForAll boolean right) {
        List<Integer> sortedEdges = new ArrayList<>(edgeList);
        Collections.sort(sortedEdges);
        double[] edges = sortedEdges.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] values = valueList.stream().mapToDouble(v -> v / 2.0).toArray();
        int[] got = IndexOps.searchsorted(Tensor.of(edges, edges.length), Tensor.of(values, values.length), right);
        for (int i = 0; i < values.length; i++) {
            assertEquals(linearScan(edges, 0, edges.length, values[i], right), got[i],
                    "value " + values[i] + " in " + sortedEdges + " right=" + right);
        }
        if (!right) {
            assertArrayEquals(got, IndexOps.bucketize(Tensor.of(values, values.length), Tensor.of(edges, edges.length)));
        }
    }

    @Property(tries = 100)
    void searchsortedPerValueEdgesAgreeWithLinearScan(@ForAll long seed, @ForAll boolean right,
            @ForAll @IntRange(min = 0, max = 9) int k) {
        Rng rng = new Rng(seed);
        int[] vshape = randomShape(rng, 1 + rng.nextInt(3));
        Tensor values = Tensor.zeros(DType.FLOAT32, vshape);
        int n = values.numel();
        double[] edges = new double[n * k];
        for (int i = 0; i < n; i++) {
            int e = -4;
            for (int j = 0; j < k; j++) {
                e += rng.nextInt(3);
                edges[i * k + j] = e;
            }
            values.set(i, (rng.nextInt(25) - 12) / 2.0);
        }
        int[] eshape = Arrays.copyOf(vshape, vshape.length + 1);
        eshape[vshape.length] = k;
        int[] got = IndexOps.searchsorted(Tensor.of(edges, eshape), values, right);
        for (int i = 0; i < n; i++) {
            assertEquals(linearScan(edges, i * k, k, values.get(i), right), got[i]);
        }
    }
}
