package org.flows4j.vi;

import java.util.function.Supplier;

/**
 * Progress callbacks of a {@link VariationalTrainer}, called on the training thread, in the style of
 * {@link org.flows4j.train.TrainListener}. Every method has an empty default.
 */
public interface ViListener {
    /** Called once before the first step with the run's number of steps (as planned, before early stopping). */
    default void onStart(long totalSteps) {
    }

    /** Called after a held-out check, before the {@link #onStep} of the same step. */
    default void onCheck(HeldOutCheck check) {
    }

    /**
     * Called after every step (and its check, if one was due). {@code checkpoint.get()} snapshots everything needed
     * to resume exactly from here; call it only when you want to save one (it copies every tensor).
     */
    default void onStep(StepStats stats, Supplier<ViState> checkpoint) {
    }
}
