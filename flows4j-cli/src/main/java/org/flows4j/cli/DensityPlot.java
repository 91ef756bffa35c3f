package org.flows4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders {@link Plots#density2d}: a heat layer of {@code exp(logDensity)} under an XChart scatter chart.
 *
 * <p>The chart (title, axes, points) is painted by XChart onto a transparent image; its plot rectangle is
 * then read back through {@code getScreenXFromChart}/{@code getScreenYFromChart}, every pixel of that
 * rectangle is colored from the density bilinearly interpolated between the grid's cell centers, and the
 * transparent chart is drawn on top. So the points really overlay the density and the axes label it.
 */
final class DensityPlot {
    static final int WIDTH = 800;
    static final int HEIGHT = 700;
    static final int GRID = 120;
    static final int MAX_POINTS = 5000;
    private static final Color POINT_COLOR = new Color(255, 64, 48, 170);
    private static final Color CLEAR = new Color(0, 0, 0, 0);

    static {
        Headless.ensure();
    }

    /** The rendered figure with its plot rectangle in pixels and the data bounds that rectangle shows. */
    record Rendered(BufferedImage image, Rectangle2D plotArea, double xMin, double xMax, double yMin, double yMax) {
    }

    private DensityPlot() {
    }

    static Rendered render(Function<double[][], double[]> logDensity, double[][] points, String title) {
        return render(logDensity, points, title, true);
    }

    /** As {@link #render(Function, double[][], String)}; {@code showPoints} false only uses the points for the axes. */
    static Rendered render(Function<double[][], double[]> logDensity, double[][] points, String title,
                           boolean showPoints) {
        String op = "Plots.density2d";
        if (logDensity == null) {
            throw new IllegalArgumentException(op + ": expected a logDensity function, got null");
        }
        PlotData.requireMatrix(op, "points", points, 2);
        double[] xr = PlotData.paddedRange(0.01, 0.99, 0.1, PlotData.column(points, 0));
        double[] yr = PlotData.paddedRange(0.01, 0.99, 0.1, PlotData.column(points, 1));
        double[] density = relativeDensity(op, logDensity, xr, yr);

        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle("x1");
        chart.setYAxisTitle("x2");
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setChartBackgroundColor(CLEAR);
        s.setPlotBackgroundColor(CLEAR);
        s.setPlotGridLinesVisible(false);
        s.setPlotTicksMarksVisible(false);
        s.setLegendVisible(false);
        s.setChartTitleBoxVisible(false);
        s.setPlotContentSize(1.0);
        s.setMarkerSize(4);
        s.setXAxisMin(xr[0]);
        s.setXAxisMax(xr[1]);
        s.setYAxisMin(yr[0]);
        s.setYAxisMax(yr[1]);
        double[][] shown = PlotData.thin(inside(points, xr, yr), MAX_POINTS);
        XYSeries series = chart.addSeries("points", PlotData.column(shown, 0), PlotData.column(shown, 1));
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setMarkerColor(showPoints ? POINT_COLOR : CLEAR);

        BufferedImage overlay = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = overlay.createGraphics();
        chart.paint(g, WIDTH, HEIGHT);
        g.dispose();
        double left = chart.getScreenXFromChart(xr[0]);
        double right = chart.getScreenXFromChart(xr[1]);
        double top = chart.getScreenYFromChart(yr[1]);
        double bottom = chart.getScreenYFromChart(yr[0]);
        Rectangle2D area = new Rectangle2D.Double(left, top, right - left, bottom - top);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D out = image.createGraphics();
        out.setColor(Color.WHITE);
        out.fillRect(0, 0, WIDTH, HEIGHT);
        paintHeat(image, area, density);
        out.drawImage(overlay, 0, 0, null);
        out.dispose();
        return new Rendered(image, area, xr[0], xr[1], yr[0], yr[1]);
    }

    /**
     * {@code exp(logDensity - m)} on the {@code GRID x GRID} cell centers, row {@code j * GRID + i} at
     * {@code (x_i, y_j)}, with {@code m} the largest finite log-density; NaN and {@code -inf} give 0 and
     * {@code +inf} gives 1.
     */
    private static double[] relativeDensity(String op, Function<double[][], double[]> logDensity, double[] xr,
            double[] yr) {
        double[][] query = new double[GRID * GRID][];
        for (int j = 0; j < GRID; j++) {
            for (int i = 0; i < GRID; i++) {
                query[j * GRID + i] = new double[] {center(xr, i), center(yr, j)};
            }
        }
        double[] ld = logDensity.apply(query);
        if (ld == null || ld.length != query.length) {
            throw new IllegalArgumentException(op + ": expected logDensity to return " + query.length + " values, got "
                    + (ld == null ? "null" : ld.length));
        }
        double max = Double.NEGATIVE_INFINITY;
        boolean anyPositiveInfinity = false;
        for (double v : ld) {
            if (Double.isFinite(v)) {
                max = Math.max(max, v);
            }
            anyPositiveInfinity |= v == Double.POSITIVE_INFINITY;
        }
        if (max == Double.NEGATIVE_INFINITY && !anyPositiveInfinity) {
            throw new IllegalArgumentException(op + ": expected logDensity to return finite values on the grid, got "
                    + "only NaN or -infinity");
        }
        double[] d = new double[ld.length];
        for (int k = 0; k < ld.length; k++) {
            double v = ld[k];
            d[k] = v == Double.POSITIVE_INFINITY ? 1 : Double.isFinite(v) ? Math.exp(v - max) : 0;
        }
        return d;
    }

    private static double center(double[] range, int i) {
        return range[0] + (i + 0.5) * (range[1] - range[0]) / GRID;
    }

    private static void paintHeat(BufferedImage image, Rectangle2D area, double[] density) {
        int x0 = (int) Math.ceil(area.getMinX());
        int x1 = (int) Math.floor(area.getMaxX());
        int y0 = (int) Math.ceil(area.getMinY());
        int y1 = (int) Math.floor(area.getMaxY());
        for (int py = y0; py <= y1; py++) {
            double v = (area.getMaxY() - py) / area.getHeight() * GRID - 0.5;
            for (int px = x0; px <= x1; px++) {
                double u = (px - area.getMinX()) / area.getWidth() * GRID - 0.5;
                image.setRGB(px, py, Viridis.rgb(bilinear(density, u, v)));
            }
        }
    }

    /** Bilinear interpolation of the grid at fractional cell index {@code (u, v)}, clamped to the edge cells. */
    private static double bilinear(double[] grid, double u, double v) {
        double cu = Math.min(GRID - 1, Math.max(0, u));
        double cv = Math.min(GRID - 1, Math.max(0, v));
        int i = Math.min(GRID - 2, (int) cu);
        int j = Math.min(GRID - 2, (int) cv);
        double fu = cu - i;
        double fv = cv - j;
        double a = grid[j * GRID + i] * (1 - fu) + grid[j * GRID + i + 1] * fu;
        double b = grid[(j + 1) * GRID + i] * (1 - fu) + grid[(j + 1) * GRID + i + 1] * fu;
        return a * (1 - fv) + b * fv;
    }

    private static double[][] inside(double[][] points, double[] xr, double[] yr) {
        return Arrays.stream(points)
                .filter(p -> p[0] >= xr[0] && p[0] <= xr[1] && p[1] >= yr[0] && p[1] <= yr[1])
                .toArray(double[][]::new);
    }
}
