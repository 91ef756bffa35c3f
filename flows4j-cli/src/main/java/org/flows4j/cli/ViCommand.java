package org.flows4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.io.ModelFile;
import org.flows4j.io.ViCheckpointFile;
import org.flows4j.vi.Annealing;
import org.flows4j.vi.ImportanceEstimate;
import org.flows4j.vi.StepStats;
import org.flows4j.vi.Target;
import org.flows4j.vi.Targets;
import org.flows4j.vi.VariationalFlows;
import org.flows4j.vi.VariationalTrainer;
import org.flows4j.vi.ViConfig;
import org.flows4j.vi.ViListener;
import org.flows4j.vi.ViResult;
import org.flows4j.vi.ViState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j vi}: fits a ready-made flow {@code q} to a built-in unnormalized target {@code p~} by minimizing
 * the reverse KL divergence {@code E_q[log q(x) - beta log p~(x)]} over reparameterized samples
 * ({@link VariationalTrainer}), saves the flow, and prints one JSON line: the ELBO {@code E_q[log p~ - log q]}, the
 * importance-weighted estimate {@code log Z^ = log mean exp(log p~ - log q)} with its standard error, and the
 * effective sample size, all from {@code --estimate-samples} fresh samples of the final flow. Progress goes to
 * standard error.
 */
@Command(name = "vi", mixinStandardHelpOptions = true, description = "Fit a flow to an unnormalized target density "
        + "by reverse KL (variational inference) and estimate log Z.")
final class ViCommand implements Callable<Integer> {
    /** The presets vi fits: every tabular one (maf and nsf-ar sample in D passes per step, so they are slow here). */
    static final List<String> FLOWS = List.of("planar", "radial", "realnvp", "nsf", "iaf", "nice", "maf", "nsf-ar");

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, description = "u1, u2, u3, u4 (Rezende & Mohamed's energies; u2-u4 "
            + "on the box [-4, 4]^2), ring (8 Gaussians on a circle) or funnel (Neal's, 10 dimensions).")
    String target;

    @Option(names = "--flow", defaultValue = "nsf", description = "planar, radial, realnvp, nsf, iaf, nice, maf or "
            + "nsf-ar (default: ${DEFAULT-VALUE}).")
    String flow;

    @Option(names = "--out", required = true, description = "The model file to write (.flow).")
    Path out;

    @Option(names = "--layers", description = "Flow steps (default: the preset's, 16 for planar and radial, "
            + FlowSpec.DEFAULT_LAYERS + " otherwise).")
    Integer layers;

    @Option(names = "--hidden", split = ",", description = "Hidden widths of each conditioner (default: the "
            + "preset's).")
    int[] hidden;

    @Option(names = "--bins", description = "Spline bins (default: the preset's).")
    Integer bins;

    @Option(names = "--tail-bound", description = "Spline interval [-B, B]; for realnvp, maf and iaf the latent bound of their log tails (default: the preset's).")
    Double tailBound;

    @Option(names = "--steps", defaultValue = "" + ViConfig.DEFAULT_STEPS, description = "Optimizer steps "
            + "(default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--samples", defaultValue = "" + ViConfig.DEFAULT_SAMPLES, description = "Samples per step "
            + "(default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--lr", defaultValue = "" + ViConfig.DEFAULT_LEARNING_RATE, description = "Adam learning rate "
            + "(default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip", defaultValue = "0", description = "Global gradient-norm bound; 0 turns clipping off "
            + "(default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--beta0", defaultValue = "0.01", description = "Annealing: the target's inverse temperature at "
            + "the first step, rising linearly to 1 over --warmup steps (default: ${DEFAULT-VALUE}).")
    double beta0;

    @Option(names = "--warmup", description = "Annealing steps; 0 turns annealing off (default: half of --steps).")
    Long warmup;

    @Option(names = "--stl", description = "Sticking-the-landing gradient: leave the score term out (Roeder et al. "
            + "2017).")
    boolean stl;

    @Option(names = "--check-every", defaultValue = "0", description = "Steps between held-out ELBO checks; 0 for "
            + "none (default: ${DEFAULT-VALUE}).")
    int checkEvery;

    @Option(names = "--patience", defaultValue = "0", description = "Held-out checks without improvement before "
            + "stopping (best weights kept); 0 never stops early (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--estimate-samples", defaultValue = "" + ViConfig.DEFAULT_ESTIMATE_SAMPLES, description =
            "Samples of the final log Z estimate (default: ${DEFAULT-VALUE}).")
    int estimateSamples;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial weights and the samples "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Kernel threads; 0 uses every processor "
            + "(default).")
    int threads;

    @Option(names = "--checkpoint", description = "Write a checkpoint to this file every --checkpoint-every steps.")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "Steps between checkpoints "
            + "(default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue the run saved in this checkpoint (same options).")
    Path resume;

    @Override
    public Integer call() throws IOException {
        Options.requireWritableTarget(out);
        if (checkpoint != null) {
            Options.requireWritableTarget(checkpoint);
            Options.requirePositive("--checkpoint-every", checkpointEvery);
        }
        Options.setThreads(threads);
        Target t = Targets.byName(target);
        if (!FLOWS.contains(flow)) {
            throw new IllegalArgumentException("unknown flow '" + flow + "' for vi; expected one of " + FLOWS);
        }
        FlowSpec fs = flowSpec(t);
        ViConfig config = config();
        Flow q = VariationalFlows.build(fs, t);
        ViState start = resume == null ? null : ViCheckpointFile.load(resume);
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        ViResult r = new VariationalTrainer(config).fit(q, t, listener(err), start);
        double seconds = (System.nanoTime() - t0) / 1e9;
        FlowModel model = t.support() == null ? FlowModel.of(fs, q) : FlowModel.of(q);
        ModelFile.save(model, out);
        PrintWriter o = spec.commandLine().getOut();
        o.println(json(t, r, seconds));
        o.flush();
        return 0;
    }

    private FlowSpec flowSpec(Target t) {
        FlowSpec fs = FlowSpec.defaults(flow, t.features()).withSeed(seed);
        if (layers != null) {
            Options.requirePositive("--layers", layers);
            fs = fs.withLayers(layers);
        }
        if (hidden != null) {
            fs = fs.withHidden(hidden);
        }
        if (bins != null || tailBound != null) {
            fs = fs.withSpline(bins != null ? bins : fs.bins(), tailBound != null ? tailBound : fs.tailBound());
        }
        return fs;
    }

    private ViConfig config() {
        long w = warmup != null ? warmup : steps / 2;
        if (w < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + w);
        }
        Annealing annealing = w == 0 ? Annealing.NONE : new Annealing(beta0, w);
        if (w > 0 && annealing.beta(steps - 1) < 1.0) {
            throw new IllegalArgumentException("--warmup must let beta reach 1 by the last step: expected at most "
                    + (long) Math.floor((steps - 1) / (1 - beta0)) + " steps for --steps " + steps + ", got " + w);
        }
        return ViConfig.defaults().withSteps(steps).withSamples(samples).withLearningRate(lr).withClipNorm(clip)
                .withAnnealing(annealing.beta0(), annealing.warmupSteps()).withStickingTheLanding(stl).withSeed(seed)
                .withChecks(checkEvery, ViConfig.DEFAULT_CHECK_SAMPLES, patience).withEstimateSamples(estimateSamples);
    }

    private ViListener listener(PrintWriter err) {
        long every = Math.max(1, steps / 10);
        return new ViListener() {
            @Override
            public void onStep(StepStats s, Supplier<ViState> state) {
                long n = s.step() + 1;
                if (n % every == 0 || n == steps) {
                    err.printf(Locale.ROOT, "step %d/%d  loss %.4f  elbo %.4f  beta %.3f%s%n", n, steps, s.loss(),
                            s.elbo(), s.beta(), s.counts().dropped() > 0 ? "  dropped " + s.counts().dropped() : "");
                    err.flush();
                }
                if (checkpoint != null && n % checkpointEvery == 0) {
                    try {
                        ViCheckpointFile.save(state.get(), checkpoint);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write the checkpoint " + checkpoint + ": "
                                + e.getMessage(), e);
                    }
                }
            }
        };
    }

    private String json(Target t, ViResult r, double seconds) {
        ImportanceEstimate e = r.estimate();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"target\":\"%s\",\"flow\":\"%s\",\"steps\":%d,\"seconds\":%.2f,"
                + "\"steps_per_s\":%.1f,\"elbo\":%s", target, flow, r.steps(), seconds, r.steps() / seconds,
                num(r.finalElbo())));
        if (e != null) {
            b.append(String.format(Locale.ROOT, ",\"log_z\":%s,\"log_z_stderr\":%s,\"ess\":%.1f,\"ess_fraction\":%.4f,"
                    + "\"estimate_samples\":%d", num(e.logZ()), num(e.stderr()), e.ess(), e.essFraction(), e.samples()));
        }
        if (!Double.isNaN(t.logNormalizer())) {
            b.append(",\"log_z_true\":").append(num(t.logNormalizer()));
        }
        b.append(String.format(Locale.ROOT, ",\"refused_steps\":%d,\"dropped_samples\":%d}", r.refusedSteps(),
                r.counts().dropped()));
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.5f", v) : "null";
    }
}
