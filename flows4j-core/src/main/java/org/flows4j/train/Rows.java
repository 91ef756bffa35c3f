package org.flows4j.train;

import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * Row copies for minibatches: {@code gather} copies rows {@code idx[from..to)} of a {@code [N, D]}
 * tensor into a new {@code [to-from, D]} tensor, {@code range} the contiguous rows {@code [from, to)}.
 */
final class Rows {
    private Rows() {
    }

    static Tensor gather(Tensor src, int[] idx, int from, int to) {
        int d = src.size(1);
        int n = to - from;
        if (src.dtype() == DType.FLOAT32) {
            float[] s = src.floatData();
            float[] out = new float[n * d];
            for (int r = 0; r < n; r++) {
                System.arraycopy(s, idx[from + r] * d, out, r * d, d);
            }
            return Tensor.wrap(out, n, d);
        }
        double[] s = src.doubleData();
        double[] out = new double[n * d];
        for (int r = 0; r < n; r++) {
            System.arraycopy(s, idx[from + r] * d, out, r * d, d);
        }
        return Tensor.wrap(out, n, d);
    }

    static Tensor range(Tensor src, int from, int to) {
        int d = src.size(1);
        if (src.dtype() == DType.FLOAT32) {
            return Tensor.wrap(java.util.Arrays.copyOfRange(src.floatData(), from * d, to * d), to - from, d);
        }
        return Tensor.wrap(java.util.Arrays.copyOfRange(src.doubleData(), from * d, to * d), to - from, d);
    }
}
