package org.flows4j.optim;

/**
 * A learning rate as a function of the 0-based optimizer step {@code t}; before step {@code t} a
 * training loop calls {@code optimizer.setLearningRate(schedule.lr(t))}. Schedules are immutable
 * values and compose: {@code new Cosine(1e-3, 10_000, 0).withWarmup(500)} warms up for 500 steps
 * and then decays over the next 10 000; {@code a.then(n, b)} follows {@code a} for {@code n} steps
 * and then {@code b} (restarted at its step 0).
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate for step {@code t >= 0}. */
    double lr(long t);

    /** This schedule preceded by a linear warm-up of {@code warmupSteps} steps ({@link LinearWarmup}). */
    default LrSchedule withWarmup(long warmupSteps) {
        return new LinearWarmup(this, warmupSteps);
    }

    /** This schedule for steps {@code [0, steps)}, then {@code next} from its step 0 ({@link Sequential}). */
    default LrSchedule then(long steps, LrSchedule next) {
        return new Sequential(this, steps, next);
    }

    /** Throws unless {@code t >= 0}; schedules call it on their argument. */
    static long checkStep(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("LrSchedule: the step must be >= 0, got " + t);
        }
        return t;
    }

    /** Throws unless {@code lr} is finite and {@code >= 0}; {@code what} names it. */
    static double checkRate(double lr, String what) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + lr);
        }
        return lr;
    }
}
