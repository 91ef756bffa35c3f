package org.flows4j.tensor;

/**
 * The shape {@code C x H x W} of an image held as a row of {@code D = C H W} features in channel-major order:
 * pixel {@code (c, h, w)} is feature {@code (c H + h) W + w}, the memory layout of an {@code [N, C, H, W]} batch.
 * Image transforms ({@code Squeeze}, {@code InvertibleConv1x1}, per-channel {@code ActNorm}, convolutional
 * coupling) read their rows this way, so every other part of the library (flows, training, model files) sees
 * ordinary rows.
 *
 * @param channels {@code C >= 1}
 * @param height   {@code H >= 1}
 * @param width    {@code W >= 1}
 */
public record ImageShape(int channels, int height, int width) {
    /** Checks that every size is positive and that {@code C H W} fits an int. */
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ImageShape: channels, height and width must be positive, got "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ImageShape: " + channels + "x" + height + "x" + width
                    + " has more than 2^31 - 1 features");
        }
    }

    /** The shape from {@code [C, H, W]}. */
    public static ImageShape of(int[] chw) {
        if (chw == null || chw.length != 3) {
            throw new IllegalArgumentException("ImageShape: expected [channels, height, width], got "
                    + java.util.Arrays.toString(chw));
        }
        return new ImageShape(chw[0], chw[1], chw[2]);
    }

    /** {@code D = C H W}. */
    public int features() {
        return channels * height * width;
    }

    /** {@code H W}, the features per channel. */
    public int pixels() {
        return height * width;
    }

    /** {@code [C, H, W]}. */
    public int[] toArray() {
        return new int[] {channels, height, width};
    }

    /**
     * The shape after a squeeze (space-to-depth): {@code 4C x H/2 x W/2}.
     *
     * @throws IllegalArgumentException if {@code H} or {@code W} is odd
     */
    public ImageShape squeezed() {
        if (height % 2 != 0 || width % 2 != 0) {
            throw new IllegalArgumentException("ImageShape: squeezing needs an even height and width, got " + this);
        }
        return new ImageShape(4 * channels, height / 2, width / 2);
    }

    /** The same image with {@code c} channels. */
    public ImageShape withChannels(int c) {
        return new ImageShape(c, height, width);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
