package org.flows4j.transform.coupling;

import java.util.Arrays;
import org.flows4j.tensor.ImageShape;

/**
 * Which features a coupling layer transforms: the set {@code B} (transformed) and its complement
 * {@code A} (passed through unchanged and fed to the conditioner). Immutable; both sets are non-empty,
 * so a coupling mask needs at least two features. Stacked coupling layers usually alternate a mask and
 * its {@link #inverted()} so that every feature gets transformed.
 */
public final class CouplingMask {
    private final boolean[] transformed;
    private final int[] identityFeatures;
    private final int[] transformedFeatures;

    private CouplingMask(boolean[] transformed) {
        this.transformed = transformed;
        int count = 0;
        for (boolean b : transformed) {
            count += b ? 1 : 0;
        }
        if (count == 0 || count == transformed.length) {
            throw new IllegalArgumentException("CouplingMask: expected at least one transformed and one identity "
                    + "feature, got " + count + " transformed of " + transformed.length + " in "
                    + Arrays.toString(transformed));
        }
        this.identityFeatures = new int[transformed.length - count];
        this.transformedFeatures = new int[count];
        int a = 0;
        int b = 0;
        for (int i = 0; i < transformed.length; i++) {
            if (transformed[i]) {
                transformedFeatures[b++] = i;
            } else {
                identityFeatures[a++] = i;
            }
        }
    }

    /** The mask {@code transformed[i]}: true where feature {@code i} is transformed (set B). */
    public static CouplingMask of(boolean[] transformed) {
        if (transformed == null) {
            throw new IllegalArgumentException("CouplingMask.of: expected a boolean[] mask, got null");
        }
        return new CouplingMask(transformed.clone());
    }

    /** Features {@code i} with {@code i % 2 == 1} transformed when {@code transformOdd}, else the even ones. */
    public static CouplingMask alternating(int features, boolean transformOdd) {
        requireFeatures("alternating", features);
        boolean[] m = new boolean[features];
        for (int i = 0; i < features; i++) {
            m[i] = (i % 2 == 1) == transformOdd;
        }
        return new CouplingMask(m);
    }

    /**
     * The first {@code floor(D / 2)} features pass through and the rest are transformed when
     * {@code transformSecondHalf}; the other way round otherwise.
     */
    public static CouplingMask halfSplit(int features, boolean transformSecondHalf) {
        requireFeatures("halfSplit", features);
        boolean[] m = new boolean[features];
        for (int i = 0; i < features; i++) {
            m[i] = (i >= features / 2) == transformSecondHalf;
        }
        return new CouplingMask(m);
    }

    /**
     * Channel-wise mask on image rows of {@code image} (channel-major, {@link ImageShape}): the first
     * {@code floor(C / 2)} channels pass through and the rest are transformed when {@code transformSecond}, the
     * other way round otherwise.
     *
     * @throws IllegalArgumentException if the image has a single channel
     */
    public static CouplingMask channels(ImageShape image, boolean transformSecond) {
        if (image.channels() < 2) {
            throw new IllegalArgumentException("CouplingMask.channels: a channel-wise mask needs at least 2 channels, "
                    + "got " + image);
        }
        boolean[] m = new boolean[image.features()];
        int split = image.channels() / 2 * image.pixels();
        for (int i = 0; i < m.length; i++) {
            m[i] = (i >= split) == transformSecond;
        }
        return new CouplingMask(m);
    }

    /**
     * Checkerboard mask on image rows of {@code image}: pixel {@code (c, i, j)} is transformed when
     * {@code i + j} is odd and {@code transformOdd}, or even and not {@code transformOdd}, in every channel.
     *
     * @throws IllegalArgumentException if the image has a single pixel
     */
    public static CouplingMask checkerboard(ImageShape image, boolean transformOdd) {
        if (image.pixels() < 2) {
            throw new IllegalArgumentException("CouplingMask.checkerboard: needs at least 2 pixels, got " + image);
        }
        boolean[] m = new boolean[image.features()];
        for (int i = 0; i < m.length; i++) {
            int pixel = i % image.pixels();
            int parity = (pixel / image.width() + pixel % image.width()) % 2;
            m[i] = (parity == 1) == transformOdd;
        }
        return new CouplingMask(m);
    }

    private static void requireFeatures(String who, int features) {
        if (features < 2) {
            throw new IllegalArgumentException("CouplingMask." + who + ": a coupling layer needs at least 2 features, "
                    + "got " + features);
        }
    }

    /** The complementary mask: A and B swap. */
    public CouplingMask inverted() {
        boolean[] m = new boolean[transformed.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = !transformed[i];
        }
        return new CouplingMask(m);
    }

    /** Number of features {@code D}. */
    public int features() {
        return transformed.length;
    }

    /** Whether feature {@code i} is transformed. */
    public boolean isTransformed(int i) {
        return transformed[i];
    }

    /** The indices of set A (passed through), ascending. */
    public int[] identityFeatures() {
        return identityFeatures.clone();
    }

    /** The indices of set B (transformed), ascending. */
    public int[] transformedFeatures() {
        return transformedFeatures.clone();
    }

    /** A copy of the mask: true where a feature is transformed. */
    public boolean[] toArray() {
        return transformed.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CouplingMask && Arrays.equals(transformed, ((CouplingMask) o).transformed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(transformed);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("CouplingMask[");
        for (boolean b : transformed) {
            s.append(b ? 'B' : 'A');
        }
        return s.append(']').toString();
    }
}
