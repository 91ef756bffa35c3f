package org.flows4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.flows4j.flows.EpochStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG figures of densities, samples and training runs, drawn with XChart and written atomically (a
 * temporary file in the target directory renamed over the target, so a failed plot never leaves a partial
 * file or touches an existing one). AWT runs headless unless {@code java.awt.headless} was set.
 *
 * <ul>
 *   <li>{@link #density2d}: color {@code c(exp(log p(x) - max_grid log p))} (viridis-like, dark purple = 0,
 *       yellow = the grid maximum) from a 120 x 120 grid over the points' 1st-99th percentile box padded by
 *       10% per side, bilinearly interpolated per pixel, with the points (red) drawn on top. XChart's
 *       HeatMapChart cannot overlay a scatter series and a tiling of square markers leaves seams or overlaps
 *       because marker sizes are whole pixels, so XChart paints title, axes and points onto a transparent
 *       image, the plot rectangle is read back from the chart's data-to-screen mapping, the heat layer is
 *       painted into exactly that rectangle and the chart is drawn over it. There is no color bar: the
 *       colors show relative density only. Points outside the box are not drawn.</li>
 *   <li>{@link #scatter}: 2-D samples, optionally over reference data in a second color.</li>
 *   <li>{@link #pairPlot}: pairwise scatter panels and 1-D density histograms on the diagonal.</li>
 *   <li>{@link #trainingCurve}: mean train loss and validation NLL per epoch.</li>
 * </ul>
 * Large inputs are thinned to every {@code ceil(n / cap)}-th row before drawing.
 */
public final class Plots {
    /** Color of samples drawn from a model. */
    static final Color SAMPLE_COLOR = new Color(31, 119, 180, 150);
    /** Color of reference data. */
    static final Color DATA_COLOR = new Color(255, 127, 14, 150);
    static final int SCATTER_WIDTH = 800;
    static final int SCATTER_HEIGHT = 700;
    static final int CURVE_WIDTH = 800;
    static final int CURVE_HEIGHT = 500;
    static final int MAX_SCATTER_POINTS = 20_000;
    /** Pair plots show at most this many dimensions unless told otherwise. */
    public static final int DEFAULT_PAIR_DIMS = 6;

    static {
        Headless.ensure();
    }

    private Plots() {
    }

    /**
     * Writes a heat map of {@code exp(logDensity)} with {@code points} ({@code [n, 2]}) drawn on top.
     * {@code logDensity} receives all grid points at once as {@code [m, 2]} rows and returns {@code m}
     * log-densities; NaN and {@code -inf} are shown as zero density.
     */
    public static void density2d(Path out, Function<double[][], double[]> logDensity, double[][] points, String title)
            throws IOException {
        BufferedImage image = DensityPlot.render(logDensity, points, title).image();
        writePng(out, "Plots.density2d", image);
    }

    /**
     * Writes two heat maps side by side over the same axes, those {@code points} ({@code [n, 2]}) span: the left
     * of {@code exp(leftLogDensity)} alone, the right of {@code exp(rightLogDensity)} with the points on top (a
     * target beside the density fitted to it, with the fitted flow's samples). Each map is scaled to its own
     * maximum.
     */
    public static void density2dPair(Path out, Function<double[][], double[]> leftLogDensity, String leftTitle,
                                     Function<double[][], double[]> rightLogDensity, String rightTitle,
                                     double[][] points) throws IOException {
        BufferedImage left = DensityPlot.render(leftLogDensity, points, leftTitle, false).image();
        BufferedImage right = DensityPlot.render(rightLogDensity, points, rightTitle, true).image();
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(),
                right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        writePng(out, "Plots.density2dPair", both);
    }

    /**
     * Writes a scatter plot of {@code points} ({@code [n, 2]}, labelled "samples") over {@code reference}
     * ({@code [m, 2]}, labelled "data", may be null); the axes span every point.
     */
    public static void scatter(Path out, double[][] points, double[][] reference, String title) throws IOException {
        String op = "Plots.scatter";
        PlotData.requireMatrix(op, "points", points, 2);
        if (reference != null) {
            PlotData.requireMatrix(op, "reference", reference, 2);
        }
        XYChart chart = new XYChart(SCATTER_WIDTH, SCATTER_HEIGHT);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle("x1");
        chart.setYAxisTitle("x2");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setChartTitleBoxVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (reference != null) {
            addPoints(chart, "data", PlotData.thin(reference, MAX_SCATTER_POINTS), DATA_COLOR);
        }
        addPoints(chart, "samples", PlotData.thin(points, MAX_SCATTER_POINTS), SAMPLE_COLOR);
        chart.getStyler().setLegendVisible(reference != null);
        writePng(out, op, BitmapEncoder.getBufferedImage(chart));
    }

    /** {@link #pairPlot(Path, double[][], double[][], String[], int)} over at most {@value #DEFAULT_PAIR_DIMS} dims. */
    public static void pairPlot(Path out, double[][] samples, double[][] data, String[] names) throws IOException {
        pairPlot(out, samples, data, names, DEFAULT_PAIR_DIMS);
    }

    /**
     * Writes a {@code k x k} grid, {@code k = min(d, maxDims)}: panel (row r, column c) plots dimension c
     * against dimension r for {@code samples} ({@code [n, d]}) and {@code data} ({@code [m, d]}, may be
     * null); the diagonal shows each dimension's density histogram. {@code names} (may be null: x1, x2, ...)
     * has one entry per dimension.
     */
    public static void pairPlot(Path out, double[][] samples, double[][] data, String[] names, int maxDims)
            throws IOException {
        writePng(out, "Plots.pairPlot", PairPlot.render(samples, data, names, maxDims));
    }

    /** Writes the mean train loss and the validation NLL (where finite) per epoch of {@code history}. */
    public static void trainingCurve(Path out, List<EpochStats> history) throws IOException {
        trainingCurve(out, history, null, null);
    }

    /**
     * Writes the mean train loss and the validation NLL (where finite) per epoch of {@code history} and, when
     * {@code other} is not null, those of another run (e.g. another library's) as dashed lines labelled
     * {@code otherLabel}.
     */
    public static void trainingCurve(Path out, List<EpochStats> history, List<EpochStats> other, String otherLabel)
            throws IOException {
        String op = "Plots.trainingCurve";
        if (history == null || history.isEmpty()) {
            throw new IllegalArgumentException(op + ": expected at least one epoch, got "
                    + (history == null ? "null" : "an empty history"));
        }
        List<Double> epochs = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> valEpochs = new ArrayList<>();
        List<Double> val = new ArrayList<>();
        for (EpochStats s : history) {
            if (Double.isFinite(s.trainLoss())) {
                epochs.add((double) s.epoch());
                train.add(s.trainLoss());
            }
            if (Double.isFinite(s.valNll())) {
                valEpochs.add((double) s.epoch());
                val.add(s.valNll());
            }
        }
        if (train.isEmpty() && val.isEmpty()) {
            throw new IllegalArgumentException(op + ": expected a finite train loss or validation NLL, got none in "
                    + history.size() + " epochs");
        }
        XYChart chart = new XYChart(CURVE_WIDTH, CURVE_HEIGHT);
        chart.setTitle("Training");
        chart.setXAxisTitle("epoch");
        chart.setYAxisTitle("nats per row");
        chart.getStyler().setChartTitleBoxVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        boolean markers = history.size() <= 60;
        if (!train.isEmpty()) {
            XYSeries s = chart.addSeries(other == null ? "train loss" : "flows4j train loss", epochs, train);
            s.setLineColor(new Color(SAMPLE_COLOR.getRGB()));
            s.setMarkerColor(new Color(SAMPLE_COLOR.getRGB()));
            s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (!val.isEmpty()) {
            XYSeries s = chart.addSeries(other == null ? "validation NLL" : "flows4j validation NLL", valEpochs, val);
            s.setLineColor(new Color(DATA_COLOR.getRGB()));
            s.setMarkerColor(new Color(DATA_COLOR.getRGB()));
            s.setMarker(markers ? SeriesMarkers.DIAMOND : SeriesMarkers.NONE);
        }
        if (other != null && !other.isEmpty()) {
            addDashed(chart, otherLabel + " train loss", other, true, SAMPLE_COLOR);
            addDashed(chart, otherLabel + " validation NLL", other, false, DATA_COLOR);
        }
        writePng(out, op, BitmapEncoder.getBufferedImage(chart));
    }

    private static void addDashed(XYChart chart, String name, List<EpochStats> run, boolean trainLoss, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochStats e : run) {
            double v = trainLoss ? e.trainLoss() : e.valNll();
            if (Double.isFinite(v)) {
                x.add((double) e.epoch());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            XYSeries s = chart.addSeries(name, x, y);
            s.setLineColor(new Color(color.getRGB()).darker());
            s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
            s.setMarker(SeriesMarkers.NONE);
        }
    }

    static void addPoints(XYChart chart, String name, double[][] rows, Color color) {
        XYSeries s = chart.addSeries(name, PlotData.column(rows, 0), PlotData.column(rows, 1));
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    static void writePng(Path out, String op, BufferedImage image) throws IOException {
        if (out == null) {
            throw new IllegalArgumentException(op + ": expected an output path, got null");
        }
        AtomicFiles.write(out, op, os -> {
            if (!ImageIO.write(image, "png", os)) {
                throw new IOException(op + ": no PNG encoder available");
            }
        });
    }
}
