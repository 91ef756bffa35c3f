package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DensityPlotTest {
    /** Four points at the corners of [-3, 3]^2: the 1st/99th percentiles are -3/3, padded by 10% of 6. */
    private static final double[][] CORNERS = {{-3, -3}, {3, -3}, {-3, 3}, {3, 3}};

    /** log N(x; mu, I) with mu = (1, -0.5). */
    private static final Function<double[][], double[]> SHIFTED_NORMAL = q -> {
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            double a = q[i][0] - 1;
            double b = q[i][1] + 0.5;
            out[i] = -0.5 * (a * a + b * b) - Math.log(2 * Math.PI);
        }
        return out;
    };

    private static double luma(int rgb) {
        return 0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
    }

    private static int pixelX(DensityPlot.Rendered r, double x) {
        Rectangle2D a = r.plotArea();
        return (int) Math.round(a.getMinX() + (x - r.xMin()) / (r.xMax() - r.xMin()) * a.getWidth());
    }

    private static int pixelY(DensityPlot.Rendered r, double y) {
        Rectangle2D a = r.plotArea();
        return (int) Math.round(a.getMaxY() - (y - r.yMin()) / (r.yMax() - r.yMin()) * a.getHeight());
    }

    @Test
    void boundsArePercentilesPaddedByTenPercent() {
        DensityPlot.Rendered r = DensityPlot.render(SHIFTED_NORMAL, CORNERS, "t");
        assertEquals(-3.6, r.xMin(), 1e-12);
        assertEquals(3.6, r.xMax(), 1e-12);
        assertEquals(-3.6, r.yMin(), 1e-12);
        assertEquals(3.6, r.yMax(), 1e-12);
        Rectangle2D a = r.plotArea();
        assertTrue(a.getWidth() > 600 && a.getHeight() > 500, a.toString());
        assertTrue(a.getMinX() >= 0 && a.getMaxX() <= 800 && a.getMinY() >= 0 && a.getMaxY() <= 700, a.toString());
    }

    @Test
    void brightestPixelSitsAtTheModeAndCornersAreDark() {
        DensityPlot.Rendered r = DensityPlot.render(SHIFTED_NORMAL, CORNERS, "shifted normal");
        BufferedImage image = r.image();
        Rectangle2D a = r.plotArea();
        int bestX = -1;
        int bestY = -1;
        double best = -1;
        for (int y = (int) Math.ceil(a.getMinY()); y <= (int) Math.floor(a.getMaxY()); y++) {
            for (int x = (int) Math.ceil(a.getMinX()); x <= (int) Math.floor(a.getMaxX()); x++) {
                double l = luma(image.getRGB(x, y));
                if (l > best) {
                    best = l;
                    bestX = x;
                    bestY = y;
                }
            }
        }
        int modeX = pixelX(r, 1);
        int modeY = pixelY(r, -0.5);
        double cell = Math.max(a.getWidth(), a.getHeight()) / DensityPlot.GRID;
        assertTrue(Math.abs(bestX - modeX) <= 2 * cell && Math.abs(bestY - modeY) <= 2 * cell,
                "brightest at (" + bestX + ", " + bestY + "), mode at (" + modeX + ", " + modeY + ")");
        assertTrue(luma(image.getRGB(modeX, modeY)) > 200, "mode luma " + luma(image.getRGB(modeX, modeY)));
        int[][] corners = {
            {(int) a.getMinX() + 4, (int) a.getMinY() + 4}, {(int) a.getMaxX() - 4, (int) a.getMinY() + 4},
            {(int) a.getMinX() + 4, (int) a.getMaxY() - 4}, {(int) a.getMaxX() - 4, (int) a.getMaxY() - 4},
        };
        for (int[] c : corners) {
            double l = luma(image.getRGB(c[0], c[1]));
            assertTrue(l < 45, "corner (" + c[0] + ", " + c[1] + ") luma " + l);
        }
        int mirrorY = pixelY(r, 0.5);
        assertTrue(luma(image.getRGB(modeX, mirrorY)) < luma(image.getRGB(modeX, modeY)) - 5,
                "the y axis must point up");
    }

    @Test
    void pointsAreDrawnOverTheHeatLayer() {
        DensityPlot.Rendered r = DensityPlot.render(SHIFTED_NORMAL, CORNERS, "t");
        for (double[] p : CORNERS) {
            int rgb = r.image().getRGB(pixelX(r, p[0]), pixelY(r, p[1]));
            int red = rgb >> 16 & 0xFF;
            int green = rgb >> 8 & 0xFF;
            assertTrue(red > 150 && green < 100,
                    "point " + p[0] + ", " + p[1] + " has color " + Integer.toHexString(rgb));
        }
        int empty = r.image().getRGB(pixelX(r, -3), pixelY(r, 0));
        assertTrue((empty >> 16 & 0xFF) < 120, "no point at (-3, 0): " + Integer.toHexString(empty));
    }

    @Test
    void hugeLogDensitiesDoNotOverflow() {
        DensityPlot.Rendered r = DensityPlot.render(q -> {
            double[] v = SHIFTED_NORMAL.apply(q);
            for (int i = 0; i < v.length; i++) {
                v[i] += 5000;
            }
            return v;
        }, CORNERS, "t");
        assertTrue(luma(r.image().getRGB(pixelX(r, 1), pixelY(r, -0.5))) > 200);
    }
}
