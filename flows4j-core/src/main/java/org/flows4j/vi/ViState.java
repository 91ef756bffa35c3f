package org.flows4j.vi;

import java.util.List;
import java.util.Map;
import org.flows4j.tensor.Tensor;

/**
 * A checkpoint of a {@link VariationalTrainer} run: everything needed to continue it exactly as if it had never
 * stopped (same configuration and shard count). Tensors are copies, never views of live weights; saved by
 * {@link org.flows4j.io.ViCheckpointFile}.
 *
 * @param steps     steps taken
 * @param model     the flow's state dict
 * @param optimizer the optimizer's {@code state()}
 * @param rng       the state of the generator the steps' samples are split from
 * @param best      the state dict of the best check so far, or null before any improving check
 * @param bestElbo  the best held-out ELBO so far (NaN if none)
 * @param bestStep  the step of {@code best} (0 if none)
 * @param badChecks checks since the last improvement
 * @param history   the statistics of every step so far
 * @param checks    every held-out check so far
 */
public record ViState(long steps, Map<String, Tensor> model, Map<String, Object> optimizer, long[] rng,
                      Map<String, Tensor> best, double bestElbo, long bestStep, int badChecks, List<StepStats> history,
                      List<HeldOutCheck> checks) {
    /** Copies the mutable containers. */
    public ViState {
        rng = rng.clone();
        history = List.copyOf(history);
        checks = List.copyOf(checks);
    }
}
