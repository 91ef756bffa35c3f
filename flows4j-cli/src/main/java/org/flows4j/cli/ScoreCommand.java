package org.flows4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.flows4j.io.AtomicWrite;
import org.flows4j.flows.FlowModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j score}: one log-density {@code log p(x)} (natural log, data units) per input row, in
 * input order, to stdout or to a CSV file with the header {@code log_prob}. Low scores flag anomalies.
 */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Print log p(x) for every row of a data file.")
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model file written by train.")
    Path model;

    @Option(names = "--data", required = true, description = "file.csv or file.idx[.gz]. A CSV header must name the model's columns (any order, others ignored); without a header the columns are taken by position.")
    String data;

    @Option(names = "--out", description = "Write the scores to this CSV file instead of stdout.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for dequantizing image data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            Options.requireWritableTarget(out);
        }
        FlowModel m = ModelOptions.load(model);
        Dataset d = ModelOptions.rowsFor(m, data, 1000, seed);
        double[] lp = m.logProb(d.x(), d.context());
        StringBuilder sb = new StringBuilder("log_prob\n");
        for (double v : lp) {
            sb.append(v).append('\n');
        }
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            w.print(sb);
            w.flush();
        } else {
            AtomicWrite.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }
}
