package org.flows4j.distribution;

import org.flows4j.autodiff.Variable;

/**
 * Samples drawn from a distribution together with their log-densities.
 *
 * @param samples the rows drawn, {@code [n, D]}
 * @param logProb {@code log p} of each row, {@code [n]}
 */
public record Sampled(Variable samples, Variable logProb) {
}
