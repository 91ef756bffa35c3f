package org.flows4j.train;

import org.flows4j.flows.EpochStats;
import java.util.List;
import java.util.Map;
import org.flows4j.tensor.Tensor;

/**
 * A checkpoint: everything a {@link Trainer} needs to continue a run exactly as if it had never
 * stopped (on the same thread count and configuration). Tensors are copies, never views of live weights.
 *
 * @param epochsDone  completed epochs
 * @param steps       optimizer steps taken
 * @param model       the model's state dict (parameters and buffers)
 * @param optimizer   the optimizer's {@code state()}
 * @param rng         the shuffling generator's state
 * @param best        state dict of the best epoch so far (by validation NLL), or null without validation data
 * @param bestValNll  the best validation NLL so far (NaN if none)
 * @param bestEpoch   the epoch of {@code best} (0 if none)
 * @param badEpochs   epochs since the last improvement
 * @param history     per-epoch statistics so far
 */
public record TrainState(int epochsDone, long steps, Map<String, Tensor> model, Map<String, Object> optimizer,
                         long[] rng, Map<String, Tensor> best, double bestValNll, int bestEpoch, int badEpochs,
                         List<EpochStats> history) {
    /** Copies the mutable containers. */
    public TrainState {
        rng = rng.clone();
        history = List.copyOf(history);
    }
}
