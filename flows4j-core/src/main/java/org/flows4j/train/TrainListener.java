package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import java.util.function.Supplier;

/**
 * Progress callbacks of a {@link Trainer}, called on the training thread. Every method has an empty
 * default, so a listener overrides only what it needs.
 */
public interface TrainListener {
    /** Called once before the first step with the run's total number of steps (as planned, before early stopping). */
    default void onStart(long totalSteps, int stepsPerEpoch) {
    }

    /** Called after every optimizer step with the 1-based epoch, the step count so far and the minibatch loss. */
    default void onStep(int epoch, long step, double loss) {
    }

    /**
     * Called after each epoch's validation. {@code checkpoint.get()} snapshots everything needed to
     * resume exactly from here; call it only when you want to save one (it copies every tensor).
     */
    default void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
    }
}
