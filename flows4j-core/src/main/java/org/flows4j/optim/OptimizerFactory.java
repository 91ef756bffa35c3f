package org.flows4j.optim;

import java.util.Map;
import org.flows4j.nn.Parameter;

/**
 * Makes the optimizer of a training run from the model's named parameters, for example
 * {@code params -> new SGD(params, 0.01, 0.9, 0)}. The learning rate given to the optimizer's
 * constructor only matters until the first step: a training loop sets the rate of every step from its
 * {@link LrSchedule} ({@code optimizer.setLearningRate(schedule.lr(t))}).
 */
@FunctionalInterface
public interface OptimizerFactory {
    /** A new optimizer over {@code parameters} (the model's {@code parameters()}, in their order). */
    Optimizer create(Map<String, Parameter> parameters);
}
