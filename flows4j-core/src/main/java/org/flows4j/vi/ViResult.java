package org.flows4j.vi;

import java.util.List;

/**
 * The outcome of {@link VariationalTrainer#fit}.
 *
 * @param history      every step's statistics, in order (those before a resume included)
 * @param checks       every held-out check, in order
 * @param bestStep     the step whose weights the flow holds now: the best check's, or the last step without checks
 * @param stoppedEarly whether patience ran out before the last step
 * @param estimate     the importance-weighted estimate from {@link ViConfig#estimateSamples()} samples of the final
 *                     flow, or null when that is 0
 */
public record ViResult(List<StepStats> history, List<HeldOutCheck> checks, long bestStep, boolean stoppedEarly,
                       ImportanceEstimate estimate) {
    /** Copies the lists. */
    public ViResult {
        history = List.copyOf(history);
        checks = List.copyOf(checks);
    }

    /** Steps taken. */
    public long steps() {
        return history.size();
    }

    /** The ELBO of the final flow: the estimate's when there is one, else the last step's. */
    public double finalElbo() {
        return estimate != null ? estimate.elbo() : history.get(history.size() - 1).elbo();
    }

    /** The loss of every step, in order. */
    public double[] losses() {
        double[] out = new double[history.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = history.get(i).loss();
        }
        return out;
    }

    /** The kinds of all the samples of all the steps, added. */
    public SampleCounts counts() {
        SampleCounts total = SampleCounts.NONE;
        for (StepStats s : history) {
            total = total.plus(s.counts());
        }
        return total;
    }

    /** Steps the optimizer skipped ({@link StepStats#refused()}). */
    public int refusedSteps() {
        int n = 0;
        for (StepStats s : history) {
            n += s.refused() ? 1 : 0;
        }
        return n;
    }
}
