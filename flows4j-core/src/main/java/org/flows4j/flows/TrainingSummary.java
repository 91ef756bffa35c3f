package org.flows4j.flows;

import java.util.List;
import org.flows4j.flows.EpochStats;

/**
 * How a saved model was trained, for reports and the training-curve plot.
 *
 * @param data        where the data came from (a file path or {@code toy:NAME})
 * @param trainRows   rows used for training
 * @param validationRows rows used for validation (early stopping)
 * @param testRows    held-out rows for the final test NLL (0 if none)
 * @param epochs      per-epoch statistics
 * @param bestEpoch   the epoch whose weights were kept
 * @param testNll     mean test NLL in data units (NaN if no test rows)
 * @param seconds     wall time of the whole training
 * @param seed        the seed of the run
 * @param threads     kernel threads used
 */
public record TrainingSummary(String data, int trainRows, int validationRows, int testRows, List<EpochStats> epochs,
                              int bestEpoch, double testNll, double seconds, long seed, int threads) {
    /** Copies the epoch list. */
    public TrainingSummary {
        epochs = List.copyOf(epochs);
    }
}
