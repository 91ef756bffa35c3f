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
import org.flows4j.data.Toys;
import org.flows4j.flows.EpochStats;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Presets;
import org.flows4j.io.CheckpointFile;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.flows4j.train.FitData;
import org.flows4j.train.FitResult;
import org.flows4j.train.Fitter;
import org.flows4j.train.MemoryEstimate;
import org.flows4j.train.PreparedFit;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainListener;
import org.flows4j.train.TrainState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j train}: fits a ready-made flow to a data set by maximum likelihood and saves it. The rows
 * are split (seeded) into training, validation and test parts; the standardization is fitted on the
 * training part and saved with the model, so every reported NLL is in the data's own units. Integer
 * image data (IDX unsigned bytes) is dequantized to {@code (x + u) / 256} with {@code u ~ U[0, 1)}, the
 * training rows afresh every epoch; its NLL is on that [0, 1) scale and its bits per dimension count the
 * 256 levels. The pipeline is the library's {@link Fitter}: this command parses the options, loads the
 * data, runs the fitter with a progress listener (and checkpoints) and saves the model.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a flow on a CSV, IDX or toy data set.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "file.csv, file.idx[.gz] or toy:NAME (moons, circles, "
            + "8gaussians, checkerboard, 2spirals, pinwheel, rings, swissroll).")
    String data;

    @Option(names = "--flow", defaultValue = "nsf", description = "nice, realnvp, maf, iaf, nsf, nsf-ar, or for "
            + "images (IDX files) glow or realnvp-image (default: ${DEFAULT-VALUE}).")
    String flow;

    @Option(names = "--levels", defaultValue = "2", description = "Image flows: levels of the multi-scale "
            + "architecture (default: ${DEFAULT-VALUE}).")
    int levels;

    @Option(names = "--steps", description = "Image flows: steps per level (the same as --layers).")
    Integer steps;

    @Option(names = "--channels", description = "Image flows: hidden channels of the convolutional conditioners "
            + "(default: the first --hidden width).")
    Integer channels;

    @Option(names = "--layers", description = "Flow steps (default: the preset's, " + FlowSpec.DEFAULT_LAYERS
            + "; 16 for planar and radial).")
    Integer layers;

    @Option(names = "--hidden", defaultValue = FlowSpec.DEFAULT_WIDTH + "," + FlowSpec.DEFAULT_WIDTH, split = ",", description = "Hidden widths of each conditioner (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--bins", defaultValue = "" + FlowSpec.DEFAULT_BINS, description = "Spline bins (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--tail-bound", defaultValue = "" + FlowSpec.DEFAULT_TAIL_BOUND, description = "Spline interval [-B, B] in standardized units; for realnvp, maf and iaf the latent bound of their log tails (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--affine-scale", defaultValue = "soft", description = "Log-scale of realnvp, maf, iaf and the "
            + "image flows: soft, u / (1 + |u| / ln 1000), tanh, 3 tanh(u / 3), or sigmoid, log sigmoid(u + 2) (Glow's; "
            + "it only contracts, so use it with ActNorm, as in glow) (default: ${DEFAULT-VALUE}).")
    String affineScale;

    @Option(names = "--dtype", defaultValue = "float32", description = "Element type of the model and the "
            + "training data: float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--epochs", defaultValue = "" + TrainConfig.AUTO_EPOCHS, description = "Epochs; 0 picks about 3,000 steps, within 5..300 epochs (default).")
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

    @Option(names = "--val-fraction", defaultValue = "" + Fitter.DEFAULT_VALIDATION_FRACTION, description = "Validation share of the rows (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "" + Fitter.DEFAULT_TEST_FRACTION, description = "Test share of the rows (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--time-limit", defaultValue = "0", description = "Stop after the step that passes this many "
            + "seconds of training (its epoch is validated and the best weights kept); 0 for none (default).")
    double timeLimit;

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

    /** The spec of the options for data {@code d}; an image kind needs image rows. */
    private FlowSpec spec(Dataset d, DType type) {
        boolean image = imageKind();
        if (image && d.image() == null) {
            throw new IllegalArgumentException("--flow " + flow + " models images: expected an IDX file of images as "
                    + "--data, got " + data);
        }
        if (steps != null) {
            Options.requirePositive("--steps", steps);
        }
        if (channels != null) {
            Options.requirePositive("--channels", channels);
        }
        int[] widths = channels != null ? new int[] {channels} : hidden;
        return new FlowSpec(flow, d.features(), d.contextColumns().size(), steps != null ? steps : layers != null ? layers
                : Presets.get(flow).defaultLayers(), widths,
                Activation.RELU, bins, tailBound, lu, type, seed, dropout, conditioner,
                inputBound != null ? inputBound : FlowSpec.defaultInputBound(flow), bothHalves, affineScale, d.image(),
                image ? levels : 1);
    }

    private boolean imageKind() {
        String kind = flow.toLowerCase(Locale.ROOT);
        return Presets.exists(kind) && Presets.get(kind).isImage();
    }

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
        Fitter.Builder fitting = Fitter.builder().config(TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch)
                .withLearningRate(lr).withWeightDecay(weightDecay).withClipNorm(clip)
                .withSchedule(schedule.equals("cosine"), 0).withPatience(patience).withSeed(seed).withShards(shards)
                .withTimeLimit(timeLimit))
                .validationFraction(valFraction).testFraction(testFraction);
        fitting.build(); // checks the shares of validation and test rows before the data is read
        FitResult r;
        String doing = "reading the data";
        try (TrainProgress progress = new TrainProgress(Options.printStream(w),
                System.console() != null && w == spec.commandLine().getOut())) {
            TrainState start = resume == null ? null : CheckpointFile.load(resume);
            Dataset d = DataLoader.load(data, columns, contextColumns, rows, seed);
            FlowSpec fs = spec(d, type);
            fitting.standardize(!imageKind());
            Fitter fitter = fitting.listener(checkpoint == null ? progress : withCheckpoints(progress)).resume(start).build();
            doing = "building the model";
            PreparedFit p = fitter.prepare(fs, new FitData(d.x(), d.context(), d.columns(), d.contextColumns(), data,
                    d.levels()));
            long parameters = p.flow().numParameters();
            doing = String.format(Locale.ROOT, "training a model of %,d parameters", parameters);
            w.printf(Locale.ROOT, "training %s on %s: %d train / %d validation / %d test rows, %d features%s, %d parameters%n",
                    fs, data, p.trainRows(), p.validationRows(), p.testRows(), d.features(),
                    d.contextColumns().isEmpty() ? "" : " + " + d.contextColumns().size() + " context", parameters);
            w.flush();
            r = p.train();
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException(String.format(Locale.ROOT, "out of memory %s; the Java heap is at most %s: "
                    + "use fewer rows, --layers or --hidden units, a smaller --batch, or a larger heap "
                    + "(FLOWS4J_JAVA_OPTS=-Xmx...)", doing, MemoryEstimate.size(Runtime.getRuntime().maxMemory())), e);
        }
        ModelFile.save(r.model(), out);
        w.printf(Locale.ROOT, "%d epochs (best %d%s) in %.1f s; test NLL %.4f nats (%.4f bits/dim)%n",
                r.training().history().size(), r.training().bestEpoch(), r.training().stoppedEarly() ? ", stopped early" : "",
                r.summary().seconds(), r.testNll(), r.testBitsPerDim());
        return r.model();
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
}
