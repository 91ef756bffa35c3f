package org.flows4j.transform;

import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import java.util.Arrays;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * A fixed reordering of the features: {@code y_j = x_{perm[j]}}, the inverse {@code x_{perm[j]} = y_j},
 * i.e. {@code x_k = y_{inv[k]}} with {@code inv[perm[j]] = j}. Used between coupling or autoregressive
 * layers so that every feature gets transformed.
 *
 * <p>Log-det: the Jacobian is a permutation matrix, whose determinant is ±1, so
 * {@code log |det J| = 0} in both directions.
 *
 * <p>The permutation is a buffer named {@code permutation} (indices stored as float64, exact up to
 * {@code 2^53}), so it is saved in and restored from the state dict. It is read and re-validated on
 * each call, so a state dict holding something other than a permutation of {@code 0..D-1} is rejected
 * when used. Cost: {@code O(N D)} copies per direction.
 */
public final class Permutation extends Transform implements Part {
    private final Tensor permutation;

    private Permutation(int[] perm) {
        super(perm.length, 0);
        Tensor t = Tensor.zeros(DType.FLOAT64, perm.length);
        for (int j = 0; j < perm.length; j++) {
            t.set(j, perm[j]);
        }
        this.permutation = registerBuffer("permutation", t);
    }

    /** The permutation {@code y_j = x_{perm[j]}}; {@code perm} must hold each of {@code 0..D-1} exactly once. */
    public static Permutation of(int[] perm) {
        if (perm.length == 0) {
            throw new IllegalArgumentException("Permutation.of: expected a permutation of 0..D-1 with D >= 1, got an"
                    + " empty array");
        }
        validate("Permutation.of", perm);
        return new Permutation(perm.clone());
    }

    /** The reversal {@code y_j = x_{D-1-j}}. */
    public static Permutation reverse(int features) {
        checkFeatures("Permutation.reverse", features);
        int[] perm = new int[features];
        for (int j = 0; j < features; j++) {
            perm[j] = features - 1 - j;
        }
        return new Permutation(perm);
    }

    /** A uniformly random permutation of {@code features} values drawn from {@code rng}. */
    public static Permutation random(int features, Rng rng) {
        checkFeatures("Permutation.random", features);
        int[] perm = new int[features];
        for (int j = 0; j < features; j++) {
            perm[j] = j;
        }
        rng.shuffle(perm);
        return new Permutation(perm);
    }

    private static void checkFeatures(String who, int features) {
        if (features < 1) {
            throw new IllegalArgumentException(who + ": features must be at least 1, got " + features);
        }
    }

    private static void validate(String who, int[] perm) {
        int d = perm.length;
        int[] seenAt = new int[d];
        Arrays.fill(seenAt, -1);
        for (int j = 0; j < d; j++) {
            int k = perm[j];
            if (k < 0 || k >= d) {
                throw new IllegalArgumentException(who + ": expected a permutation of 0.." + (d - 1) + ", but entry "
                        + j + " is " + k + ", outside [0, " + d + ")");
            }
            if (seenAt[k] >= 0) {
                throw new IllegalArgumentException(who + ": expected a permutation of 0.." + (d - 1) + ", but " + k
                        + " appears twice (entries " + seenAt[k] + " and " + j + ")");
            }
            seenAt[k] = j;
        }
    }

    /** A copy of the permutation: {@code y_j = x_{result[j]}}. */
    public int[] indices() {
        int d = features();
        int[] perm = new int[d];
        for (int j = 0; j < d; j++) {
            double v = permutation.get(j);
            perm[j] = (int) v;
            if (perm[j] != v) {
                throw new IllegalArgumentException("Permutation: expected integer indices in the 'permutation'"
                        + " buffer, but entry " + j + " is " + v);
            }
        }
        validate("Permutation", perm);
        return perm;
    }

    /** The inverse permutation: {@code x_k = y_{result[k]}}. */
    public int[] inverseIndices() {
        int[] perm = indices();
        int[] inv = new int[perm.length];
        for (int j = 0; j < perm.length; j++) {
            inv[perm[j]] = j;
        }
        return inv;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(IndexOps.gather(x, indices()), RowLogDet.zeros(x.size(0), x.dtype()));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return new Transformed(IndexOps.gather(y, inverseIndices()), RowLogDet.zeros(y.size(0), y.dtype()));
    }

    /** Type {@code permutation}: {@code features}; the order itself is the buffer {@code permutation}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("permutation").with("features", features());
    }
}
