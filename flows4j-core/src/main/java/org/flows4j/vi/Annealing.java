package org.flows4j.vi;

/**
 * The inverse temperature {@code beta} of the target in the annealed reverse-KL loss
 * {@code mean(log q(x) - beta log p~(x))} (Rezende &amp; Mohamed 2015): at 0-based step {@code t},
 * <pre>  beta(t) = min(1, beta0 + t / W)   for a warm-up of W &gt; 0 steps,   beta(t) = 1 when W = 0,</pre>
 * normflows' scheme ({@code np.min([1., beta0 + it / anneal_iter])} in its examples), so a run set up like
 * normflows' sees the same {@code beta} at every step. {@code beta} rises linearly by {@code 1 / W} per step from
 * {@code beta0}, reaching 1 at step {@code ceil((1 - beta0) W)} (a little before {@code W} when {@code beta0 > 0}),
 * and stays there.
 *
 * @param beta0       the inverse temperature of step 0, in {@code (0, 1]}
 * @param warmupSteps {@code W >= 0}; 0 turns annealing off
 */
public record Annealing(double beta0, long warmupSteps) {
    /** No annealing: {@code beta = 1} at every step. */
    public static final Annealing NONE = new Annealing(1.0, 0);

    /** Validates the fields. */
    public Annealing {
        if (!(beta0 > 0 && beta0 <= 1)) {
            throw new IllegalArgumentException("Annealing: expected beta0 in (0, 1], got " + beta0);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("Annealing: expected warmupSteps >= 0, got " + warmupSteps);
        }
    }

    /** {@code beta(t)} of the 0-based step {@code t >= 0}. */
    public double beta(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("Annealing.beta: expected a step >= 0, got " + t);
        }
        return warmupSteps == 0 ? 1.0 : Math.min(1.0, beta0 + (double) t / warmupSteps);
    }
}
