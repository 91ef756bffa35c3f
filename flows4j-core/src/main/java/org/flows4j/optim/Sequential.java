package org.flows4j.optim;

/**
 * Two schedules one after the other: {@code lr(t) = first.lr(t)} for {@code t < S}, then
 * {@code second.lr(t - S)}.
 *
 * @param first      the schedule for steps {@code [0, S)}
 * @param firstSteps {@code S >= 0}
 * @param second     the schedule from step {@code S} on, started at its own step 0
 */
public record Sequential(LrSchedule first, long firstSteps, LrSchedule second) implements LrSchedule {
    /** Validates the arguments. */
    public Sequential {
        if (first == null || second == null) {
            throw new IllegalArgumentException("Sequential: a schedule is null");
        }
        if (firstSteps < 0) {
            throw new IllegalArgumentException("Sequential: firstSteps must be >= 0, got " + firstSteps);
        }
    }

    @Override
    public double lr(long t) {
        LrSchedule.checkStep(t);
        return t < firstSteps ? first.lr(t) : second.lr(t - firstSteps);
    }
}
