package org.flows4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.flows4j.data.CsvReader;
import org.flows4j.data.Table;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.tensor.Rng;
import org.flows4j.vi.Box;
import org.flows4j.vi.Target;
import org.flows4j.vi.Targets;
import org.flows4j.flows.EpochStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j plot}: for a 2-D model, a heat map of its density with data (or, without {@code --data},
 * samples) on top; for more dimensions, a pair plot of samples against data; with
 * {@code --training-curve}, the training loss and validation NLL per epoch from the model's summary, with
 * {@code --compare} another run's curve (a CSV) beside it; with {@code --target}, a vi target's density beside the
 * model's.
 */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "Plot a model's density, samples or training curve as PNG.")
final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model file written by train.")
    Path model;

    @Option(names = "--out", required = true, description = "The PNG file to write.")
    Path out;

    @Option(names = "--data", description = "Data to overlay or compare with (file.csv, file.idx[.gz] or toy:NAME).")
    String data;

    @Option(names = "--training-curve", description = "Plot the training curve instead.")
    boolean trainingCurve;

    @Option(names = "--compare", description = "With --training-curve: a CSV (epoch,train_nll,validation_nll) of another "
            + "run to draw as dashed lines, e.g. a reference library's.")
    Path compare;

    @Option(names = "--compare-label", defaultValue = "reference", description = "Legend label of --compare "
            + "(default: ${DEFAULT-VALUE}).")
    String compareLabel;

    @Option(names = "--target", description = "A vi target (u1, u2, u3, u4, ring): draw its density beside the model's, "
            + "on the axes the model's samples span.")
    String target;

    @Option(names = "-n", defaultValue = "2000", description = "Samples to draw (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--context", split = ",", description = "Context values for a conditional model.")
    double[] context;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Options.requireWritableTarget(out);
        Options.requirePositive("-n", n);
        FlowModel m = ModelOptions.load(model);
        if (trainingCurve) {
            if (m.summary().isEmpty() || m.summary().orElseThrow().epochs().isEmpty()) {
                throw new IllegalArgumentException(model + " holds no training history to plot");
            }
            Plots.trainingCurve(out, m.summary().orElseThrow().epochs(), compare == null ? null : readCurve(compare), compareLabel);
            return 0;
        }
        double[][] samples = m.sample(n, context, new Rng(seed));
        if (target != null) {
            Target t = Targets.byName(target);
            if (t.features() != 2 || m.features() != 2) {
                throw new IllegalArgumentException("--target: expected a 2-D target and model, got " + t.features()
                        + "-D target " + target + " and a " + m.features() + "-D model");
            }
            Plots.density2dPair(out, grid -> Targets.logDensity(t, grid), "target " + target,
                    grid -> logProbInside(m, t.support(), grid), "fitted " + m.spec().map(FlowSpec::kind)
                            .orElse("flow") + " with samples", samples);
            return 0;
        }
        double[][] rows = data == null ? null : ModelOptions.rowsFor(m, data, n, seed + 1).x();
        if (m.features() == 2) {
            double[][] ctx = context == null ? null : new double[][] {context};
            Plots.density2d(out, grid -> m.logProb(grid, ctx == null ? null : repeat(ctx[0], grid.length)),
                    rows != null ? rows : samples, m.spec().map(FlowSpec::kind).orElse("flow") + (rows != null ? " density with data" : " density with samples"));
        } else {
            Plots.pairPlot(out, samples, rows, m.columns().toArray(new String[0]));
        }
        return 0;
    }

    /** Reads a CSV with the columns epoch, train_nll and validation_nll as epoch statistics. */
    static List<EpochStats> readCurve(Path csv) throws IOException {
        Table t = new CsvReader().columns("epoch", "train_nll", "validation_nll").read(csv);
        List<EpochStats> out = new ArrayList<>();
        for (double[] r : t.rows()) {
            out.add(new EpochStats((int) r[0], 0, r[1], r[2], Double.NaN, Double.NaN));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--compare: expected at least one epoch in " + csv + ", got none");
        }
        return out;
    }

    /**
     * The model's log-density of each row, {@code -inf} for rows not strictly inside {@code box} (a flow ending in
     * a bijection onto the box has no density there, and its inverse is not defined on the edge).
     */
    static double[] logProbInside(FlowModel m, Box box, double[][] rows) {
        if (box == null) {
            return m.logProb(rows, null);
        }
        double[] out = new double[rows.length];
        Arrays.fill(out, Double.NEGATIVE_INFINITY);
        int[] inside = new int[rows.length];
        int n = 0;
        for (int i = 0; i < rows.length; i++) {
            if (box.contains(rows[i])) {
                inside[n++] = i;
            }
        }
        double[][] kept = new double[n][];
        for (int k = 0; k < n; k++) {
            kept[k] = rows[inside[k]];
        }
        double[] lp = n == 0 ? new double[0] : m.logProb(kept, null);
        for (int k = 0; k < n; k++) {
            out[inside[k]] = lp[k];
        }
        return out;
    }

    private static double[][] repeat(double[] row, int n) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = row;
        }
        return out;
    }
}
