package org.flows4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.flows4j.flows.FlowModel;
import org.flows4j.train.Evaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j fit-bench}: the real-data fit benchmark. For each flow it runs {@code flows4j train} on
 * the training file (a seeded 10% of it held out for validation and early stopping, standardization
 * fitted on the rest), then scores every row of the test file and prints one JSON line: the mean test
 * NLL {@code -(1/n) sum_i log p(x_i)} in the data's own units, its standard error
 * {@code sd(-log p) / sqrt(n)}, the lowest test log-density, the best and last epoch and the seconds
 * spent. Its defaults are the settings of the comparison with zuko (issue 11): 5 steps, hidden 128,128,
 * 8 bins, Adam at a constant 1e-3, batch 256, at most 500 epochs, patience 20.
 *
 * <p>With {@code --seeds S} each flow is trained with the seeds {@code seed, ..., seed + S - 1} (split, weights
 * and shuffling), one line each, and a summary line follows each flow's runs: the mean of the runs' test NLLs
 * {@code m = (1/S) sum_s NLL_s}, their sample standard deviation {@code sqrt(sum_s (NLL_s - m)^2 / (S - 1))}, the
 * standard error of the mean (that divided by {@code sqrt S}) and the best and worst run. A single run of one
 * seed varies by several nats on fmnist49 (docs/FIT_QUALITY.md), so comparisons with another library are made
 * between such means.
 */
@Command(name = "fit-bench", mixinStandardHelpOptions = true,
        description = "Train flows on a train CSV and print their test NLL as JSON lines.")
final class FitBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--train", required = true, description = "The training CSV (e.g. fmnist49-train.csv from flows4j data).")
    Path train;

    @Option(names = "--test", required = true, description = "The test CSV, with the same columns.")
    Path test;

    @Option(names = "--flows", split = ",", defaultValue = "maf,nsf-ar,realnvp,nsf",
            description = "Flows to train (default: ${DEFAULT-VALUE}).")
    List<String> flows;

    @Option(names = "--layers", defaultValue = "5", description = "Steps (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "128,128", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    String hidden;

    @Option(names = "--bins", defaultValue = "8", description = "Spline bins (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--batch", defaultValue = "256", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--epochs", defaultValue = "500", description = "At most this many epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "20", description = "Early-stopping patience (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split, weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "1", description = "Runs per flow, with seeds --seed, --seed + 1, ...; "
            + "with more than one a summary line (mean, sd, best, worst) follows each flow (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--train-options", defaultValue = "", description = "Further options for flows4j train, "
            + "space-separated (e.g. \"--clip 0 --dropout 0.1\").")
    String trainOptions;

    @Option(names = "--models", description = "Keep each trained model in this directory as FLOW.flow "
            + "(for flows4j plot --training-curve).")
    Path models;

    @Option(names = "--threads", defaultValue = "0", description = "Kernel threads; 0 uses every processor (default).")
    int threads;

    @Override
    public Integer call() throws Exception {
        Options.requirePositive("--epochs", epochs);
        Options.requirePositive("--seeds", seeds);
        if (models != null) {
            Files.createDirectories(models);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path scratch = models != null ? null : Files.createTempDirectory("flows4j-fit-bench");
        try {
            for (String flow : flows) {
                double[] nlls = new double[seeds];
                for (int i = 0; i < seeds; i++) {
                    long runSeed = seed + i;
                    String name = seeds == 1 ? flow : flow + "-seed" + runSeed;
                    Path modelFile = (models != null ? models : scratch).resolve(name + ".flow");
                    FlowModel m = trainCommand(flow, runSeed, modelFile).train(new PrintWriter(new StringWriter()));
                    Dataset d = ModelOptions.rowsFor(m, test.toString(), 1, runSeed);
                    double[] lp = m.logProb(d.x(), d.context());
                    nlls[i] = Evaluation.Nll.of(lp).mean();
                    out.println(json(flow, runSeed, m, lp));
                    out.flush();
                }
                if (seeds > 1) {
                    out.println(summary(flow, nlls));
                    out.flush();
                }
            }
        } finally {
            if (scratch != null) {
                try (var files = Files.list(scratch)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(scratch);
            }
        }
        return 0;
    }

    private TrainCommand trainCommand(String flow, long seed, Path modelFile) {
        List<String> args = new ArrayList<>(List.of("--data", train.toString(), "--flow", flow,
                "--layers", "" + layers, "--hidden", hidden, "--bins", "" + bins, "--batch", "" + batch,
                "--lr", "" + lr, "--schedule", schedule, "--epochs", "" + epochs, "--patience", "" + patience,
                "--val-fraction", "0.1", "--test-fraction", "0", "--seed", "" + seed, "--threads", "" + threads,
                "--out", modelFile.toString()));
        if (!trainOptions.isBlank()) {
            args.addAll(Arrays.asList(trainOptions.trim().split("\\s+")));
        }
        TrainCommand t = new TrainCommand();
        new CommandLine(t).parseArgs(args.toArray(new String[0]));
        return t;
    }

    private String summary(String flow, double[] nlls) throws Exception {
        double mean = Arrays.stream(nlls).average().orElseThrow();
        double ss = Arrays.stream(nlls).map(v -> (v - mean) * (v - mean)).sum();
        double sd = Math.sqrt(ss / (nlls.length - 1));
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("flow", flow);
        o.put("seeds", nlls.length);
        o.put("first_seed", seed);
        o.put("mean_test_nll", mean);
        o.put("sd_test_nll", sd);
        o.put("mean_test_nll_stderr", sd / Math.sqrt(nlls.length));
        o.put("best_test_nll", Arrays.stream(nlls).min().orElseThrow());
        o.put("worst_test_nll", Arrays.stream(nlls).max().orElseThrow());
        return new ObjectMapper().writeValueAsString(o);
    }

    private static String json(String flow, long seed, FlowModel m, double[] lp) throws Exception {
        Evaluation.Nll nll = Evaluation.Nll.of(lp);
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("flow", flow);
        o.put("seed", seed);
        o.put("test_nll", nll.mean());
        o.put("test_nll_stderr", nll.stderr());
        o.put("min_test_log_prob", Arrays.stream(lp).min().orElseThrow());
        o.put("test_rows", lp.length);
        o.put("best_epoch", m.summary().orElseThrow().bestEpoch());
        o.put("epochs", m.summary().orElseThrow().epochs().size());
        o.put("best_validation_nll", m.summary().orElseThrow().epochs().get(m.summary().orElseThrow().bestEpoch() - 1).valNll());
        o.put("seconds", m.summary().orElseThrow().seconds());
        return new ObjectMapper().writeValueAsString(o);
    }
}
