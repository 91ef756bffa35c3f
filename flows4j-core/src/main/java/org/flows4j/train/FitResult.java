package org.flows4j.train;

import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;

/**
 * What a {@link Fitter} run produced: the trained flow (holding the best epoch's weights when there were
 * validation rows), the preprocessing fitted on the training rows, the {@link FlowModel} that bundles them
 * with the spec and the column names, the training summary, the trainer's result, and the test figures.
 *
 * <p>{@code testNll = -(1/n) sum_i log p(x_i | c_i)} over the {@code n} test rows in the data's own units (for
 * dequantized data: on the {@code [0, 1)} scale of {@code (x + u) / L}), NaN without test rows; and
 * {@code testBitsPerDim = (testNll + D ln L) / (D ln 2)} with {@code L} the dequantization levels, or
 * {@code testNll / (D ln 2)} for continuous data ({@link org.flows4j.data.Dequantizer#bitsPerDim}).
 *
 * @param model          the model ready to save ({@code ModelFile.save}); it holds its own copy of the trained
 *                       flow and records the {@link org.flows4j.flows.FlowSpec} when the flow came from one
 * @param flow           the trained flow, on preprocessed rows
 * @param preprocessing  the standardization fitted on the training rows and the dequantization levels
 * @param summary        rows per part, per-epoch statistics, best epoch, test NLL, seconds, seed, threads
 * @param training       the trainer's result: history, best epoch and its validation NLL, early stop, steps
 * @param testNll        mean test NLL in nats per row, NaN without test rows
 * @param testBitsPerDim the test NLL in bits per dimension, NaN without test rows
 */
public record FitResult(FlowModel model, Flow flow, Preprocessing preprocessing, TrainingSummary summary,
                        TrainResult training, double testNll, double testBitsPerDim) {
}
