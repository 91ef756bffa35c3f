package org.flows4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.tensor.Rng;

/**
 * The {@code fmnist49} tabular data set: each 28x28 Fashion-MNIST image becomes the 49 sums of its
 * non-overlapping 4x4 pixel blocks (row-major over the 7x7 grid of blocks), integers
 * {@code s in 0..4080}, dequantized to {@code x = (s + u) / 4081} with {@code u ~ U[0, 1)}. The
 * training table is the first {@value #TRAIN_ROWS} training images, the test table the first
 * {@value #TEST_ROWS} test images. The columns are strongly dependent and bounded, which makes the
 * table a small, public, real benchmark of density estimation.
 */
public final class Fmnist49 {
    /** Columns: one per 4x4 block of a 28x28 image. */
    public static final int COLUMNS = 49;
    /** Rows of the training table. */
    public static final int TRAIN_ROWS = 10_000;
    /** Rows of the test table. */
    public static final int TEST_ROWS = 5_000;
    /** Integer levels of a block sum: {@code 16 * 255 + 1}. */
    public static final int LEVELS = 16 * 255 + 1;
    /** Where Debian's {@code dataset-fashion-mnist} package puts the IDX files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private Fmnist49() {
    }

    /** The block sums of the first {@code count} images of {@code images} (shape {@code [n, 28, 28]}). */
    public static double[][] blockSums(IdxData images, int count) {
        int[] shape = images.shape();
        if (shape.length != 3 || shape[1] != 28 || shape[2] != 28) {
            throw new IllegalArgumentException("Fmnist49: expected images of shape [n, 28, 28], got "
                    + java.util.Arrays.toString(shape));
        }
        if (count < 1 || count > shape[0]) {
            throw new IllegalArgumentException("Fmnist49: expected 1.." + shape[0] + " images, got " + count);
        }
        double[] v = images.values();
        double[][] out = new double[count][COLUMNS];
        for (int n = 0; n < count; n++) {
            int base = n * 784;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    out[n][(r / 4) * 7 + c / 4] += v[base + r * 28 + c];
                }
            }
        }
        return out;
    }

    /** {@code (s + u) / 4081} for each block sum {@code s}, with {@code u ~ U[0, 1)} drawn from {@code rng}. */
    public static double[][] dequantize(double[][] sums, Rng rng) {
        return new Dequantizer(LEVELS).dequantize(sums, rng);
    }

    /**
     * The dequantized training ({@code [0]}) and test ({@code [1]}) tables built from the IDX files
     * {@code train-images-idx3-ubyte.gz} and {@code t10k-images-idx3-ubyte.gz} in {@code dir}; the
     * noise of the training table comes from {@code seed}, that of the test table from {@code seed + 1}.
     */
    public static double[][][] build(Path dir, long seed) throws IOException {
        Path train = dir.resolve("train-images-idx3-ubyte.gz");
        Path test = dir.resolve("t10k-images-idx3-ubyte.gz");
        for (Path p : new Path[] {train, test}) {
            if (!Files.isRegularFile(p)) {
                throw new java.nio.file.NoSuchFileException(p.toString(), null,
                        "Fmnist49: expected the Fashion-MNIST IDX file (Debian package dataset-fashion-mnist), got none");
            }
        }
        return new double[][][] {
            dequantize(blockSums(IdxReader.read(train), TRAIN_ROWS), new Rng(seed)),
            dequantize(blockSums(IdxReader.read(test), TEST_ROWS), new Rng(seed + 1))
        };
    }
}
