package org.flows4j.optim;

/**
 * Cosine decay (Loshchilov &amp; Hutter 2017, without restarts) from {@code base} to {@code minLr}
 * over {@code totalSteps}: {@code lr(t) = minLr + (base - minLr) * (1 + cos(pi * t / T)) / 2} for
 * {@code t < T}, and {@code minLr} from {@code t = T} on.
 *
 * @param base       the rate at step 0
 * @param totalSteps {@code T > 0}, the number of steps of the decay
 * @param minLr      the final rate
 */
public record Cosine(double base, long totalSteps, double minLr) implements LrSchedule {
    /** Validates the arguments. */
    public Cosine {
        LrSchedule.checkRate(base, "Cosine: base");
        LrSchedule.checkRate(minLr, "Cosine: minLr");
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("Cosine: totalSteps must be > 0, got " + totalSteps);
        }
    }

    @Override
    public double lr(long t) {
        LrSchedule.checkStep(t);
        if (t >= totalSteps) {
            return minLr;
        }
        return minLr + (base - minLr) * 0.5 * (1.0 + Math.cos(Math.PI * t / totalSteps));
    }
}
