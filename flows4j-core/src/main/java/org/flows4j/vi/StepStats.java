package org.flows4j.vi;

/**
 * What one step of a {@link VariationalTrainer} did.
 *
 * @param step     the 1-based step number
 * @param loss     the annealed reverse-KL loss over the usable samples ({@link KlEstimate#loss()})
 * @param elbo     the ELBO over the usable samples, at {@code beta = 1} ({@link KlEstimate#elbo()})
 * @param beta     the target's inverse temperature ({@link Annealing#beta})
 * @param lr       the learning rate
 * @param gradNorm the global norm of the gradient before clipping; NaN when the samples refused the step
 * @param counts   the kinds of the step's samples
 * @param refused  whether the optimizer skipped the step: more than half of the samples were left out, or the
 *                 gradient was not finite
 */
public record StepStats(long step, double loss, double elbo, double beta, double lr, double gradNorm,
                        SampleCounts counts, boolean refused) {
}
