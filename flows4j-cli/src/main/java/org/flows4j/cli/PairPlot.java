package org.flows4j.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders {@link Plots#pairPlot}: {@code k x k} XChart panels of {@value #PANEL} pixels composed into one
 * image. Off-diagonal panel (r, c), titled "name_r vs name_c", is a scatter of dimension c (x) against
 * dimension r (y); diagonal panel (r, r) outlines the density histogram of dimension r,
 * {@code h_b = count_b / (n w)} over {@value #BINS} bins of width {@code w} spanning the min-max of both
 * sets, so sets of different sizes compare. Every axis spans the min-max of samples and data together,
 * padded by 5% per side.
 */
final class PairPlot {
    static final int PANEL = 240;
    static final int BINS = 30;
    static final int MAX_POINTS = 2000;

    static {
        Headless.ensure();
    }

    private PairPlot() {
    }

    static BufferedImage render(double[][] samples, double[][] data, String[] names, int maxDims) {
        String op = "Plots.pairPlot";
        int d = PlotData.requireMatrix(op, "samples", samples, -1);
        if (data != null) {
            PlotData.requireMatrix(op, "data", data, d);
        }
        if (names != null && names.length != d) {
            throw new IllegalArgumentException(op + ": expected " + d + " names (one per dimension), got "
                    + names.length);
        }
        if (maxDims < 1) {
            throw new IllegalArgumentException(op + ": expected maxDims >= 1, got " + maxDims);
        }
        int k = Math.min(d, maxDims);
        double[][] ranges = new double[k][];
        double[][] binRanges = new double[k][];
        for (int j = 0; j < k; j++) {
            double[][] cols = data == null ? new double[][] {PlotData.column(samples, j)}
                    : new double[][] {PlotData.column(samples, j), PlotData.column(data, j)};
            ranges[j] = PlotData.paddedRange(0, 1, 0.05, cols);
            binRanges[j] = PlotData.paddedRange(0, 1, 0, cols);
        }
        double[][] fewSamples = PlotData.thin(samples, MAX_POINTS);
        double[][] fewData = data == null ? null : PlotData.thin(data, MAX_POINTS);
        BufferedImage image = new BufferedImage(k * PANEL, k * PANEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                XYChart panel = r == c
                        ? histogram(samples, data, r, binRanges[r], ranges[r], name(names, r), r == 0)
                        : scatter(fewSamples, fewData, r, c, ranges, name(names, r) + " vs " + name(names, c));
                g.drawImage(BitmapEncoder.getBufferedImage(panel), c * PANEL, r * PANEL, null);
            }
        }
        g.dispose();
        return image;
    }

    private static String name(String[] names, int j) {
        return names == null || names[j] == null ? "x" + (j + 1) : names[j];
    }

    private static XYChart panel(String title) {
        XYChart chart = new XYChart(PANEL, PANEL);
        chart.setTitle(title);
        XYStyler s = chart.getStyler();
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        s.setChartTitleBoxVisible(false);
        s.setChartPadding(4);
        s.setLegendVisible(false);
        s.setChartBackgroundColor(Color.WHITE);
        s.setXAxisTickMarkSpacingHint(60);
        s.setXAxisDecimalPattern("0.##");
        s.setYAxisDecimalPattern("0.##");
        return chart;
    }

    private static XYChart scatter(double[][] samples, double[][] data, int r, int c, double[][] ranges, String title) {
        XYChart chart = panel(title);
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarkerSize(2);
        s.setXAxisMin(ranges[c][0]);
        s.setXAxisMax(ranges[c][1]);
        s.setYAxisMin(ranges[r][0]);
        s.setYAxisMax(ranges[r][1]);
        if (data != null) {
            series(chart, "data", PlotData.column(data, c), PlotData.column(data, r), Plots.DATA_COLOR);
        }
        series(chart, "samples", PlotData.column(samples, c), PlotData.column(samples, r), Plots.SAMPLE_COLOR);
        return chart;
    }

    private static XYChart histogram(double[][] samples, double[][] data, int j, double[] bins, double[] range,
            String title, boolean legend) {
        XYChart chart = panel(title);
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setXAxisMin(range[0]);
        s.setXAxisMax(range[1]);
        s.setYAxisMin(0.0);
        s.setLegendVisible(legend);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        if (data != null) {
            double[][] outline = outline(PlotData.column(data, j), bins, range);
            line(chart, "data", outline, new Color(Plots.DATA_COLOR.getRGB()));
        }
        double[][] outline = outline(PlotData.column(samples, j), bins, range);
        line(chart, "samples", outline, new Color(Plots.SAMPLE_COLOR.getRGB()));
        return chart;
    }

    /**
     * The outline of the density histogram of {@code values} over {@code BINS} bins spanning {@code bins},
     * as the polyline {@code (axis_lo, 0), (e_0, 0), (e_0, h_0), (e_1, h_0), (e_1, h_1), ..., (e_B, h_{B-1}),
     * (e_B, 0), (axis_hi, 0)} with edges {@code e_b = bins_lo + b w}; returns {@code {xs, ys}}. Values on
     * the last edge count in the last bin.
     */
    static double[][] outline(double[] values, double[] bins, double[] axis) {
        double w = (bins[1] - bins[0]) / BINS;
        double[] h = new double[BINS];
        for (double v : values) {
            int b = (int) Math.floor((v - bins[0]) / w);
            if (b >= 0 && b <= BINS) {
                h[Math.min(b, BINS - 1)] += 1.0 / (values.length * w);
            }
        }
        double[] xs = new double[2 * BINS + 4];
        double[] ys = new double[2 * BINS + 4];
        xs[0] = axis[0];
        xs[1] = bins[0];
        for (int b = 0; b < BINS; b++) {
            xs[2 * b + 2] = bins[0] + b * w;
            ys[2 * b + 2] = h[b];
            xs[2 * b + 3] = bins[0] + (b + 1) * w;
            ys[2 * b + 3] = h[b];
        }
        xs[2 * BINS + 2] = bins[1];
        xs[2 * BINS + 3] = axis[1];
        return new double[][] {xs, ys};
    }

    private static void series(XYChart chart, String name, double[] xs, double[] ys, Color color) {
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    private static void line(XYChart chart, String name, double[][] xy, Color color) {
        XYSeries s = chart.addSeries(name, xy[0], xy[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
    }
}
