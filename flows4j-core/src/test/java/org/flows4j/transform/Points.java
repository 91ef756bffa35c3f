package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleUnaryOperator;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/** Test helpers: run a transform on plain rows and compare with values computed independently. */
final class Points {
    private Points() {
    }

    static Transformed forward(Transform t, double[][] x) {
        return t.forward(Variable.constant(Tensor.of(x)));
    }

    static Transformed inverse(Transform t, double[][] y) {
        return t.inverse(Variable.constant(Tensor.of(y)));
    }

    /** Asserts {@code r.output()[i][j] = f(in[i][j])} and {@code r.logDet()[i] = sum_j logDeriv(in[i][j])}. */
    static void assertElementwise(Transformed r, double[][] in, DoubleUnaryOperator f, DoubleUnaryOperator logDeriv,
            double tol) {
        double[][] out = r.output().value().toDoubleMatrix();
        for (int i = 0; i < in.length; i++) {
            double expectedLogDet = 0;
            for (int j = 0; j < in[i].length; j++) {
                double want = f.applyAsDouble(in[i][j]);
                assertEquals(want, out[i][j], tol * Math.max(1, Math.abs(want)), "output at row " + i + ", column " + j);
                expectedLogDet += logDeriv.applyAsDouble(in[i][j]);
            }
            assertEquals(expectedLogDet, r.logDet().value().get(i), tol * Math.max(1, Math.abs(expectedLogDet)),
                    "log-det at row " + i);
        }
    }
}
