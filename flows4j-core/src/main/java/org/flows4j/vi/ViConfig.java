package org.flows4j.vi;

import java.util.Map;
import java.util.function.Consumer;
import org.flows4j.nn.Parameter;
import org.flows4j.optim.Adam;
import org.flows4j.optim.Constant;
import org.flows4j.optim.LrSchedule;
import org.flows4j.optim.Optimizer;
import org.flows4j.optim.OptimizerFactory;
import org.flows4j.train.TrainConfig;

/**
 * Settings of a {@link VariationalTrainer} run: {@code steps} optimizer steps, each on the reverse-KL loss of
 * {@code samples} fresh samples ({@link ReverseKl}) at the inverse temperature of {@link Annealing#beta}; Adam at
 * {@code learningRate} unless an {@link OptimizerFactory} is given; the rate of step {@code t} is
 * {@code schedule.lr(t)}, or {@code learningRate} without a schedule; gradients clipped to global norm
 * {@code clipNorm} when it is positive.
 *
 * <p>Every field is checked when the configuration is made, with a message naming the expected and the actual
 * value; the withers return changed copies.
 *
 * @param steps              optimizer steps ({@code >= 1})
 * @param samples            samples per step ({@code >= 1})
 * @param learningRate       rate of the default optimizer and of the default constant schedule ({@code > 0})
 * @param clipNorm           global gradient-norm bound; 0 turns clipping off
 * @param optimizer          makes the optimizer from the flow's parameters; null for Adam
 * @param schedule           the rate of every step; null for {@code learningRate} throughout
 * @param annealing          the target's inverse temperature per step; it must reach 1 before the last step
 * @param stickingTheLanding leave the score term out of the gradient ({@link ReverseKl})
 * @param seed               seed of the samples of the steps (and, salted, of the checks and the final estimate)
 * @param shards             parts each step's samples are drawn and differentiated in, concurrently; results
 *                           depend on this setting, not on the thread count
 * @param checkEvery         steps between held-out checks (and one after the last step); 0 for none
 * @param checkSamples       samples of each check, drawn from the same fixed seed every time ({@code >= 1})
 * @param patience           checks without an improvement of the held-out ELBO before stopping; 0 never stops
 *                           early
 * @param estimateSamples    samples of the importance-weighted estimate after the run; 0 for none
 */
public record ViConfig(int steps, int samples, double learningRate, double clipNorm, OptimizerFactory optimizer,
                       LrSchedule schedule, Annealing annealing, boolean stickingTheLanding, long seed, int shards,
                       int checkEvery, int checkSamples, int patience, int estimateSamples) {

    /** Default {@link #steps}, {@link #samples} and {@link #learningRate}: the normflows setup. */
    public static final int DEFAULT_STEPS = 5000;
    /** Default samples per step. */
    public static final int DEFAULT_SAMPLES = 512;
    /** Default learning rate of Adam. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Default samples of a held-out check. */
    public static final int DEFAULT_CHECK_SAMPLES = 4096;
    /** Default samples of the final estimate, {@code 2^16}. */
    public static final int DEFAULT_ESTIMATE_SAMPLES = 1 << 16;

    /** Validates every field. */
    public ViConfig {
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(samples >= 1, "samples must be >= 1, got " + samples);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be finite and > 0, got "
                + learningRate);
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clipNorm must be finite and >= 0, got " + clipNorm);
        require(annealing != null, "annealing must not be null (Annealing.NONE for none)");
        require(annealing.beta(steps - 1) == 1.0, "annealing must reach beta = 1 by the last step " + (steps - 1)
                + ", got beta " + annealing.beta(steps - 1) + " there with " + annealing);
        require(shards >= 1, "shards must be >= 1, got " + shards);
        require(checkEvery >= 0, "checkEvery must be >= 0 (0 for no checks), got " + checkEvery);
        require(checkSamples >= 1, "checkSamples must be >= 1, got " + checkSamples);
        require(patience >= 0, "patience must be >= 0, got " + patience);
        require(patience == 0 || checkEvery > 0, "patience needs held-out checks; expected checkEvery > 0 with patience "
                + patience + ", got 0");
        require(estimateSamples >= 0, "estimateSamples must be >= 0 (0 for none), got " + estimateSamples);
    }

    /**
     * The defaults: {@value #DEFAULT_STEPS} steps of {@value #DEFAULT_SAMPLES} samples, Adam at
     * {@value #DEFAULT_LEARNING_RATE} with a constant rate, no clipping, no annealing, the full gradient, seed 0,
     * {@link TrainConfig#DEFAULT_SHARDS} shards, no held-out checks ({@value #DEFAULT_CHECK_SAMPLES} samples each
     * once turned on) and a final estimate from {@value #DEFAULT_ESTIMATE_SAMPLES} samples.
     */
    public static ViConfig defaults() {
        return new ViConfig(DEFAULT_STEPS, DEFAULT_SAMPLES, DEFAULT_LEARNING_RATE, 0, null, null, Annealing.NONE, false,
                0, TrainConfig.DEFAULT_SHARDS, 0, DEFAULT_CHECK_SAMPLES, 0, DEFAULT_ESTIMATE_SAMPLES);
    }

    /** The optimizer of a run over {@code parameters}: the factory's, or else Adam at {@code learningRate}. */
    public Optimizer optimizerFor(Map<String, Parameter> parameters) {
        if (optimizer == null) {
            return new Adam(parameters, learningRate);
        }
        Optimizer made = optimizer.create(parameters);
        if (made == null) {
            throw new IllegalArgumentException("ViConfig: the optimizer factory returned null; expected an Optimizer");
        }
        return made;
    }

    /** The learning-rate schedule of the run: the given one, or {@code Constant(learningRate)}. */
    public LrSchedule scheduleOrConstant() {
        return schedule != null ? schedule : new Constant(learningRate);
    }

    /** A copy with {@code steps} changed. */
    public ViConfig withSteps(int n) {
        return with(f -> f.steps = n);
    }

    /** A copy with {@code samples} per step changed. */
    public ViConfig withSamples(int n) {
        return with(f -> f.samples = n);
    }

    /** A copy with {@code learningRate} changed. */
    public ViConfig withLearningRate(double lr) {
        return with(f -> f.learningRate = lr);
    }

    /** A copy with {@code clipNorm} changed (0 turns clipping off). */
    public ViConfig withClipNorm(double c) {
        return with(f -> f.clipNorm = c);
    }

    /** A copy whose optimizer {@code factory} makes (null: Adam again). */
    public ViConfig withOptimizer(OptimizerFactory factory) {
        return with(f -> f.optimizer = factory);
    }

    /** A copy that takes every step's rate from {@code s} (null: {@code learningRate} throughout). */
    public ViConfig withSchedule(LrSchedule s) {
        return with(f -> f.schedule = s);
    }

    /** A copy with {@code beta} rising from {@code beta0} over {@code warmupSteps} steps ({@link Annealing}). */
    public ViConfig withAnnealing(double beta0, long warmupSteps) {
        return with(f -> f.annealing = new Annealing(beta0, warmupSteps));
    }

    /** A copy with the sticking-the-landing gradient turned on or off. */
    public ViConfig withStickingTheLanding(boolean on) {
        return with(f -> f.stickingTheLanding = on);
    }

    /** A copy with {@code seed} changed. */
    public ViConfig withSeed(long s) {
        return with(f -> f.seed = s);
    }

    /** A copy with {@code shards} changed. */
    public ViConfig withShards(int n) {
        return with(f -> f.shards = n);
    }

    /**
     * A copy with a held-out check every {@code every} steps on {@code samples} samples, stopping after
     * {@code patience} checks without improvement (0: never).
     */
    public ViConfig withChecks(int every, int samples, int patience) {
        return with(f -> {
            f.checkEvery = every;
            f.checkSamples = samples;
            f.patience = patience;
        });
    }

    /** A copy with {@code estimateSamples} changed (0: no final estimate). */
    public ViConfig withEstimateSamples(int n) {
        return with(f -> f.estimateSamples = n);
    }

    private ViConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new ViConfig(f.steps, f.samples, f.learningRate, f.clipNorm, f.optimizer, f.schedule, f.annealing,
                f.stickingTheLanding, f.seed, f.shards, f.checkEvery, f.checkSamples, f.patience, f.estimateSamples);
    }

    /** The fields of a configuration as variables, for the withers. */
    private static final class Fields {
        int steps;
        int samples;
        double learningRate;
        double clipNorm;
        OptimizerFactory optimizer;
        LrSchedule schedule;
        Annealing annealing;
        boolean stickingTheLanding;
        long seed;
        int shards;
        int checkEvery;
        int checkSamples;
        int patience;
        int estimateSamples;

        Fields(ViConfig c) {
            steps = c.steps;
            samples = c.samples;
            learningRate = c.learningRate;
            clipNorm = c.clipNorm;
            optimizer = c.optimizer;
            schedule = c.schedule;
            annealing = c.annealing;
            stickingTheLanding = c.stickingTheLanding;
            seed = c.seed;
            shards = c.shards;
            checkEvery = c.checkEvery;
            checkSamples = c.checkSamples;
            patience = c.patience;
            estimateSamples = c.estimateSamples;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("ViConfig: " + message);
        }
    }
}
