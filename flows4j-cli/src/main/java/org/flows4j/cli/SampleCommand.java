package org.flows4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.io.AtomicWrite;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j sample}: {@code n} draws from a model, in data units, as CSV with the model's column
 * names as the header; reproducible for a given seed. A conditional model needs {@code --context}. With
 * {@code --png} the draws of a model of images (its spec's image shape) are written as an image grid instead
 * ({@link ImageGrid}); {@code --temperature T} draws the latents from {@code N(0, T^2 I)}.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Draw samples from a model as CSV, or as "
        + "an image grid (PNG) for a model of images.")
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

    @Option(names = "--png", description = "Write the samples as an image grid to this PNG file (models of images).")
    Path png;

    @Option(names = "--columns", defaultValue = "0", description = "Images per line of the grid; 0 for about "
            + "sqrt(n) (default).")
    int columns;

    @Option(names = "--temperature", defaultValue = "1", description = "Latents drawn from N(0, T^2 I); T < 1 "
            + "gives more typical samples (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Override
    public Integer call() throws Exception {
        if (n < 0) {
            throw new IllegalArgumentException("-n must be >= 0, got " + n);
        }
        if (out != null) {
            Options.requireWritableTarget(out);
        }
        if (png != null) {
            Options.requireWritableTarget(png);
            if (n < 1 || columns < 0) {
                throw new IllegalArgumentException("--png needs -n >= 1 and --columns >= 0, got -n " + n + " and --columns "
                        + columns);
            }
        }
        FlowModel m = ModelOptions.load(model);
        ImageShape shape = png == null ? null : m.spec().map(FlowSpec::image).orElseThrow(() ->
                new IllegalArgumentException("--png: " + model + " is not a model of images (its spec has no image "
                        + "shape); train it on an IDX file of images"));
        double[][] s = m.sample(n, context, new Rng(seed), temperature);
        if (png != null) {
            ImageGrid.write(png, s, shape, columns > 0 ? columns : (int) Math.ceil(Math.sqrt(n)));
            if (out == null) {
                return 0;
            }
        }
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
