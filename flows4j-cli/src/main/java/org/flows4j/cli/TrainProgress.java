package org.flows4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.flows4j.flows.EpochStats;
import org.flows4j.train.TrainListener;
import org.flows4j.train.TrainState;

/**
 * Shows training progress on the console.
 *
 * <p>Interactive mode (a terminal): one progress bar over the run's total optimizer steps
 * {@code E * stepsPerEpoch} with the ETA the bar estimates from the steps done since the bar appeared and
 * the extra message {@code epoch e/E loss x.xxx val y.yyy}, where {@code loss} is the running mean
 * {@code (1/k) sum_{i<=k} loss_i} of the current epoch's first {@code k} minibatch losses and {@code val}
 * the previous epoch's validation NLL.
 *
 * <p>Plain mode (a pipe or file): nothing per step, one line per epoch, e.g.
 * {@code epoch 3/50  step 120/2000  loss 1.234  val_nll 1.301  lr 9.5e-04  2.1s}
 * ({@code val_nll -} without validation data).
 *
 * <p>Call {@link #close()} after training (also after early stopping or an error) to finish the bar.
 */
public final class TrainProgress implements TrainListener, AutoCloseable {
    private final PrintStream out;
    private final boolean interactive;
    private long totalSteps;
    private int epochs;
    private ProgressBar bar;
    private int barEpoch;
    private double epochLossSum;
    private long epochLossCount;
    private double lastVal = Double.NaN;

    /** Writes to {@code out}, as a bar when the process runs in a terminal ({@code System.console() != null}). */
    public TrainProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    /** Writes to {@code out}, as a progress bar when {@code interactive} is true and as plain lines otherwise. */
    public TrainProgress(PrintStream out, boolean interactive) {
        this.out = Objects.requireNonNull(out, "TrainProgress: out");
        this.interactive = interactive;
    }

    /** True when this listener draws a progress bar rather than plain lines. */
    public boolean isInteractive() {
        return interactive;
    }

    @Override
    public void onStart(long totalSteps, int stepsPerEpoch) {
        if (totalSteps < 0 || stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("TrainProgress.onStart: expected totalSteps >= 0 and stepsPerEpoch > 0, "
                    + "got " + totalSteps + " and " + stepsPerEpoch);
        }
        this.totalSteps = totalSteps;
        this.epochs = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    @Override
    public void onStep(int epoch, long step, double loss) {
        if (!interactive) {
            return;
        }
        if (bar == null) {
            bar = newBar(step - 1);
        }
        if (epoch != barEpoch) {
            barEpoch = epoch;
            epochLossSum = 0;
            epochLossCount = 0;
        }
        epochLossSum += loss;
        epochLossCount++;
        bar.stepTo(step);
        bar.setExtraMessage(barMessage(epoch, epochLossSum / epochLossCount, lastVal));
    }

    @Override
    public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
        lastVal = stats.valNll();
        if (interactive) {
            if (bar != null) {
                bar.setExtraMessage(barMessage(stats.epoch(), stats.trainLoss(), stats.valNll()));
            }
            return;
        }
        out.println(plainLine(stats, epochs, totalSteps));
        out.flush();
    }

    /** Renders the bar's final state and stops its refresh thread; idempotent. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.flush();
    }

    /** The plain-mode line for one epoch of a run of {@code epochs} epochs and {@code totalSteps} steps. */
    static String plainLine(EpochStats s, int epochs, long totalSteps) {
        String val = Double.isNaN(s.valNll()) ? "-" : String.format(Locale.ROOT, "%.3f", s.valNll());
        return String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.3f  val_nll %s  lr %.1e  %.1fs",
                s.epoch(), epochs, s.steps(), totalSteps, s.trainLoss(), val, s.lr(), s.seconds());
    }

    private String barMessage(int epoch, double loss, double val) {
        String v = Double.isNaN(val) ? "-" : String.format(Locale.ROOT, "%.3f", val);
        return String.format(Locale.ROOT, "epoch %d/%d loss %.3f val %s", epoch, epochs, loss, v);
    }

    private ProgressBar newBar(long alreadyDone) {
        return new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(totalSteps)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .startsFrom(Math.max(0, alreadyDone), Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build();
    }
}
