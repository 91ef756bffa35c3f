package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param history      one entry per completed epoch, in order
 * @param bestEpoch    the 1-based epoch whose weights the model holds now (the last epoch without validation data)
 * @param bestValNll   that epoch's validation NLL, NaN without validation data
 * @param stoppedEarly whether training stopped before the last epoch: patience or the time limit ran out
 * @param steps        optimizer steps taken in the whole run
 */
public record TrainResult(List<EpochStats> history, int bestEpoch, double bestValNll, boolean stoppedEarly, long steps) {
    /** Copies the history. */
    public TrainResult {
        history = List.copyOf(history);
    }
}
