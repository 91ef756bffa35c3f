package org.flows4j.vi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flows4j.distribution.Distribution;
import org.flows4j.optim.GradClip;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * Variational inference: fits a flow {@code q} to an unnormalized target {@code p~} by minimizing the reverse-KL
 * loss of {@link ReverseKl} with fresh reparameterized samples at every step, as configured by {@link ViConfig}
 * (optimizer, learning-rate schedule, clipping, annealing, sticking the landing, shards).
 *
 * <p>Bad samples are never averaged in: a step's loss is the mean over its usable samples, and the step is refused
 * (the optimizer skips it, the step still counts) when more than half of its samples were left out or its gradient
 * is not finite; every step's counts are in its {@link StepStats}. After {@value #MAX_REFUSED_IN_A_ROW} refused
 * steps in a row the run stops with an {@link IllegalStateException} naming the last step's counts: the flow or the
 * target is broken.
 *
 * <p>With {@link ViConfig#checkEvery()} {@code = k > 0} a held-out check ({@link HeldOutCheck}) runs after every
 * {@code k}-th step and after the last: the ELBO of {@link ViConfig#checkSamples()} samples drawn from the same
 * fixed seed each time, in evaluation mode. The weights of the best check are kept and restored at the end, and the
 * run stops after {@link ViConfig#patience()} checks without improvement. After the run, the importance-weighted
 * estimate of {@code log Z} from {@link ViConfig#estimateSamples()} samples of the final flow (fixed seed).
 *
 * <p>Deterministic: the samples of step {@code t} come from generators split off one generator seeded by the
 * configuration, in shard order; a run resumed from a {@link ViState} continues exactly as the uninterrupted run
 * would, and the result does not depend on the thread count. Cost per step: one inverse pass of the flow and one
 * evaluation of the target on {@code samples} rows and their backward passes, in {@code shards} concurrent parts
 * (one more forward pass of the flow with sticking the landing). Not thread-safe: one trainer fits one flow from one
 * thread.
 */
public final class VariationalTrainer {
    /** Refused steps in a row after which a run stops with an error. */
    public static final int MAX_REFUSED_IN_A_ROW = 10;
    private static final long CHECK_SALT = 0x43484B5F53454544L;
    private static final long ESTIMATE_SALT = 0x4553545F53454544L;
    private final ViConfig config;

    /** A trainer with the given settings. */
    public VariationalTrainer(ViConfig config) {
        this.config = config;
    }

    /** The settings. */
    public ViConfig config() {
        return config;
    }

    /** Fits {@code q} to {@code target} from scratch; {@code listener} may be null. */
    public ViResult fit(Distribution q, Target target, ViListener listener) {
        return fit(q, target, listener, null);
    }

    /**
     * Fits {@code q} to {@code target}, continuing from {@code resume} when it is not null (a state of this
     * configuration's run on the same architecture). Leaves {@code q} in evaluation mode.
     *
     * @throws IllegalArgumentException when the target does not fit the flow (features, context)
     * @throws IllegalStateException    after {@value #MAX_REFUSED_IN_A_ROW} refused steps in a row
     */
    public ViResult fit(Distribution q, Target target, ViListener listener, ViState resume) {
        ViListener out = listener == null ? new ViListener() { } : listener;
        ReverseKl objective = new ReverseKl(q, target, config.shards(), config.stickingTheLanding());
        Optimizer opt = config.optimizerFor(q.parameters());
        LrSchedule schedule = config.scheduleOrConstant();
        Run run = new Run(new Rng(config.seed()));
        if (resume != null) {
            q.loadStateDict(resume.model());
            opt.loadState(resume.optimizer());
            run.restore(resume);
        }
        out.onStart(config.steps());
        boolean stoppedEarly = false;
        q.train(true);
        while (run.steps < config.steps()) {
            StepStats stats = step(objective, q, opt, schedule, run);
            if (config.checkEvery() > 0 && (run.steps % config.checkEvery() == 0 || run.steps == config.steps())) {
                out.onCheck(check(q, target, run));
            }
            out.onStep(stats, () -> run.snapshot(q, opt));
            if (refusedInARow(run.history) >= MAX_REFUSED_IN_A_ROW) {
                throw new IllegalStateException("VariationalTrainer: " + MAX_REFUSED_IN_A_ROW + " steps in a row were "
                        + "refused; the last, step " + stats.step() + ", had " + stats.counts() + " and gradient norm "
                        + stats.gradNorm() + "; expected at least half of the samples usable and a finite gradient");
            }
            if (config.patience() > 0 && run.badChecks >= config.patience() && run.steps < config.steps()) {
                stoppedEarly = true;
                break;
            }
        }
        if (run.best != null) {
            q.loadStateDict(run.best);
        }
        q.train(false);
        long bestStep = run.best != null ? run.bestStep : run.steps;
        ImportanceEstimate estimate = config.estimateSamples() == 0 ? null
                : ImportanceEstimate.estimate(q, target, config.estimateSamples(), new Rng(config.seed() ^ ESTIMATE_SALT));
        return new ViResult(run.history, run.checks, bestStep, stoppedEarly, estimate);
    }

    private StepStats step(ReverseKl objective, Distribution q, Optimizer opt, LrSchedule schedule, Run run) {
        long t = run.steps;
        double lr = schedule.lr(t);
        opt.setLearningRate(lr);
        KlEstimate kl = objective.backwardAt(t, config.samples(), config.annealing().beta(t), run.rng);
        double norm = kl.refused() ? Double.NaN : GradClip.clipGlobalNorm(q.parameters().values(),
                config.clipNorm() > 0 ? config.clipNorm() : Double.MAX_VALUE);
        boolean refused = kl.refused() || !Double.isFinite(norm);
        if (!refused) {
            opt.step();
        }
        q.zeroGrad();
        run.steps++;
        StepStats stats = new StepStats(run.steps, kl.loss(), kl.elbo(), kl.beta(), lr, norm, kl.counts(), refused);
        run.history.add(stats);
        return stats;
    }

    private HeldOutCheck check(Distribution q, Target target, Run run) {
        ImportanceEstimate e = ImportanceEstimate.estimate(q, target, config.checkSamples(),
                new Rng(config.seed() ^ CHECK_SALT));
        boolean improved = Double.isFinite(e.elbo()) && (Double.isNaN(run.bestElbo) || e.elbo() > run.bestElbo);
        if (improved) {
            run.bestElbo = e.elbo();
            run.bestStep = run.steps;
            run.best = q.stateDict();
            run.badChecks = 0;
        } else {
            run.badChecks++;
        }
        HeldOutCheck c = new HeldOutCheck(run.steps, e, improved);
        run.checks.add(c);
        return c;
    }

    private static int refusedInARow(List<StepStats> history) {
        int n = 0;
        for (int i = history.size() - 1; i >= 0 && history.get(i).refused(); i--) {
            n++;
        }
        return n;
    }

    /** Mutable progress of one run. */
    private static final class Run {
        final Rng rng;
        final List<StepStats> history = new ArrayList<>();
        final List<HeldOutCheck> checks = new ArrayList<>();
        long steps;
        Map<String, Tensor> best;
        double bestElbo = Double.NaN;
        long bestStep;
        int badChecks;

        Run(Rng rng) {
            this.rng = rng;
        }

        void restore(ViState s) {
            rng.setState(s.rng());
            history.addAll(s.history());
            checks.addAll(s.checks());
            steps = s.steps();
            best = s.best();
            bestElbo = s.bestElbo();
            bestStep = s.bestStep();
            badChecks = s.badChecks();
        }

        /** A snapshot; {@code best} is shared, not copied: it is a copy already, which the run never changes. */
        ViState snapshot(Distribution q, Optimizer opt) {
            return new ViState(steps, q.stateDict(), opt.state(), rng.state(), best, bestElbo, bestStep, badChecks,
                    history, checks);
        }
    }
}
