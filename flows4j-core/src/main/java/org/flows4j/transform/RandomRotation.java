package org.flows4j.transform;

import org.flows4j.tensor.Rng;

/**
 * Draws a random orthogonal matrix and factors it for {@link LULinear}. The matrix {@code Q} comes from
 * modified Gram-Schmidt on the rows of a standard Gaussian matrix. Partial pivoting gives
 * {@code Q = P L U'} with {@code L} unit lower and {@code U'} upper; multiplying by
 * {@code S = diag(sign U'_jj)} on the right gives the orthogonal {@code W = Q S = P L (U' S)}, whose
 * upper factor {@code U' S} has the positive diagonal {@code |U'_jj|} that {@code exp(logDiagU)} can hold.
 */
final class RandomRotation {
    private RandomRotation() {
    }

    /**
     * The factors of {@code W = P L U}: row {@code i} of {@code W} is row {@code perm[i]} of {@code L U};
     * {@code lowerStrict} and {@code upperStrict} are packed row-major as {@link TriangleOps} expects.
     */
    record Factors(int[] perm, double[] lowerStrict, double[] logDiagU, double[] upperStrict) {
    }

    static Factors draw(int d, Rng rng) {
        double[][] q = orthogonal(d, rng);
        int[] piv = new int[d];
        for (int i = 0; i < d; i++) {
            piv[i] = i;
        }
        for (int k = 0; k < d; k++) {
            int p = k;
            for (int i = k + 1; i < d; i++) {
                if (Math.abs(q[i][k]) > Math.abs(q[p][k])) {
                    p = i;
                }
            }
            double[] row = q[p];
            q[p] = q[k];
            q[k] = row;
            int t = piv[p];
            piv[p] = piv[k];
            piv[k] = t;
            for (int i = k + 1; i < d; i++) {
                double l = q[i][k] / q[k][k];
                q[i][k] = l;
                for (int j = k + 1; j < d; j++) {
                    q[i][j] -= l * q[k][j];
                }
            }
        }
        int[] perm = new int[d];
        for (int i = 0; i < d; i++) {
            perm[piv[i]] = i;
        }
        int strict = d * (d - 1) / 2;
        double[] lower = new double[strict];
        double[] upper = new double[strict];
        double[] logDiag = new double[d];
        int lk = 0;
        int uk = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (j < i) {
                    lower[lk++] = q[i][j];
                } else if (j > i) {
                    upper[uk++] = q[i][j] * Math.signum(q[j][j]);
                } else {
                    logDiag[i] = Math.log(Math.abs(q[i][i]));
                }
            }
        }
        return new Factors(perm, lower, logDiag, upper);
    }

    /** Rows of a Gaussian matrix made orthonormal by modified Gram-Schmidt (redrawn if one degenerates). */
    private static double[][] orthogonal(int d, Rng rng) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            double norm = 0;
            while (norm < 1e-6) {
                for (int j = 0; j < d; j++) {
                    q[i][j] = rng.nextGaussian();
                }
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += q[i][j] * q[k][j];
                    }
                    for (int j = 0; j < d; j++) {
                        q[i][j] -= dot * q[k][j];
                    }
                }
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    ss += q[i][j] * q[i][j];
                }
                norm = Math.sqrt(ss);
            }
            for (int j = 0; j < d; j++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }
}
