package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code fmnist49} recipe on Debian's Fashion-MNIST (installed by {@code .ci/run}): block sums checked
 * against a direct sum over the pixels, value ranges, and a reduced fit (MAF, a few epochs on 2,000 rows)
 * whose held-out NLL on 1,000 test rows falls more than 10 nats below the untrained flow's, with a bounded standard error.
 */
class Fmnist49Test {
    private static double[][][] tables;

    @BeforeAll
    static void build() throws IOException {
        assertTrue(Files.exists(Fmnist49.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")),
                "install the Debian package dataset-fashion-mnist (.ci/run does)");
        tables = Fmnist49.build(Fmnist49.DEBIAN_DIR, 0);
    }

    @Test
    void theTablesHaveTheRecipesShapeAndRange() {
        assertEquals(Fmnist49.TRAIN_ROWS, tables[0].length);
        assertEquals(Fmnist49.TEST_ROWS, tables[1].length);
        for (double[][] t : tables) {
            for (double[] row : t) {
                assertEquals(Fmnist49.COLUMNS, row.length);
                for (double v : row) {
                    assertTrue(v >= 0 && v < 1, "value " + v + " outside [0, 1)");
                }
            }
        }
    }

    @Test
    void eachColumnIsTheSumOfItsFourByFourBlock() throws IOException {
        IdxData images = IdxReader.read(Fmnist49.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz"));
        double[][] sums = Fmnist49.blockSums(images, 3);
        double[] v = images.values();
        for (int n = 0; n < 3; n++) {
            double total = 0;
            for (int i = 0; i < 784; i++) {
                total += v[n * 784 + i];
            }
            double blockTotal = 0;
            for (double s : sums[n]) {
                blockTotal += s;
            }
            assertEquals(total, blockTotal, 0, "image " + n);
            double corner = v[n * 784 + 27 * 28 + 27] + v[n * 784 + 24 * 28 + 24];
            assertTrue(sums[n][48] >= corner, "the last block holds pixels (24, 24) and (27, 27)");
            assertEquals(Math.floor(tables[1][n][5] * Fmnist49.LEVELS), sums[n][5], 0,
                    "dequantized value of image " + n + ", block 5 lies in its sum's cell");
        }
    }

    @Test
    void wrongImageShapesAreRejected() {
        IdxData flat = new IdxData(IdxReader.ElementType.UBYTE, new int[] {2, 784}, new double[2 * 784]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fmnist49.blockSums(flat, 1));
        assertTrue(e.getMessage().contains("[2, 784]"), e.getMessage());
    }

    @Test
    void aMissingDirectoryNamesTheDebianPackage() {
        IOException e = assertThrows(IOException.class, () -> Fmnist49.build(Path.of("/nonexistent-fmnist"), 0));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void aReducedFitLowersTheHeldOutNllWithABoundedStandardError() {
        double[][] train = java.util.Arrays.copyOf(tables[0], 2000);
        double[][] test = java.util.Arrays.copyOf(tables[1], 1000);
        Split split = Split.of(train, 0.9, 0.1, 1);
        Standardizer s = Standardizer.fit(split.train());
        Tensor tr = Tensor.of(s.forward(split.train())).to(DType.FLOAT32);
        Tensor val = Tensor.of(s.forward(split.validation())).to(DType.FLOAT32);
        Tensor te = Tensor.of(s.forward(test)).to(DType.FLOAT32);
        Flow flow = Flows.build(FlowSpec.defaults("maf", Fmnist49.COLUMNS).withLayers(3).withSeed(2));
        Evaluation.Nll before = Evaluation.nll(flow, te, null, 1000);
        new Trainer(TrainConfig.defaults().withEpochs(8).withBatchSize(128).withLearningRate(1e-3).withPatience(0)
                .withSeed(3)).fit(flow, new TrainData(tr, null, val, null), null);
        Evaluation.Nll after = Evaluation.nll(flow, te, null, 1000);
        System.out.printf("fmnist49 reduced MAF fit: held-out NLL %.2f -> %.2f (stderr %.3f), standardized units%n",
                before.mean(), after.mean(), after.stderr());
        assertTrue(after.mean() < before.mean() - 10, "held-out NLL " + before.mean() + " -> " + after.mean()
                + ", expected a fall of more than 10 nats");
        assertTrue(after.stderr() < 2, "held-out NLL standard error " + after.stderr() + ", expected below 2 nats");
    }
}
