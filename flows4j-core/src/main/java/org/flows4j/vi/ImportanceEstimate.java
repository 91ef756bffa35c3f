package org.flows4j.vi;

import org.flows4j.autodiff.GradMode;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.Sampled;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * The importance-weighted estimate of the target's log-normalizer from {@code M} samples {@code x_i ~ q} with
 * log-weights {@code w_i = log p~(x_i) - log q(x_i)}. With {@code w* = max_i w_i} and {@code e_i = exp(w_i - w*)},
 * <pre>
 *   log Z^   = w* + log((1/M) sum_i e_i)                      (log-mean-exp of w)
 *   stderr   = sd(e) / (sqrt(M) mean(e))                      (delta method; sd with M - 1 in the denominator)
 *   ESS      = (sum_i e^{w_i})^2 / sum_i e^{2 w_i} = (sum_i e_i)^2 / sum_i e_i^2,   essFraction = ESS / M
 *   ELBO     = (1/M_f) sum_{finite w_i} w_i                   (a lower bound on log Z in expectation)
 * </pre>
 * {@code log Z^} is consistent and, since log is concave, biased low by about {@code stderr^2 / 2}; the ESS
 * fraction is 1 exactly when every weight is equal ({@code q} proportional to {@code p~}). The standard error comes
 * from the weights drawn, so it cannot see mass of {@code p} that {@code q} almost never reaches (tails lighter
 * than the target's): then the estimate is low by more than its standard error suggests.
 *
 * <p>Bad samples ({@link SampleCounts}): a sample outside the support ({@code w = -inf}) has weight 0 and counts in
 * {@code M}; an invalid one (NaN or {@code +inf} target) or a non-finite one (a flow value) is left out of every
 * sum and of {@code M}. When every used weight is 0, {@code log Z^ = -inf}, the ESS is 0 and the standard error
 * NaN; the standard error is NaN too for {@code M < 2}.
 *
 * @param samples     {@code M}, the samples used (drawn minus invalid and non-finite)
 * @param logZ        {@code log Z^}
 * @param stderr      its standard error
 * @param ess         the effective sample size
 * @param essFraction {@code ESS / M}, in {@code (0, 1]}
 * @param elbo        the mean of the finite log-weights (NaN when none)
 * @param counts      the kinds of all the samples drawn
 */
public record ImportanceEstimate(int samples, double logZ, double stderr, double ess, double essFraction, double elbo,
                                 SampleCounts counts) {
    /** Samples drawn per pass of {@link #estimate}: each pass records no graph, so memory stays bounded. */
    public static final int CHUNK = 8192;

    /**
     * The estimate from hand-made log-weights: NaN and {@code +inf} entries count as invalid, {@code -inf} ones as
     * outside the support.
     *
     * @throws IllegalArgumentException when {@code logWeights} is empty
     */
    public static ImportanceEstimate of(double[] logWeights) {
        if (logWeights.length == 0) {
            throw new IllegalArgumentException("ImportanceEstimate.of: expected at least one log-weight, got none");
        }
        double[] used = new double[logWeights.length];
        int m = 0;
        int invalid = 0;
        int outside = 0;
        for (double w : logWeights) {
            if (Double.isNaN(w) || w == Double.POSITIVE_INFINITY) {
                invalid++;
            } else {
                outside += w == Double.NEGATIVE_INFINITY ? 1 : 0;
                used[m++] = w;
            }
        }
        return fromUsed(used, m, new SampleCounts(logWeights.length, 0, invalid, outside));
    }

    /**
     * The estimate from {@code m} fresh samples of {@code q} (in evaluation mode, its mode restored after), drawn
     * {@link #CHUNK} at a time under {@link GradMode#noGrad()}.
     *
     * @throws IllegalArgumentException when {@code m < 1} or the target does not fit the flow
     */
    public static ImportanceEstimate estimate(Distribution q, Target target, int m, Rng rng) {
        SampleRows.requireCompatible("ImportanceEstimate.estimate", q, target);
        if (m < 1) {
            throw new IllegalArgumentException("ImportanceEstimate.estimate: expected at least 1 sample, got " + m);
        }
        double[] used = new double[m];
        int n = 0;
        SampleCounts counts = SampleCounts.NONE;
        boolean wasTraining = q.isTraining();
        q.train(false);
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int from = 0; from < m; from += CHUNK) {
                int size = Math.min(CHUNK, m - from);
                Sampled x = q.sampleAndLogProb(size, rng);
                Tensor lq = x.logProb().value();
                Tensor lp = SampleRows.logDensity(target, x.samples()).value();
                byte[] kinds = SampleRows.classify(x.samples().value(), lq, lp);
                counts = counts.plus(SampleRows.count(kinds));
                for (int i = 0; i < size; i++) {
                    if (kinds[i] == SampleRows.USABLE || kinds[i] == SampleRows.OUTSIDE) {
                        used[n++] = lp.get(i) - lq.get(i);
                    }
                }
            }
        } finally {
            q.train(wasTraining);
        }
        return fromUsed(used, n, counts);
    }

    /** The estimate from the first {@code m} entries of {@code w}, each finite or {@code -inf}. */
    private static ImportanceEstimate fromUsed(double[] w, int m, SampleCounts counts) {
        if (m == 0) {
            return new ImportanceEstimate(0, Double.NaN, Double.NaN, 0, 0, Double.NaN, counts);
        }
        double max = Double.NEGATIVE_INFINITY;
        double finiteSum = 0;
        int finite = 0;
        for (int i = 0; i < m; i++) {
            max = Math.max(max, w[i]);
            if (w[i] != Double.NEGATIVE_INFINITY) {
                finiteSum += w[i];
                finite++;
            }
        }
        double elbo = finite == 0 ? Double.NaN : finiteSum / finite;
        if (max == Double.NEGATIVE_INFINITY) {
            return new ImportanceEstimate(m, Double.NEGATIVE_INFINITY, Double.NaN, 0, 0, elbo, counts);
        }
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < m; i++) {
            double e = Math.exp(w[i] - max);
            s1 += e;
            s2 += e * e;
        }
        double mean = s1 / m;
        double ss = 0;
        for (int i = 0; i < m; i++) {
            double dev = Math.exp(w[i] - max) - mean;
            ss += dev * dev;
        }
        double stderr = m < 2 ? Double.NaN : Math.sqrt(ss / (m - 1)) / (Math.sqrt(m) * mean);
        double ess = s1 * s1 / s2;
        return new ImportanceEstimate(m, max + Math.log(mean), stderr, ess, ess / m, elbo, counts);
    }
}
