package org.flows4j.transform;

import static org.flows4j.transform.Points.forward;
import static org.flows4j.transform.Points.inverse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AffineTest {
    private static final double[][] X = {{-1.0, 0.0, 2.5}, {3.0, -4.0, 0.125}};

    @Test
    void fixedMatchesClosedFormWithANegativeScale() {
        double[] shift = {1.0, -2.0, 0.5};
        double[] scale = {3.0, -0.5, 2.0};
        Affine a = Affine.fixed(shift, scale);
        Transformed r = forward(a, X);
        double logDet = Math.log(3.0) + Math.log(0.5) + Math.log(2.0);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(shift[j] + scale[j] * X[i][j], r.output().value().at(i, j), 1e-15);
            }
            assertEquals(logDet, r.logDet().value().get(i), 1e-15);
        }
        Transformed back = inverse(a, r.output().value().toDoubleMatrix());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(X[i], back.output().value().toDoubleMatrix()[i], 1e-15);
            assertEquals(-logDet, back.logDet().value().get(i), 1e-15);
        }
    }

    @Test
    void learnableStartsAtIdentityAndUsesExpOfLogScale() {
        Affine a = Affine.learnable(3, DType.FLOAT64);
        assertTrue(a.isLearnable());
        Transformed id = forward(a, X);
        assertArrayEquals(X[1], id.output().value().toDoubleMatrix()[1], 0.0);
        assertEquals(0.0, id.logDet().value().get(0), 0.0);
        Map<String, Parameter> p = a.parameters();
        assertEquals(2, p.size());
        double[] shift = {0.5, -1.0, 2.0};
        double[] logScale = {0.3, -1.2, 0.0};
        for (int j = 0; j < 3; j++) {
            p.get("shift").value().set(j, shift[j]);
            p.get("logScale").value().set(j, logScale[j]);
        }
        Transformed r = forward(a, X);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(shift[j] + Math.exp(logScale[j]) * X[i][j], r.output().value().at(i, j), 1e-14);
            }
            assertEquals(0.3 - 1.2, r.logDet().value().get(i), 1e-15);
        }
    }

    @Test
    void learnablePassesTheCheckerWithAndWithoutNoise() {
        CheckReport plain = new TransformChecker().check(Affine.learnable(4, DType.FLOAT64));
        assertTrue(plain.passed(), plain::toString);
        CheckReport noisy = new TransformChecker().parameterNoise(0.5).seed(99).check(Affine.learnable(4, DType.FLOAT64));
        assertTrue(noisy.passed(), noisy::toString);
    }

    @Test
    void flowLogProbIsTheClosedFormGaussianDensity() {
        double[] shift = {1.0, -0.5};
        double[] scale = {2.0, -0.25};
        Flow flow = new Flow(Affine.fixed(shift, scale), new StandardNormal(2, DType.FLOAT64));
        double[][] x = {{0.0, 0.0}, {-0.5, -2.0}, {1.7, 3.2}};
        double[] got = flow.logProb(x);
        for (int i = 0; i < x.length; i++) {
            double want = 0;
            for (int j = 0; j < 2; j++) {
                double mean = -shift[j] / scale[j];
                double sd = 1 / Math.abs(scale[j]);
                double zeta = (x[i][j] - mean) / sd;
                want += Math.log(Math.exp(-0.5 * zeta * zeta) / (sd * Math.sqrt(2 * Math.PI)));
            }
            assertEquals(want, got[i], 1e-12, "row " + i);
        }
    }

    @Test
    void zeroOrNonFiniteScaleAndMismatchedLengthsAreRejected() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Affine.fixed(new double[] {0, 0}, new double[] {1, 0}));
        assertTrue(zero.getMessage().contains("Affine.fixed") && zero.getMessage().contains("scale[1] = 0.0")
                && zero.getMessage().contains("non-zero"), zero.getMessage());
        IllegalArgumentException underflow = assertThrows(IllegalArgumentException.class,
                () -> Affine.fixed(new double[] {0}, new double[] {1e-50}, DType.FLOAT32));
        assertTrue(underflow.getMessage().contains("1.0E-50") && underflow.getMessage().contains("FLOAT32"),
                underflow.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Affine.fixed(new double[] {Double.NaN}, new double[] {1}));
        assertTrue(nan.getMessage().contains("shift[0] = NaN"), nan.getMessage());
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> Affine.fixed(new double[] {0, 1}, new double[] {1}));
        assertTrue(len.getMessage().contains("2 and 1"), len.getMessage());
    }

    @Test
    void fixedKeepsShiftAndScaleAsBuffersInTheStateDict() {
        Affine a = Affine.fixed(new double[] {1, 2}, new double[] {3, 4});
        assertTrue(a.parameters().isEmpty());
        Map<String, Tensor> state = a.stateDict();
        assertEquals(2, state.size());
        assertArrayEquals(new double[] {3, 4}, state.get("scale").toDoubleArray(), 0.0);
        Affine b = Affine.fixed(new double[] {0, 0}, new double[] {1, 1});
        b.loadStateDict(state);
        assertEquals(1 + 3 * 5.0, forward(b, new double[][] {{5.0, 0.0}}).output().value().at(0, 0), 0.0);
    }

    @Test
    void float32RowsGoThroughAFloat32Affine() {
        Affine a = Affine.fixed(new double[] {1}, new double[] {-2}, DType.FLOAT32);
        Transformed r = a.forward(Variable.constant(Tensor.of(new float[][] {{1.5f}, {-1f}})));
        assertEquals(DType.FLOAT32, r.output().dtype());
        assertEquals(-2.0, r.output().value().get(0), 0.0);
        assertEquals(Math.log(2), r.logDet().value().get(1), 1e-6);
    }
}
