package org.flows4j.tensor;

import java.util.Arrays;

/**
 * Static helpers on shapes ({@code int[]} of axis sizes, row-major): element counts, axis
 * normalization and NumPy-style broadcasting of size-1 axes.
 *
 * <p>Broadcasting aligns shapes from the right; two axes are compatible when they are equal or one
 * of them is 1, and the result takes the larger. Missing leading axes count as 1.
 */
public final class Shape {
    private Shape() {
    }

    /** Product of the axis sizes (1 for a scalar shape). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative axis size in shape " + str(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Human-readable form such as {@code [512, 128]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Turns a possibly negative axis (counting from the end) into an index in {@code [0, rank)}. */
    public static int axis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** Broadcast shape of {@code a} and {@code b}, or an error naming both shapes and the op. */
    public static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op, a, b);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Row-major strides of a contiguous tensor with this shape. */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /**
     * Strides that read a tensor of shape {@code in} as if it had the broadcast shape {@code out}:
     * broadcast (size-1 or missing) axes get stride 0.
     */
    public static int[] broadcastStrides(int[] in, int[] out) {
        int[] base = strides(in);
        int[] st = new int[out.length];
        int off = out.length - in.length;
        for (int i = 0; i < out.length; i++) {
            int j = i - off;
            st[i] = (j < 0 || in[j] == 1) ? 0 : base[j];
        }
        return st;
    }
}
