package org.flows4j.tensor.kernel;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * The four arithmetic operations element by element, {@code out = a (+|-|*|/) b} with broadcasting,
 * and {@code a + c}, {@code c * a} for a scalar {@code c}, in dedicated loops. {@link Elementwise#zip} and
 * {@link Elementwise#map} call a lambda per element; once many lambdas have passed through them the
 * JIT sees a megamorphic call site and can no longer inline it, which made every elementwise op of a
 * flow cost a virtual call per element. These loops have the operation fixed per loop instead.
 *
 * <p>Values are exactly those of {@code Elementwise.zip(a, b, fn)} / {@code Elementwise.map(a, fn)}
 * with the matching {@code fn}: each element is computed in double and float32 results are rounded
 * once. The float32 row loops use float arithmetic, which gives the same bits: for +, -, * and / of
 * two floats, rounding the exact result to double and then to float equals rounding it to float once,
 * because double carries more than twice float's 24 significand bits plus two (53 >= 2 * 24 + 2); the
 * float loops run 16 lanes at a time, the widening ones one element at a time. Layouts other than
 * equal shapes and a row against a matrix use the strided path.
 */
public final class BinaryKernels {
    /** The operation of {@link #zip}. */
    public enum Op {
        /** {@code a + b}. */
        ADD((x, y) -> x + y),
        /** {@code a - b}. */
        SUB((x, y) -> x - y),
        /** {@code a * b}. */
        MUL((x, y) -> x * y),
        /** {@code a / b}. */
        DIV((x, y) -> x / y);

        private final DoubleBinaryOperator fn;

        Op(DoubleBinaryOperator fn) {
            this.fn = fn;
        }

        /** The operation as a function (for the strided path and for tests). */
        public DoubleBinaryOperator fn() {
            return fn;
        }
    }

    private BinaryKernels() {
    }

    /** {@code a op b} over the broadcast shape; dtypes must match; {@code name} names the caller in errors. */
    public static Tensor zip(Tensor a, Tensor b, Op op, String name) {
        a.requireSameDType(b, name);
        int[] as = a.shape();
        int[] bs = b.shape();
        boolean same = Arrays.equals(as, bs);
        boolean bRow = !same && Elementwise.isRowOf(bs, as);
        boolean aRow = !same && !bRow && Elementwise.isRowOf(as, bs);
        if (!same && !bRow && !aRow) {
            return Elementwise.zipStrided(a, b, op.fn(), name);
        }
        Tensor out = (aRow ? b : a).zerosLike();
        int n = out.numel();
        int d = same ? n : aRow ? a.numel() : b.numel();
        if (a.dtype() == DType.FLOAT32) {
            float[] o = out.floatData();
            for (int base = 0; base < n; base += Math.max(d, 1)) {
                rowFloat(op, a.floatData(), aRow ? 0 : base, b.floatData(), bRow ? 0 : base, o, base, d);
            }
        } else {
            double[] o = out.doubleData();
            for (int base = 0; base < n; base += Math.max(d, 1)) {
                rowDouble(op, a.doubleData(), aRow ? 0 : base, b.doubleData(), bRow ? 0 : base, o, base, d);
            }
        }
        return out;
    }

    private static void rowFloat(Op op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int len) {
        switch (op) {
            case ADD:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] + b[bo + j];
                }
                break;
            case SUB:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] - b[bo + j];
                }
                break;
            case MUL:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] * b[bo + j];
                }
                break;
            default:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] / b[bo + j];
                }
        }
    }

    private static void rowDouble(Op op, double[] a, int ao, double[] b, int bo, double[] o, int oo, int len) {
        switch (op) {
            case ADD:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] + b[bo + j];
                }
                break;
            case SUB:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] - b[bo + j];
                }
                break;
            case MUL:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] * b[bo + j];
                }
                break;
            default:
                for (int j = 0; j < len; j++) {
                    o[oo + j] = a[ao + j] / b[bo + j];
                }
        }
    }

    /** {@code out[i] = a[i] + c}, computed in double. */
    public static Tensor addScalar(Tensor a, double c) {
        Tensor out = a.zerosLike();
        int n = a.numel();
        float[] af = a.floatData();
        if (af != null) {
            float[] o = out.floatData();
            for (int i = 0; i < n; i++) {
                o[i] = (float) (af[i] + c);
            }
        } else {
            double[] ad = a.doubleData();
            double[] o = out.doubleData();
            for (int i = 0; i < n; i++) {
                o[i] = ad[i] + c;
            }
        }
        return out;
    }

    /** {@code out[i] = c * a[i]}, computed in double ({@code c = -1} negates, keeping signed zeros). */
    public static Tensor mulScalar(Tensor a, double c) {
        Tensor out = a.zerosLike();
        int n = a.numel();
        float[] af = a.floatData();
        if (af != null) {
            float[] o = out.floatData();
            for (int i = 0; i < n; i++) {
                o[i] = (float) (c * af[i]);
            }
        } else {
            double[] ad = a.doubleData();
            double[] o = out.doubleData();
            for (int i = 0; i < n; i++) {
                o[i] = c * ad[i];
            }
        }
        return out;
    }
}
