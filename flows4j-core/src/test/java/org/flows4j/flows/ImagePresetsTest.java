package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The glow and realnvp-image presets: architecture, parameter count, model files. */
class ImagePresetsTest {
    /** Rows of {@code d} values in (0, 1). */
    private static double[][] pixels(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = 0.02 + 0.96 * rng.nextDouble();
            }
        }
        return x;
    }

    /**
     * Glow with the reference architecture of the image issue (1x28x28, L = 2, K = 8, 128 channels) has, counted
     * by hand: per level-1 step (4 channels at 14x14) an ActNorm (2 x 4), a 1x1 convolution (two strict triangles
     * of 4 and a diagonal, 6 + 6 + 4) and a conditioner 2 -> 128 (3x3) -> 128 (1x1) -> 4 (3x3) with biases; per
     * level-2 step the same for 8 channels at 7x7 (conditioner from 4 channels); the two per-channel priors (2 and 8
     * channels). normflows' Glow of the same architecture has 433,832: the same conditioners, its 1x1 convolutions
     * store full LU matrices and its priors four numbers per channel.
     */
    @Test
    void glowOfTheReferenceArchitectureHasTheHandCountedParameters() {
        FlowSpec spec = FlowSpec.defaults("glow", new ImageShape(1, 28, 28), 2).withLayers(8).withHidden(128);
        long level1 = 8 + (6 + 6 + 4) + (2 * 9 * 128 + 128) + (128 * 128 + 128) + (128 * 9 * 4 + 4);
        long level2 = 16 + (28 + 28 + 8) + (4 * 9 * 128 + 128) + (128 * 128 + 128) + (128 * 9 * 8 + 8);
        long priors = 2 * 2 + 2 * 8;
        assertEquals(8 * level1 + 8 * level2 + priors, Flows.build(spec).numParameters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"glow", "realnvp-image"})
    void aTrainedImageFlowSavesAndLoadsWithBitIdenticalDensitiesAndItsPreset(String kind) throws IOException {
        ImageShape shape = new ImageShape(1, 8, 8);
        FlowSpec spec = FlowSpec.defaults(kind, shape, 2).withLayers(2).withHidden(8).withSeed(4);
        Flow flow = Flows.build(spec);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(2).withBatchSize(32).withLearningRate(1e-3).withPatience(0);
        new Trainer(cfg).fit(flow, TrainData.of(Tensor.of(pixels(128, 64, 1)).to(DType.FLOAT32)), null);
        FlowModel m = FlowModel.of(spec, flow);
        FlowModel back = ModelFile.decode(ModelFile.encode(m), kind + ".flow");
        assertEquals(spec, back.spec().orElseThrow());
        assertEquals(shape, back.spec().orElseThrow().image());
        double[][] x = pixels(20, 64, 2);
        double[] expected = m.logProb(x, null);
        assertArrayEquals(expected, back.logProb(x, null));
        assertTrue(java.util.Arrays.stream(expected).allMatch(Double::isFinite));
        double[][] s = back.flow().sample(5, new Rng(3)).value().toDoubleMatrix();
        assertEquals(64, s[0].length);
    }
}
