package org.flows4j.data;

import java.util.Arrays;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;

/**
 * An array read by {@link IdxReader}: its element type in the file, its shape and its values widened to
 * double in row-major order. {@link #rows()} flattens every axis after the first, so {@code [N, 28, 28]}
 * images become {@code N} rows of 784 values (pixel {@code (r, c)} at column {@code 28 r + c}).
 *
 * @param type   element type declared in the file
 * @param shape  the dimension sizes (at least one)
 * @param values {@code prod(shape)} values, row-major; held as given, not copied
 */
public record IdxData(IdxReader.ElementType type, int[] shape, double[] values) {
    /** Checks that the values fill the shape. */
    public IdxData {
        shape = shape.clone();
        if (shape.length == 0) {
            throw new IllegalArgumentException("IdxData: shape must have at least one dimension");
        }
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException("IdxData: shape " + Arrays.toString(shape) + " needs "
                    + Shape.numel(shape) + " values, got " + values.length);
        }
    }

    /** The dimension sizes (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of rows: the first dimension. */
    public int numRows() {
        return shape[0];
    }

    /** Values per row: the product of the dimensions after the first (1 for a vector). */
    public int rowLength() {
        return Shape.numel(Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** The values as {@code [numRows][rowLength]} (a copy). */
    public double[][] rows() {
        int m = rowLength();
        double[][] out = new double[shape[0]][m];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(values, i * m, out[i], 0, m);
        }
        return out;
    }

    /** The rows as a {@code [numRows, rowLength]} tensor of {@code dtype} (a copy). */
    public Tensor toTensor(DType dtype) {
        return Tensor.of(values, shape[0], rowLength()).to(dtype);
    }
}
