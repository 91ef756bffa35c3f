package org.flows4j.cli;

/**
 * A viridis-like perceptual color map from dark purple (0) through blue and green to yellow (1), whose
 * luminance rises monotonically with the value. Color at {@code t in [0, 1]}: piecewise-linear
 * interpolation in RGB between nine anchors at {@code t = k/8}, {@code c(t) = c_k + (8t - k)(c_{k+1} - c_k)}
 * with {@code k = floor(8t)}.
 */
final class Viridis {
    private static final int[] ANCHORS = {
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725,
    };

    private Viridis() {
    }

    /** The packed {@code 0xRRGGBB} color for {@code t}, clamped to [0, 1]; NaN maps to 0. */
    static int rgb(double t) {
        double u = Double.isNaN(t) ? 0 : Math.min(1, Math.max(0, t)) * (ANCHORS.length - 1);
        int k = Math.min(ANCHORS.length - 2, (int) Math.floor(u));
        double f = u - k;
        int a = ANCHORS[k];
        int b = ANCHORS[k + 1];
        return mix(a >> 16, b >> 16, f) << 16 | mix(a >> 8, b >> 8, f) << 8 | mix(a, b, f);
    }

    private static int mix(int a, int b, double f) {
        int x = a & 0xFF;
        int y = b & 0xFF;
        return (int) Math.round(x + f * (y - x));
    }
}
