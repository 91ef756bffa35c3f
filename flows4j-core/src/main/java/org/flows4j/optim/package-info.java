/**
 * Optimizers that update {@link org.flows4j.nn.Parameter}s in place from their accumulated
 * gradients ({@link org.flows4j.optim.SGD}, {@link org.flows4j.optim.Adam},
 * {@link org.flows4j.optim.AdamW}), global-norm gradient clipping ({@link org.flows4j.optim.GradClip})
 * and learning-rate schedules ({@link org.flows4j.optim.LrSchedule}); an
 * {@link org.flows4j.optim.OptimizerFactory} makes a training run's optimizer from the model's parameters.
 */
package org.flows4j.optim;
