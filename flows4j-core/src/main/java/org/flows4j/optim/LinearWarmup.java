package org.flows4j.optim;

/**
 * A linear warm-up in front of another schedule: {@code lr(t) = base.lr(0) * (t + 1) / W} for
 * {@code t < W}, then {@code base.lr(t - W)}. Step 0 already gets {@code 1/W} of the rate (never a
 * wasted zero step) and step {@code W - 1} the full {@code base.lr(0)}.
 *
 * @param base        the schedule that follows, started at its own step 0
 * @param warmupSteps {@code W >= 0}; 0 means no warm-up
 */
public record LinearWarmup(LrSchedule base, long warmupSteps) implements LrSchedule {
    /** Validates the arguments. */
    public LinearWarmup {
        if (base == null) {
            throw new IllegalArgumentException("LinearWarmup: the following schedule is null");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("LinearWarmup: warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    @Override
    public double lr(long t) {
        LrSchedule.checkStep(t);
        if (t < warmupSteps) {
            return base.lr(0) * (t + 1) / warmupSteps;
        }
        return base.lr(t - warmupSteps);
    }
}
