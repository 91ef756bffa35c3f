package org.flows4j.vi;

/**
 * One step's reverse-KL loss and ELBO over its {@code G} usable samples (see {@link SampleCounts}):
 * <pre>
 *   loss = (1/G) sum_{usable i} (log q(x_i) - beta log p~(x_i))
 *   ELBO = (1/G) sum_{usable i} (log p~(x_i) - log q(x_i))      (at beta = 1)
 * </pre>
 * Both NaN when no sample is usable. The step is {@link #refused()} when more than half of its samples were
 * dropped; then no gradient was kept.
 *
 * @param loss   the annealed loss
 * @param elbo   the ELBO
 * @param beta   the inverse temperature of the target
 * @param counts the kinds of the step's samples
 */
public record KlEstimate(double loss, double elbo, double beta, SampleCounts counts) {
    /** Whether more than half of the samples were dropped: {@code 2 * usable < total}. */
    public boolean refused() {
        return 2L * counts.usable() < counts.total();
    }
}
