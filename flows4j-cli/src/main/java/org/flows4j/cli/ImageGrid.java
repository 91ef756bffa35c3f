package org.flows4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.flows4j.tensor.ImageShape;

/**
 * A grid of images drawn from rows of {@code C x H x W} values in channel-major order ({@link ImageShape}), written
 * as a PNG. A value {@code v} on the {@code [0, 1)} scale of dequantized pixels becomes the 8-bit level
 * {@code min(255, max(0, floor(256 v)))}, the integer whose cell holds it; one channel is drawn grey, three as RGB.
 * Images are laid out row by row, {@code columns} per grid row, with a {@value #GAP}-pixel gap; optional second
 * rows (real images beside samples) follow after a wider gap.
 */
final class ImageGrid {
    static final int GAP = 2;

    private ImageGrid() {
    }

    /** Writes {@code rows} as a grid of {@code columns} images per line to {@code out} (atomically). */
    static void write(Path out, double[][] rows, ImageShape shape, int columns) throws IOException {
        Plots.writePng(out, "image grid", render(rows, shape, columns));
    }

    /** Two grids side by side, {@code left} and {@code right}, with a gap of {@code 4 GAP} between them. */
    static void writeBeside(Path out, double[][] left, double[][] right, ImageShape shape, int columns)
            throws IOException {
        BufferedImage a = render(left, shape, columns);
        BufferedImage b = render(right, shape, columns);
        BufferedImage both = new BufferedImage(a.getWidth() + 4 * GAP + b.getWidth(), Math.max(a.getHeight(),
                b.getHeight()), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(a.getWidth(), 0, 4 * GAP, both.getHeight());
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, a.getWidth() + 4 * GAP, 0, null);
        g.dispose();
        Plots.writePng(out, "image grid", both);
    }

    /** The grid image of {@code rows}. */
    static BufferedImage render(double[][] rows, ImageShape shape, int columns) {
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new IllegalArgumentException("image grid: expected images of 1 or 3 channels, got " + shape);
        }
        if (rows.length == 0 || columns < 1) {
            throw new IllegalArgumentException("image grid: expected at least one image and one column, got "
                    + rows.length + " images and " + columns + " columns");
        }
        int cols = Math.min(columns, rows.length);
        int lines = (rows.length + cols - 1) / cols;
        int h = shape.height();
        int w = shape.width();
        BufferedImage img = new BufferedImage(cols * (w + GAP) + GAP, lines * (h + GAP) + GAP,
                BufferedImage.TYPE_INT_RGB);
        for (int k = 0; k < rows.length; k++) {
            if (rows[k].length != shape.features()) {
                throw new IllegalArgumentException("image grid: row " + k + " has " + rows[k].length
                        + " values, expected " + shape.features() + " for " + shape + " images");
            }
            int x0 = GAP + (k % cols) * (w + GAP);
            int y0 = GAP + (k / cols) * (h + GAP);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    img.setRGB(x0 + j, y0 + i, rgb(rows[k], shape, i, j));
                }
            }
        }
        return img;
    }

    private static int rgb(double[] row, ImageShape s, int i, int j) {
        int p = i * s.width() + j;
        if (s.channels() == 1) {
            int g = level(row[p]);
            return g << 16 | g << 8 | g;
        }
        return level(row[p]) << 16 | level(row[s.pixels() + p]) << 8 | level(row[2 * s.pixels() + p]);
    }

    /** The 8-bit level of a value on the [0, 1) scale; NaN draws black. */
    static int level(double v) {
        if (!(v > 0)) {
            return 0;
        }
        return (int) Math.min(255, Math.floor(256 * v));
    }
}
