package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.nn.ConvNet;
import org.flows4j.nn.Module;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.CouplingMask;
import org.junit.jupiter.api.Test;

/** Squeeze, per-channel ActNorm, invertible 1x1 convolution, image masks, the convolutional conditioner, Partial. */
class ImageTransformsTest {
    private static final ImageShape SHAPE = new ImageShape(2, 4, 6);

    private static double[][] rows(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return x;
    }

    /** Adds {@code 0.3 N(0, 1)} to every parameter entry. */
    private static void perturb(Module m, Rng rng) {
        for (Parameter p : m.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.3 * rng.nextGaussian());
            }
        }
    }

    private static void assertPassesChecker(Transform t) {
        CheckReport r = new TransformChecker().parameterNoise(0.1).check(t);
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void squeezeMovesEachTwoByTwoBlockIntoFourChannels() {
        ImageShape s = new ImageShape(1, 2, 4);
        double[][] x = {{0, 1, 2, 3, 4, 5, 6, 7}};
        Transformed t = Points.forward(new Squeeze(s), x);
        assertArrayEquals(new double[] {0, 2, 1, 3, 4, 6, 5, 7}, t.output().value().toDoubleArray());
        assertEquals(0.0, t.logDet().value().get(0));
        assertEquals(new ImageShape(4, 1, 2), new Squeeze(s).outputShape());
    }

    @Test
    void squeezeReadsEveryPixelOfEveryChannelOnceAndInvertsExactly() {
        double[][] x = rows(3, SHAPE.features(), 1);
        Squeeze q = new Squeeze(SHAPE);
        double[][] y = Points.forward(q, x).output().value().toDoubleMatrix();
        ImageShape out = SHAPE.squeezed();
        for (int c = 0; c < SHAPE.channels(); c++) {
            for (int h = 0; h < SHAPE.height(); h++) {
                for (int w = 0; w < SHAPE.width(); w++) {
                    int outChannel = 4 * c + 2 * (h % 2) + w % 2;
                    int to = (outChannel * out.height() + h / 2) * out.width() + w / 2;
                    assertEquals(x[1][(c * SHAPE.height() + h) * SHAPE.width() + w], y[1][to]);
                }
            }
        }
        assertArrayEquals(x[2], Points.inverse(q, y).output().value().toDoubleMatrix()[2]);
        assertThrows(IllegalArgumentException.class, () -> new Squeeze(new ImageShape(1, 3, 4)));
    }

    @Test
    void perChannelActNormStandardizesEachChannelOverRowsAndPixels() {
        ActNorm a = new ActNorm(SHAPE, DType.FLOAT64);
        double[][] x = rows(16, SHAPE.features(), 2);
        int hw = SHAPE.pixels();
        for (double[] row : x) {
            for (int j = hw; j < 2 * hw; j++) {
                row[j] = 5 + 3 * row[j];
            }
        }
        a.train(true);
        double[][] z = Points.forward(a, x).output().value().toDoubleMatrix();
        for (int c = 0; c < 2; c++) {
            double mean = 0;
            double ss = 0;
            for (double[] row : z) {
                for (int j = c * hw; j < (c + 1) * hw; j++) {
                    mean += row[j] / (16.0 * hw);
                    ss += row[j] * row[j] / (16.0 * hw);
                }
            }
            assertEquals(0.0, mean, 1e-12);
            assertEquals(1.0, ss - mean * mean, 1e-12);
        }
        assertEquals(2, a.logScale().length);
        double expected = -hw * (a.logScale()[0] + a.logScale()[1]);
        assertEquals(expected, Points.forward(a, x).logDet().value().get(0), 1e-12);
        assertTrue(a.logScale()[1] > Math.log(2.5), "channel 1 has scale about 3: " + a.logScale()[1]);
        assertPassesChecker(a);
    }

    @Test
    void invertibleConvolutionMixesTheChannelsOfEveryPixelByOneMatrix() {
        ImageShape s = new ImageShape(3, 2, 3);
        InvertibleConv1x1 conv = new InvertibleConv1x1(s, DType.FLOAT64, new Rng(3));
        Rng rng = new Rng(4);
        perturb(conv, rng);
        double[][] w = conv.weight();
        double[][] x = rows(2, s.features(), 5);
        Transformed t = Points.forward(conv, x);
        double[][] y = t.output().value().toDoubleMatrix();
        for (int p = 0; p < s.pixels(); p++) {
            for (int o = 0; o < 3; o++) {
                double sum = 0;
                for (int i = 0; i < 3; i++) {
                    sum += w[o][i] * x[1][i * s.pixels() + p];
                }
                assertEquals(sum, y[1][o * s.pixels() + p], 1e-12);
            }
        }
        assertEquals(s.pixels() * DeterminantOps.logAbsDet(w), t.logDet().value().get(0), 1e-10);
        double[][] back = Points.inverse(conv, y).output().value().toDoubleMatrix();
        for (int j = 0; j < s.features(); j++) {
            assertEquals(x[0][j], back[0][j], 1e-12);
        }
        assertPassesChecker(conv);
    }

    @Test
    void imageMasksSplitByChannelOrByCheckerboard() {
        ImageShape s = new ImageShape(4, 2, 2);
        boolean[] channels = CouplingMask.channels(s, true).toArray();
        for (int j = 0; j < s.features(); j++) {
            assertEquals(j >= 8, channels[j], "feature " + j);
        }
        boolean[] board = CouplingMask.checkerboard(s, true).toArray();
        boolean[] expected = {false, true, true, false};
        for (int j = 0; j < s.features(); j++) {
            assertEquals(expected[j % 4], board[j], "feature " + j);
        }
        assertThrows(IllegalArgumentException.class, () -> CouplingMask.channels(new ImageShape(1, 2, 2), true));
    }

    @Test
    void theConvolutionalConditionerReadsOnlyThePassThroughFeaturesAndStartsAtZero() {
        for (CouplingMask mask : new CouplingMask[] {CouplingMask.channels(SHAPE, true),
            CouplingMask.checkerboard(SHAPE, false)}) {
            ConvNet net = new ConvNet(SHAPE, mask.toArray(), 2, 6, DType.FLOAT64, new Rng(6));
            int nA = mask.identityFeatures().length;
            assertEquals(nA, net.inFeatures());
            assertEquals(2 * mask.transformedFeatures().length, net.outFeatures());
            Variable x = Variable.constant(Tensor.of(rows(2, nA, 7)));
            double[] out = net.forward(x).value().toDoubleArray();
            assertArrayEquals(new double[out.length], out, "zero-initialized last layer");
            AffineCoupling c = new AffineCoupling(mask, 0, AffineTransformer.softClamp(),
                    (in, context, o) -> new ConvNet(SHAPE, mask.toArray(), 2, 6, DType.FLOAT64, new Rng(8)));
            assertPassesChecker(c);
        }
    }

    @Test
    void aCheckerboardConditionerSeesNeighboursNotItsOwnPixel() {
        CouplingMask mask = CouplingMask.checkerboard(SHAPE, true);
        AffineCoupling c = new AffineCoupling(mask, 0, AffineTransformer.softClamp(),
                (in, context, o) -> new ConvNet(SHAPE, mask.toArray(), 2, 6, DType.FLOAT64, new Rng(9)));
        perturb(c, new Rng(10));
        double[][] x = rows(1, SHAPE.features(), 11);
        double[] y0 = Points.forward(c, x).output().value().toDoubleArray();
        int a = mask.identityFeatures()[5];
        x[0][a] += 1.0;
        double[] y1 = Points.forward(c, x).output().value().toDoubleArray();
        int changedB = 0;
        for (int b : mask.transformedFeatures()) {
            changedB += y0[b] != y1[b] ? 1 : 0;
        }
        assertTrue(changedB > 0 && changedB < mask.transformedFeatures().length,
                "a pass-through pixel moves some transformed outputs (its neighbours), not all: " + changedB);
        assertEquals(y0[a] + 1.0, y1[a], 1e-12);
    }

    @Test
    void partialTransformsOnlyItsRange() {
        Transform inner = new Composite(Permutation.reverse(3), LULinear.random(3, DType.FLOAT64, new Rng(12)));
        Partial p = new Partial(7, 2, inner);
        double[][] x = rows(2, 7, 13);
        Transformed t = Points.forward(p, x);
        double[][] y = t.output().value().toDoubleMatrix();
        Transformed r = Points.forward(inner, new double[][] {{x[0][2], x[0][3], x[0][4]}});
        assertArrayEquals(r.output().value().toDoubleArray(), new double[] {y[0][2], y[0][3], y[0][4]});
        for (int j : new int[] {0, 1, 5, 6}) {
            assertEquals(x[0][j], y[0][j]);
        }
        assertEquals(r.logDet().value().get(0), t.logDet().value().get(0), 1e-12);
        assertNotEquals(0.0, t.logDet().value().get(0));
        assertPassesChecker(p);
        assertThrows(IllegalArgumentException.class, () -> new Partial(4, 2, inner));
    }
}
