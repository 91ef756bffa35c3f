package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.Evaluation;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Real data: the Fashion-MNIST test set from Debian's {@code dataset-fashion-mnist} package (installed by
 * {@code .ci/run}). Checks facts of the published data set, then that a RealNVP trained briefly on
 * 784-dimensional dequantized images improves the held-out bits per dimension by a clear margin.
 */
class FashionMnistTest {
    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static Path file(String name) {
        Path p = DIR.resolve(name);
        assertTrue(Files.exists(p), p + " is missing: install the Debian package dataset-fashion-mnist (.ci/run does)");
        return p;
    }

    @Test
    void theTestSetHasTenThousandImagesAndAThousandPerClass() throws IOException {
        IdxData images = IdxReader.read(file("t10k-images-idx3-ubyte.gz"));
        IdxData labels = IdxReader.read(file("t10k-labels-idx1-ubyte.gz"));
        assertEquals(IdxReader.ElementType.UBYTE, images.type());
        assertArrayEquals(new int[] {10_000, 28, 28}, images.shape());
        int[] counts = new int[10];
        for (double v : labels.values()) {
            counts[(int) v]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, counts);
        double mean = Arrays.stream(images.values()).average().orElseThrow() / 255;
        assertEquals(0.2868, mean, 0.002, "published mean pixel intensity of the test set");
    }

    @Test
    void aBrieflyTrainedRealNvpBeatsItsStartingPointInBitsPerDimension() throws IOException {
        double[][] rows = IdxReader.read(file("t10k-images-idx3-ubyte.gz")).rows();
        double[][] x = new Dequantizer(256).dequantize(Arrays.copyOf(rows, 4000), new Rng(1));
        Split split = Split.of(x, 0.75, 0, 2);
        Standardizer s = Standardizer.fit(split.train());
        Tensor train = Tensor.of(s.forward(split.train())).to(DType.FLOAT32);
        Tensor test = Tensor.of(s.forward(split.test())).to(DType.FLOAT32);
        Flow flow = Flows.build(FlowSpec.defaults("realnvp", 784).withLayers(4).withHidden(128).withSeed(3));
        double before = bitsPerDim(s, Evaluation.meanNll(flow, test, null, 500));
        new Trainer(TrainConfig.defaults().withEpochs(4).withBatchSize(128).withLearningRate(1e-3).withPatience(0))
                .fit(flow, TrainData.of(train), null);
        double after = bitsPerDim(s, Evaluation.meanNll(flow, test, null, 500));
        System.out.printf("Fashion-MNIST RealNVP: %.3f bits/dim before training, %.3f after%n", before, after);
        assertTrue(after < before - 0.5, "bits/dim " + before + " -> " + after);
        assertTrue(after > 1 && after < 8, "a sane bits/dim for 8-bit images: " + after);
    }

    /** Bits per dimension of 8-bit images from the NLL of standardized [0, 1) values. */
    private static double bitsPerDim(Standardizer s, double standardizedNll) {
        double nll = -s.logProbInDataUnits(-standardizedNll);
        return Dequantizer.bitsPerDim(nll, 784, 256);
    }
}
