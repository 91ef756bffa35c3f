package org.flows4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.flows4j.autodiff.Activation;
import org.flows4j.data.Dequantizer;
import org.flows4j.data.Split;
import org.flows4j.data.Standardizer;
import org.flows4j.data.Toys;
import org.flows4j.flows.FlowSpec;
import org.flows4j.io.CheckpointFile;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.flows.Preprocessing;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.flows.EpochStats;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.TrainListener;
import org.flows4j.train.TrainResult;
import org.flows4j.train.TrainState;
import org.flows4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j train}: fits a ready-made flow to a data set by maximum likelihood and saves it. The rows
 * are split (seeded) into training, validation and test parts; the standardization is fitted on the
 * training part and saved with the model, so every reported NLL is in the data's own units. Integer
 * image data (IDX unsigned bytes) is dequantized once, before the split, to {@code (x + u) / 256} with
 * {@code u ~ U[0, 1)}; its NLL is on that [0, 1) scale and its bits per dimension count the 256 levels.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a flow on a CSV, IDX or toy data set.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "file.csv, file.idx[.gz] or toy:NAME (moons, circles, "
            + "8gaussians, checkerboard, 2spirals, pinwheel, rings, swissroll).")
    String data;

    @Option(names = "--flow", defaultValue = "nsf", description = "nice, realnvp, maf, iaf, nsf or nsf-ar (default: ${DEFAULT-VALUE}).")
    String flow;

    @Option(names = "--layers", defaultValue = "" + FlowSpec.DEFAULT_LAYERS, description = "Coupling or autoregressive steps (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = FlowSpec.DEFAULT_WIDTH + "," + FlowSpec.DEFAULT_WIDTH, split = ",", description = "Hidden widths of each conditioner (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--bins", defaultValue = "" + FlowSpec.DEFAULT_BINS, description = "Spline bins (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--tail-bound", defaultValue = "" + FlowSpec.DEFAULT_TAIL_BOUND, description = "Spline interval [-B, B] in standardized units (default: ${DEFAULT-VALUE}).")
    double tailBound;

    @Option(names = "--lu", description = "Add an LU-parameterized linear layer between steps.")
    boolean lu;

    @Option(names = "--conditioner", defaultValue = "mlp", description = "Conditioner network: mlp, or resnet "
            + "(coupling flows nice, realnvp, nsf: one residual block per --hidden entry, all equal) "
            + "(default: ${DEFAULT-VALUE}).")
    String conditioner;

    @Option(names = "--dropout", defaultValue = "0", description = "Probability P of dropping each hidden unit of "
            + "the conditioners while training, 0 <= P < 1; evaluation is unaffected (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--input-bound", description = "Conditioners read B tanh(x / B) of their input, in standardized "
            + "units; 0 reads x (default: " + FlowSpec.DEFAULT_INPUT_BOUND + ", 0 for nsf and nsf-ar).")
    Double inputBound;

    @Option(names = "--both-halves", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Coupling steps also transform their pass-through half with free parameters "
            + "(--no-both-halves: classic coupling; default: ${DEFAULT-VALUE}).")
    boolean bothHalves;

    @Option(names = "--affine-scale", defaultValue = "soft", description = "Log-scale of realnvp, maf and iaf: soft, "
            + "u / (1 + |u| / ln 1000), or tanh, 3 tanh(u / 3) (default: ${DEFAULT-VALUE}).")
    String affineScale;

    @Option(names = "--dtype", defaultValue = "float32", description = "Element type of the model and the "
            + "training data: float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--epochs", defaultValue = "0", description = "Epochs; 0 picks about 3,000 steps, within 5..300 epochs (default).")
    int epochs;

    @Option(names = "--batch", defaultValue = "" + TrainConfig.DEFAULT_BATCH, description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--shards", defaultValue = "" + TrainConfig.DEFAULT_SHARDS, description = "Parts of each batch "
            + "computed concurrently; the result does not depend on the thread count (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--lr", defaultValue = "" + TrainConfig.DEFAULT_LEARNING_RATE, description = "Peak learning rate, see --schedule (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "Learning-rate schedule: cosine (decay to 0 "
            + "over the run) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--clip", defaultValue = "" + TrainConfig.DEFAULT_CLIP, description = "Global gradient-norm bound; 0 turns clipping off "
            + "(default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay; 0 uses Adam (default).")
    double weightDecay;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Validation share of the rows (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Test share of the rows (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--patience", defaultValue = "" + TrainConfig.DEFAULT_PATIENCE, description = "Early-stopping patience in epochs; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split, the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Kernel threads; 0 uses every processor (default).")
    int threads;

    @Option(names = "--rows", defaultValue = "" + Toys.DEFAULT_ROWS, description = "Rows to generate for toy data (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--columns", split = ",", description = "CSV data columns (names, or 0-based indices); default: all but the context.")
    List<String> columns = List.of();

    @Option(names = "--context-columns", split = ",", description = "CSV columns to condition on (names or 0-based indices).")
    List<String> contextColumns = List.of();

    @Option(names = "--out", required = true, description = "The model file to write (.flow).")
    Path out;

    @Option(names = "--checkpoint", description = "Write a checkpoint to this file after every epoch.")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue the run saved in this checkpoint (same data and options).")
    Path resume;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        FlowModel model = train(w);
        w.printf(Locale.ROOT, "saved %s%n", out);
        return 0;
    }

    FlowModel train(PrintWriter w) throws Exception {
        Options.requireWritableTarget(out);
        if (checkpoint != null) {
            Options.requireWritableTarget(checkpoint);
        }
        Options.setThreads(threads);
        if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
            throw new IllegalArgumentException("--val-fraction and --test-fraction must be >= 0 with a sum below 1, got "
                    + valFraction + " and " + testFraction);
        }
        Options.requirePositive("--rows", rows);
        if (!schedule.equals("cosine") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("--schedule: expected cosine or constant, got '" + schedule + "'");
        }
        if (!FlowSpec.CONDITIONERS.contains(conditioner.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--conditioner: expected mlp or resnet, got '" + conditioner + "'");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
        DType type = elementType();
        Dataset d = DataLoader.load(data, columns, contextColumns, rows, seed);
        int features = d.features();
        int contextFeatures = d.contextColumns().size();
        double[][] x = d.x();
        if (d.levels() > 0) {
            x = new Dequantizer(d.levels()).dequantize(x, new Rng(seed ^ 0x5DEECE66DL));
        }
        Split split = Split.of(Rows.join(x, d.context()), 1 - valFraction - testFraction, valFraction, seed);
        if (split.train().length < 2) {
            throw new IllegalArgumentException(data + ": too few rows to train on (" + split.train().length
                    + " after the split); need at least 2");
        }
        double[][] trainX = Rows.columns(split.train(), 0, features);
        Standardizer sx = Standardizer.fit(trainX);
        Standardizer sc = contextFeatures == 0 ? null
                : Standardizer.fit(Rows.columns(split.train(), features, features + contextFeatures));
        Preprocessing pre = new Preprocessing(sx, sc, d.levels());
        FlowSpec fs = new FlowSpec(flow, features, contextFeatures, layers, hidden, Activation.RELU, bins, tailBound, lu,
                type, seed, dropout, conditioner, inputBound != null ? inputBound : FlowSpec.defaultInputBound(flow),
                bothHalves, affineScale);
        Flow f = org.flows4j.flows.Flows.build(fs);
        TrainData td = new TrainData(tensor(sx.forward(trainX), type), context(split.train(), features, sc, type),
                split.validation().length == 0 ? null
                        : tensor(sx.forward(Rows.columns(split.validation(), 0, features)), type),
                split.validation().length == 0 ? null : context(split.validation(), features, sc, type));
        int e = epochs > 0 ? epochs : TrainConfig.autoEpochs(split.train().length, batch);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(e).withBatchSize(batch).withLearningRate(lr)
                .withWeightDecay(weightDecay).withClipNorm(clip).withSchedule(schedule.equals("cosine"), 0).withPatience(split.validation().length == 0 ? 0 : patience).withSeed(seed).withShards(shards);
        w.printf(Locale.ROOT, "training %s on %s: %d train / %d validation / %d test rows, %d features%s, %d parameters%n",
                fs, data, split.train().length, split.validation().length, split.test().length, features,
                contextFeatures > 0 ? " + " + contextFeatures + " context" : "", f.numParameters());
        w.flush();
        long t0 = System.nanoTime();
        TrainResult r;
        try (TrainProgress progress = new TrainProgress(Options.printStream(w),
                System.console() != null && w == spec.commandLine().getOut())) {
            TrainState start = resume == null ? null : CheckpointFile.load(resume);
            r = new Trainer(cfg).fit(f, td, checkpoint == null ? progress : withCheckpoints(progress), start);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        FlowModel model = FlowModel.of(fs, f).withPreprocessing(pre).withColumns(d.columns(), d.contextColumns());
        double testNll = Double.NaN;
        if (split.test().length > 0) {
            double[][] tx = Rows.columns(split.test(), 0, features);
            double[][] tc = contextFeatures == 0 ? null : Rows.columns(split.test(), features, features + contextFeatures);
            testNll = Evaluation.Nll.of(model.logProb(tx, tc)).mean();
        }
        FlowModel done = model.withSummary(new TrainingSummary(data, split.train().length, split.validation().length,
                split.test().length, r.history(), r.bestEpoch(), testNll, seconds, seed, Parallel.threads()));
        ModelFile.save(done, out);
        w.printf(Locale.ROOT, "%d epochs (best %d%s) in %.1f s; test NLL %.4f nats (%.4f bits/dim)%n", r.history().size(),
                r.bestEpoch(), r.stoppedEarly() ? ", stopped early" : "", seconds, testNll,
                Dequantizer.bitsPerDim(testNll, features, Math.max(1, d.levels())));
        return done;
    }

    private TrainListener withCheckpoints(TrainListener progress) {
        return new TrainListener() {
            @Override
            public void onStart(long totalSteps, int stepsPerEpoch) {
                progress.onStart(totalSteps, stepsPerEpoch);
            }

            @Override
            public void onStep(int epoch, long step, double loss) {
                progress.onStep(epoch, step, loss);
            }

            @Override
            public void onEpochEnd(EpochStats stats, Supplier<TrainState> state) {
                progress.onEpochEnd(stats, state);
                try {
                    CheckpointFile.save(state.get(), checkpoint);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the checkpoint " + checkpoint + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private DType elementType() {
        if (dtype.equalsIgnoreCase("float32") || dtype.equalsIgnoreCase("float64")) {
            return DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("--dtype: expected float32 or float64, got '" + dtype + "'");
    }

    private static Tensor tensor(double[][] rows, DType type) {
        return Tensor.of(rows).to(type);
    }

    private static Tensor context(double[][] joined, int features, Standardizer sc, DType type) {
        if (sc == null) {
            return null;
        }
        return tensor(sc.forward(Rows.columns(joined, features, features + sc.numColumns())), type);
    }
}
