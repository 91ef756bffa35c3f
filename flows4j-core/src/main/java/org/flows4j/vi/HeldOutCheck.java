package org.flows4j.vi;

/**
 * A held-out check of a {@link VariationalTrainer} run: the importance-weighted estimate from
 * {@link ViConfig#checkSamples()} samples drawn from the same fixed seed at every check (so two checks differ only
 * by the flow), whose {@link ImportanceEstimate#elbo() ELBO} decides early stopping.
 *
 * @param step     the number of steps taken when the check ran
 * @param estimate the estimate
 * @param improved whether its ELBO was finite and above every earlier check's (the flow's weights were kept)
 */
public record HeldOutCheck(long step, ImportanceEstimate estimate, boolean improved) {
}
