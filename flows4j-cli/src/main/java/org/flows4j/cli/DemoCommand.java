package org.flows4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flows4j.data.Dequantizer;
import org.flows4j.data.Fmnist49;
import org.flows4j.data.Toys;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.TrainingSummary;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code flows4j demo}: trains a neural spline flow (5 coupling steps, conditioners [64, 64], 8 bins)
 * on 50,000 points of toy:moons (80% for training), then writes {@code model.flow}, {@code density.png} (the learned density
 * with held-out data on top) and {@code samples.png} (samples beside data), and prints the test NLL beside
 * the true entropy of the moons distribution, 2.391 nats.
 *
 * <p>With {@code --images}: trains a small Glow ({@value #IMAGE_LEVELS} levels of {@value #IMAGE_STEPS} steps,
 * {@value #IMAGE_CHANNELS} channels; batch 64, Adam 1e-3) on the Fashion-MNIST training images for
 * {@code --seconds} seconds, then writes {@code glow.flow} and {@code images.png}: 64 samples at temperature
 * {@value #IMAGE_TEMPERATURE} beside the last 64 images of the file, and prints the test bits per dimension.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a neural spline flow on toy:moons and write density.png, samples.png, model.flow; with "
                + "--images, a small Glow on Fashion-MNIST, writing images.png and glow.flow.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo", description = "Directory for the outputs (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "Kernel threads; 0 uses every processor (default).")
    int threads;

    @Option(names = "--images", description = "Train a small Glow on Fashion-MNIST images instead.")
    boolean images;

    @Option(names = "--images-data", description = "The training images as an IDX file (default: Debian's "
            + "dataset-fashion-mnist, in /usr/share/datasets/fashion-mnist).")
    Path imagesData;

    @Option(names = "--seconds", defaultValue = "240", description = "With --images: training time (default: "
            + "${DEFAULT-VALUE}).")
    double seconds;

    static final int IMAGE_LEVELS = 2;
    static final int IMAGE_STEPS = 4;
    static final int IMAGE_CHANNELS = 64;
    static final double IMAGE_TEMPERATURE = 0.7;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        Files.createDirectories(out);
        if (images) {
            return imageDemo(w);
        }
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--data", "toy:moons", "--flow", "nsf", "--rows", "50000", "--seed", "0",
                "--threads", "" + threads, "--out", out.resolve("model.flow").toString());
        train.spec = spec;
        FlowModel m = train.train(w);
        double[][] heldOut = Toys.generate("moons", 2000, 99);
        Plots.density2d(out.resolve("density.png"), g -> m.logProb(g, null), heldOut, "NSF on moons: density and data");
        Plots.scatter(out.resolve("samples.png"), m.sample(2000, null, new Rng(1)), heldOut, "NSF samples and data");
        double entropy = Toys.entropy("moons").orElseThrow();
        double nll = m.summary().orElseThrow().testNll();
        w.printf(Locale.ROOT, "test NLL %.4f nats; true entropy %.3f nats; gap %.4f%n", nll, entropy, nll - entropy);
        w.printf(Locale.ROOT, "wrote %s, %s, %s%n", out.resolve("model.flow"), out.resolve("density.png"),
                out.resolve("samples.png"));
        return 0;
    }

    private int imageDemo(PrintWriter w) throws Exception {
        Path data = imagesData != null ? imagesData : Fmnist49.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz");
        if (!Files.exists(data)) {
            throw new NoSuchFileException(data.toString(), null, "expected the Fashion-MNIST training images; install "
                    + "the Debian package dataset-fashion-mnist or pass --images-data");
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("--seconds must be positive and finite, got " + seconds);
        }
        Path model = out.resolve("glow.flow");
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--data", data.toString(), "--flow", "glow", "--levels", "" + IMAGE_LEVELS,
                "--steps", "" + IMAGE_STEPS, "--channels", "" + IMAGE_CHANNELS, "--batch", "64", "--lr", "1e-3",
                "--schedule", "constant", "--epochs", "1000", "--time-limit", "" + seconds, "--seed", "0",
                "--threads", "" + threads, "--out", model.toString());
        train.spec = spec;
        FlowModel m = train.train(w);
        ImageShape shape = m.spec().orElseThrow().image();
        double[][] samples = m.sample(64, null, new Rng(1), IMAGE_TEMPERATURE);
        double[][] real = ModelOptions.rowsFor(m, data.toString(), 1, 7).x();
        double[][] shown = new double[Math.min(64, real.length)][];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = real[real.length - 1 - i];
        }
        ImageGrid.writeBeside(out.resolve("images.png"), samples, shown, shape, 8);
        TrainingSummary summary = m.summary().orElseThrow();
        w.printf(Locale.ROOT, "test bits/dim %.4f (the %d images held out)%n",
                Dequantizer.bitsPerDim(summary.testNll(), shape.features(), 256), summary.testRows());
        w.printf(Locale.ROOT, "wrote %s (samples at temperature %.1f, left; data, right), %s%n",
                out.resolve("images.png"), IMAGE_TEMPERATURE, model);
        return 0;
    }
}
