package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class DequantizerTest {
    @Test
    void everyValueLandsInItsOwnCellUniformly() {
        int levels = 4;
        Dequantizer q = new Dequantizer(levels);
        double[][] x = new double[20000][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {i % levels, 3 - i % levels};
        }
        double[][] y = q.dequantize(x, new Rng(1));
        double[] offset = new double[2];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 2; j++) {
                assertTrue(y[i][j] >= x[i][j] / levels && y[i][j] < (x[i][j] + 1) / levels);
                offset[j] += (levels * y[i][j] - x[i][j]) / x.length;
            }
        }
        assertEquals(0.5, offset[0], 4 * Math.sqrt(1.0 / 12 / x.length));
        assertEquals(0.5, offset[1], 4 * Math.sqrt(1.0 / 12 / x.length));
        assertArrayEquals(x, q.quantize(y));
        assertArrayEquals(new double[][] {{0, 3, 3}}, q.quantize(new double[][] {{-0.5, 1.0, 7}}));
    }

    @Test
    void uniformModelCostsLog2LevelsBitsPerDim() {
        assertEquals(8.0, Dequantizer.bitsPerDim(0.0, 784, 256), 1e-12);
        assertEquals(0.0, Dequantizer.bitsPerDim(-3 * Math.log(16), 3, 16), 1e-12);
        assertEquals(2.0 / Math.log(2), Dequantizer.bitsPerDim(10.0, 5, 1), 1e-12);
    }

    /**
     * A piecewise-constant density p(y) = prod_j K P_j(floor(K y_j)) on [0,1)^D is exact for the
     * discrete model P, so its bits per dim must equal the discrete -log2 P(x) / D with no Jensen gap.
     */
    @Test
    void bitsPerDimOfAPiecewiseConstantModelEqualsItsDiscreteCodeLength() {
        int levels = 8;
        int dims = 3;
        Rng rng = new Rng(9);
        double[][] prob = new double[dims][levels];
        for (double[] p : prob) {
            double total = 0;
            for (int k = 0; k < levels; k++) {
                p[k] = 0.1 + rng.nextDouble();
                total += p[k];
            }
            for (int k = 0; k < levels; k++) {
                p[k] /= total;
            }
        }
        double[][] x = new double[500][dims];
        for (double[] row : x) {
            for (int j = 0; j < dims; j++) {
                row[j] = rng.nextInt(levels);
            }
        }
        double[][] y = new Dequantizer(levels).dequantize(x, rng);
        double nll = 0;
        double discreteBits = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < dims; j++) {
                int cell = (int) Math.floor(y[i][j] * levels);
                nll -= Math.log(levels * prob[j][cell]) / x.length;
                discreteBits -= Math.log(prob[j][(int) x[i][j]]) / Math.log(2) / x.length;
            }
        }
        assertEquals(discreteBits / dims, Dequantizer.bitsPerDim(nll, dims, levels), 1e-12);
    }

    @Test
    void nonIntegerOrOutOfRangeValuesAreRejected() {
        Dequantizer q = new Dequantizer(256);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> q.dequantize(new double[][] {{0, 1}, {2, 0.5}}, new Rng(1))).getMessage();
        assertTrue(msg.contains("row 1, column 1 is 0.5; expected an integer in [0, 255]"), msg);
        assertThrows(IllegalArgumentException.class, () -> q.dequantize(new double[][] {{256}}, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> q.dequantize(new double[][] {{-1}}, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> q.dequantize(new double[][] {{Double.NaN}}, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> q.quantize(new double[][] {{Double.NaN}}));
        assertThrows(IllegalArgumentException.class, () -> new Dequantizer(0));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.bitsPerDim(1, 0, 256));
    }
}
