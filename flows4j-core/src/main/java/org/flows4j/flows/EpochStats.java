package org.flows4j.flows;

/**
 * What one epoch did.
 *
 * @param epoch     1-based epoch number
 * @param steps     optimizer steps taken so far in the run
 * @param trainLoss mean of the epoch's minibatch losses (nats per row)
 * @param valNll    mean validation negative log-likelihood (nats per row), NaN without validation data
 * @param lr        learning rate of the epoch's last step
 * @param seconds   wall time of the epoch including validation
 */
public record EpochStats(int epoch, long steps, double trainLoss, double valNll, double lr, double seconds) {
}
