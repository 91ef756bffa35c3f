package org.flows4j.optim;

/**
 * The same learning rate at every step: {@code lr(t) = lr}.
 *
 * @param lr the learning rate, finite and {@code >= 0}
 */
public record Constant(double lr) implements LrSchedule {
    /** Validates the rate. */
    public Constant {
        LrSchedule.checkRate(lr, "Constant: lr");
    }

    @Override
    public double lr(long t) {
        LrSchedule.checkStep(t);
        return lr;
    }
}
