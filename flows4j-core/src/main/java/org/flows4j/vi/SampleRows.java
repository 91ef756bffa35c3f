package org.flows4j.vi;

import java.util.Arrays;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Per-sample bookkeeping shared by the loss and the estimates: the kind of each sample ({@link SampleCounts}),
 * the rows to keep, a row selection that keeps the graph, and the target's output checked.
 */
final class SampleRows {
    static final byte USABLE = 0;
    static final byte NON_FINITE = 1;
    static final byte INVALID = 2;
    static final byte OUTSIDE = 3;

    private SampleRows() {
    }

    /** Refuses a flow and a target that cannot be fitted to each other, naming both sizes. */
    static void requireCompatible(String who, Distribution q, Target target) {
        if (q.features() != target.features()) {
            throw new IllegalArgumentException(who + ": the target " + target.name() + " has " + target.features()
                    + " features but the flow has " + q.features());
        }
        if (q.contextFeatures() != 0) {
            throw new IllegalArgumentException(who + ": expected an unconditional flow (0 context features), got "
                    + q.contextFeatures());
        }
    }

    /**
     * The kind of each of the {@code m} samples {@code x [m, D]} with flow log-densities {@code lq [m]} and target
     * log-densities {@code lp [m]}: non-finite first (a flow value), then invalid (NaN or +inf target), then outside.
     */
    static byte[] classify(Tensor x, Tensor lq, Tensor lp) {
        int m = x.size(0);
        int d = x.size(1);
        byte[] kinds = new byte[m];
        for (int i = 0; i < m; i++) {
            boolean finite = Double.isFinite(lq.get(i));
            for (int j = 0; j < d && finite; j++) {
                finite = Double.isFinite(x.get(i * d + j));
            }
            double p = lp.get(i);
            kinds[i] = !finite ? NON_FINITE : Double.isNaN(p) || p == Double.POSITIVE_INFINITY ? INVALID
                    : p == Double.NEGATIVE_INFINITY ? OUTSIDE : USABLE;
        }
        return kinds;
    }

    /** How many samples of each kind. */
    static SampleCounts count(byte[] kinds) {
        int[] c = new int[4];
        for (byte k : kinds) {
            c[k]++;
        }
        return new SampleCounts(kinds.length, c[NON_FINITE], c[INVALID], c[OUTSIDE]);
    }

    /** The indices of the samples of kind {@code kind}, in order. */
    static int[] indicesOf(byte[] kinds, byte kind) {
        int[] out = new int[kinds.length];
        int n = 0;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == kind) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Rows {@code rows} of {@code a} ({@code [m]} or {@code [m, D]}), recorded for gradients: the gradient of a row
     * left out is zero.
     */
    static Variable select(Variable a, int[] rows) {
        if (a.rank() == 1) {
            return IndexOps.gather(a, rows);
        }
        int d = a.size(1);
        int[] flat = new int[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < d; j++) {
                flat[r * d + j] = rows[r] * d + j;
            }
        }
        return ShapeOps.reshape(IndexOps.gather(ShapeOps.reshape(a, a.size(0) * d), flat), rows.length, d);
    }

    /** {@code log p~(x)} of the target, checked to be {@code [m]} in the dtype of {@code x}. */
    static Variable logDensity(Target target, Variable x) {
        Variable lp = target.logDensity(x);
        String who = "Target " + target.name() + ".logDensity";
        if (lp == null) {
            throw new IllegalArgumentException(who + ": expected [" + x.size(0) + "] log-densities, got null");
        }
        if (lp.rank() != 1 || lp.size(0) != x.size(0)) {
            throw new ShapeMismatchException(who + ": expected shape [" + x.size(0) + "], got "
                    + Shape.str(lp.shape()));
        }
        if (lp.dtype() != x.dtype()) {
            throw new IllegalArgumentException(who + ": expected dtype " + x.dtype() + " (the flow's), got "
                    + lp.dtype());
        }
        return lp;
    }
}
