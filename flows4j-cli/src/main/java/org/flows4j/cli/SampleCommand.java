package org.flows4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.flows4j.io.AtomicWrite;
import org.flows4j.flows.FlowModel;
import org.flows4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j sample}: {@code n} draws from a model, in data units, as CSV with the model's column
 * names as the header; reproducible for a given seed. A conditional model needs {@code --context}.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Draw samples from a model as CSV.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model file written by train.")
    Path model;

    @Option(names = "-n", required = true, description = "Number of samples.")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--context", split = ",", description = "Context values for a conditional model.")
    double[] context;

    @Option(names = "--out", description = "Write the samples to this CSV file instead of stdout.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (n < 0) {
            throw new IllegalArgumentException("-n must be >= 0, got " + n);
        }
        if (out != null) {
            Options.requireWritableTarget(out);
        }
        FlowModel m = ModelOptions.load(model);
        double[][] s = m.sample(n, context, new Rng(seed));
        String csv = csv(m.columns(), s);
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            w.print(csv);
            w.flush();
        } else {
            AtomicWrite.write(out, csv.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }

    static String csv(List<String> header, double[][] rows) {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                sb.append(r[j]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
