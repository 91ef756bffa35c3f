package org.flows4j.vi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/** The bijection onto a box: its map and log-det against the formula, the checker, saturation, and rebuilding. */
class SupportsTest {
    private static final Box BOX = new Box(new double[] {-1.0, 2.0, -4.0}, new double[] {3.0, 2.5, 4.0});

    private static Transformed inverse(Transform t, Tensor y) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return t.inverse(Variable.constant(y));
        }
    }

    @Test
    void samplingMapsTheRealsOntoTheBoxWithTheFormulasLogDet() {
        Transform t = Supports.toBox(BOX, DType.FLOAT64);
        Tensor y = Tensor.randn(new Rng(3), DType.FLOAT64, 20, 3).copy();
        y.scaleInPlace(2.0);
        Transformed r = inverse(t, y);
        double[] low = BOX.low();
        double[] high = BOX.high();
        for (int i = 0; i < 20; i++) {
            double logDet = 0;
            for (int j = 0; j < 3; j++) {
                double th = Math.tanh(y.get(3 * i + j));
                double width = high[j] - low[j];
                assertEquals(low[j] + width * (th + 1) / 2, r.output().value().get(3 * i + j), 1e-12 * width);
                logDet += Math.log(width / 2) + Math.log(1 - th * th);
            }
            assertEquals(logDet, r.logDet().value().get(i), 1e-10, "row " + i);
        }
        Transformed back;
        try (GradMode.Scope s = GradMode.noGrad()) {
            back = t.forward(r.output());
        }
        for (int k = 0; k < 60; k++) {
            assertEquals(y.get(k), back.output().value().get(k), 1e-8);
        }
    }

    /** The checker samples the reals and tries ±10, so its box must hold [-10, 10]^D. */
    @Test
    void passesTheCheckerOnABoxHoldingTheCheckersPoints() {
        Box wide = new Box(new double[] {-12.0, -10.5}, new double[] {10.5, 13.0});
        CheckReport r = new TransformChecker().check(Supports.toBox(wide, DType.FLOAT64));
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void aSaturatedFloat32SampleLandsOnTheBoundaryWithAFiniteLogDet() {
        Transform t = Supports.toBox(Box.cube(2, -4, 4), DType.FLOAT32);
        Transformed r = inverse(t, Tensor.of(new float[] {12f, -30f}, 1, 2));
        assertEquals(4.0, r.output().value().get(0), 0.0);
        assertEquals(-4.0, r.output().value().get(1), 0.0);
        assertTrue(Double.isFinite(r.logDet().value().get(0)), "log-det " + r.logDet().value().get(0));
        assertEquals(2 * Math.log(4) - 2 * 12 - 2 * 30 + 4 * Math.log(2), r.logDet().value().get(0), 1e-3);
        double[] logp = Targets.logDensity(Targets.u2(), r.output().value().toDoubleMatrix());
        assertTrue(Double.isFinite(logp[0]), "the target is finite on the boundary: " + logp[0]);
    }

    @Test
    void itIsMadeOfRegisteredPartsAndRebuildsWithTheSameMap() {
        Transform t = Supports.toBox(BOX, DType.FLOAT64);
        Transform copy = Parts.build(Parts.describe(t), Transform.class);
        copy.loadStateDict(t.stateDict());
        Tensor y = Tensor.randn(new Rng(5), DType.FLOAT64, 4, 3);
        assertEquals(inverse(t, y).output().value().toDoubleMatrix()[2][1],
                inverse(copy, y).output().value().toDoubleMatrix()[2][1], 0.0);
        assertEquals(0, t.parameters().size(), "the box has no trainable parameters");
    }

    @Test
    void badInputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Supports.toBox(null, DType.FLOAT64));
        assertTrue(e.getMessage().contains("box = null"), e.getMessage());
    }
}
