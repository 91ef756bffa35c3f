package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The dedicated arithmetic loops give exactly the values of the general lambda paths of Elementwise. */
class BinaryKernelsTest {
    private static final int[][][] LAYOUTS = {
        {{5, 7}, {5, 7}},
        {{5, 7}, {7}},
        {{7}, {5, 7}},
        {{1, 7}, {4, 7}},
        {{2, 3, 7}, {1, 1, 7}},
        {{1, 1, 7}, {2, 3, 7}},
        {{4, 1}, {1, 6}},
        {{3, 4}, {}},
        {{0, 3}, {3}},
        {{3, 301}, {3, 301}},
        {{3, 301}, {301}},
    };

    /** Values whose float32 results overflow, underflow to subnormals or zero, or are NaN or infinite. */
    private static final double[] SPECIAL = {Float.MAX_VALUE, -Float.MAX_VALUE, 3e38, Float.MIN_VALUE, 1e-30, -1e-25,
        Float.MIN_NORMAL, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e20, 1e-20, 7.0};

    private static Tensor random(Rng rng, DType dtype, int[] shape) {
        Tensor t = Tensor.randn(rng, dtype, shape);
        for (int i = 0; i < t.numel(); i += 5) {
            t.set(i, i % 10 == 0 ? 0.0 : -0.0);
        }
        for (int i = 2; i < t.numel(); i += 3) {
            t.set(i, SPECIAL[rng.nextInt(SPECIAL.length)] * (i % 2 == 0 ? 1 : -1));
        }
        return t;
    }

    @Test
    void zipMatchesTheStridedLambdaPathBitForBit() {
        Rng rng = new Rng(17);
        for (DType dtype : DType.values()) {
            for (int[][] layout : LAYOUTS) {
                Tensor a = random(rng, dtype, layout[0]);
                Tensor b = random(rng, dtype, layout[1]);
                for (BinaryKernels.Op op : BinaryKernels.Op.values()) {
                    Tensor fast = BinaryKernels.zip(a, b, op, "test");
                    Tensor plain = Elementwise.zipStrided(a, b, op.fn(), "test");
                    String what = dtype + " " + op + " " + Shape.str(a.shape()) + " with " + Shape.str(b.shape());
                    assertArrayEquals(plain.shape(), fast.shape(), what);
                    assertArrayEquals(plain.toDoubleArray(), fast.toDoubleArray(), 0.0, what);
                    for (int i = 0; i < plain.numel(); i++) {
                        assertEquals(Double.doubleToRawLongBits(plain.get(i)), Double.doubleToRawLongBits(fast.get(i)),
                                what + " signed zero at " + i);
                    }
                }
            }
        }
    }

    @Test
    void opsComputeWhatTheyAreNamed() {
        Tensor a = Tensor.of(new double[] {6, -3}, 2);
        Tensor b = Tensor.of(new double[] {2, 4}, 2);
        assertArrayEquals(new double[] {8, 1}, BinaryKernels.zip(a, b, BinaryKernels.Op.ADD, "t").toDoubleArray());
        assertArrayEquals(new double[] {4, -7}, BinaryKernels.zip(a, b, BinaryKernels.Op.SUB, "t").toDoubleArray());
        assertArrayEquals(new double[] {12, -12}, BinaryKernels.zip(a, b, BinaryKernels.Op.MUL, "t").toDoubleArray());
        assertArrayEquals(new double[] {3, -0.75}, BinaryKernels.zip(a, b, BinaryKernels.Op.DIV, "t").toDoubleArray());
    }

    @Test
    void scalarLoopsMatchMap() {
        Rng rng = new Rng(18);
        for (DType dtype : DType.values()) {
            Tensor a = random(rng, dtype, new int[] {6, 5});
            for (double c : new double[] {0.7, -1.0, 1e-3, 0.0}) {
                assertArrayEquals(Elementwise.map(a, x -> x + c).toDoubleArray(),
                        BinaryKernels.addScalar(a, c).toDoubleArray(), 0.0, dtype + " + " + c);
                Tensor fast = BinaryKernels.mulScalar(a, c);
                Tensor plain = Elementwise.map(a, x -> c * x);
                for (int i = 0; i < a.numel(); i++) {
                    assertEquals(Double.doubleToRawLongBits(plain.get(i)), Double.doubleToRawLongBits(fast.get(i)),
                            dtype + " * " + c + " at " + i);
                }
            }
        }
    }

    @Test
    void mismatchedShapesAndDtypesAreRejected() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertThrows(ShapeMismatchException.class,
                () -> BinaryKernels.zip(a, Tensor.zeros(DType.FLOAT32, 4), BinaryKernels.Op.ADD, "add"));
        assertThrows(IllegalArgumentException.class,
                () -> BinaryKernels.zip(a, Tensor.zeros(DType.FLOAT64, 2, 3), BinaryKernels.Op.ADD, "add"));
    }
}
