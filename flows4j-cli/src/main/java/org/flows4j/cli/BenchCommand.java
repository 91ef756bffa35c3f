package org.flows4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j bench}: measures training, density evaluation and sampling speed of the ready-made
 * flows and prints one JSON line per model (see {@link FlowBench} for what each figure measures):
 * <pre>
 * {"lib":"flows4j","model":"realnvp","threads":2,"params":...,"train_steps_per_s":...,
 *  "logprob_rows_per_s":...,"sample_rows_per_s":...,"peak_heap_mb":...}
 * </pre>
 * Bad arguments print one line on standard error and exit with code 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark training steps, logProb and sampling of realnvp, maf, nsf and nsf-ar flows.")
public final class BenchCommand implements Callable<Integer> {
    /** The model names the bench knows, in the order {@code all} runs them. */
    public static final List<String> MODELS = List.of("realnvp", "maf", "nsf", "nsf-ar");

    /** The image models, run only when named: 1x28x28 rows (Fashion-MNIST's shape), {@code --levels} levels. */
    public static final List<String> IMAGE_MODELS = List.of("glow", "realnvp-image");

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", defaultValue = "all", description = "realnvp, maf, nsf, nsf-ar or all (default: "
            + "${DEFAULT-VALUE}); or glow or realnvp-image on 1x28x28 images (--layers is then the steps per level and "
            + "--hidden the conditioners' channels)")
    private String model;

    @Option(names = "--levels", defaultValue = "2", description = "levels of an image model (default: ${DEFAULT-VALUE})")
    private int levels;

    @Option(names = "--dim", defaultValue = "8", description = "data dimensions (default: ${DEFAULT-VALUE})")
    private int dim;

    @Option(names = "--layers", defaultValue = "5", description = "flow steps (default: ${DEFAULT-VALUE})")
    private int layers;

    @Option(names = "--hidden", defaultValue = "128", description = "width of both hidden layers (default: ${DEFAULT-VALUE})")
    private int hidden;

    @Option(names = "--batch", defaultValue = "512", description = "training batch rows (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--eval-batch", defaultValue = "10000", description = "rows per logProb and sampling call (default: ${DEFAULT-VALUE})")
    private int evalBatch;

    @Option(names = "--threads", defaultValue = "2", description = "kernel threads (default: ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--shards", defaultValue = "" + TrainConfig.DEFAULT_SHARDS, description = "parts of the training "
            + "batch computed concurrently, as in training (default: ${DEFAULT-VALUE})")
    private int shards;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float64 (default: ${DEFAULT-VALUE})")
    private String dtype;

    @Option(names = "--train-steps", defaultValue = "30", description = "timed training steps, at least 30 (default: ${DEFAULT-VALUE})")
    private int trainSteps;

    @Option(names = "--warmup-seconds", defaultValue = "3", description = "least untimed training time per model; "
            + "a third of it before logProb and sampling (default: ${DEFAULT-VALUE})")
    private double warmupSeconds;

    @Option(names = "--classic", description = "Build realnvp, maf and nsf as the first release did (classic coupling, "
            + "conditioner inputs not squashed, tanh log-scale): the work per step of the builds before the fit-quality "
            + "changes, to compare a build with them at equal work.")
    private boolean classic;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String problem = validate();
        if (problem != null) {
            err.println("flows4j bench: " + problem);
            err.flush();
            return 2;
        }
        DType type = dtype.equalsIgnoreCase("float32") ? DType.FLOAT32 : DType.FLOAT64;
        List<String> models = model.equals("all") ? MODELS : List.of(model);
        Parallel.setThreads(threads);
        PrintWriter out = spec.commandLine().getOut();
        for (String m : models) {
            FlowBench.Result r = new FlowBench(m, dim, levels, layers, hidden, batch, evalBatch, type, trainSteps,
                    warmupSeconds, shards, classic).run();
            out.println(r.toJson(threads));
            out.flush();
        }
        return 0;
    }

    private String validate() {
        if (!model.equals("all") && !MODELS.contains(model) && !IMAGE_MODELS.contains(model)) {
            return "unknown model '" + model + "'; expected one of " + MODELS + ", " + IMAGE_MODELS + " or all";
        }
        if (levels < 1 || levels > 2) {
            return "--levels must be 1 or 2 for 28x28 images, got " + levels;
        }
        if (dim < 2) {
            return "--dim must be at least 2 (coupling flows split the features), got " + dim;
        }
        String[] names = {"--layers", "--hidden", "--batch", "--eval-batch", "--threads", "--shards"};
        int[] values = {layers, hidden, batch, evalBatch, threads, shards};
        for (int i = 0; i < names.length; i++) {
            if (values[i] < 1) {
                return names[i] + " must be at least 1, got " + values[i];
            }
        }
        if (trainSteps < 30) {
            return "--train-steps must be at least 30, got " + trainSteps;
        }
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            return "--warmup-seconds must be finite and >= 0, got " + warmupSeconds;
        }
        if (!dtype.equalsIgnoreCase("float32") && !dtype.equalsIgnoreCase("float64")) {
            return "--dtype must be float32 or float64, got '" + dtype + "'";
        }
        return null;
    }
}
