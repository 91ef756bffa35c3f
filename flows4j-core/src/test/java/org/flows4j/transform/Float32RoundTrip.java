package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/** Shared check: a float32 transform inverts its forward pass and log-det to float32 precision. */
final class Float32RoundTrip {
    private Float32RoundTrip() {
    }

    static void check(Transform t) {
        Tensor x = Tensor.randn(new Rng(3), DType.FLOAT32, 5, t.features());
        Transformed f = t.forward(Variable.constant(x));
        Transformed back = t.inverse(f.output());
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), back.output().value().get(i), 1e-5);
        }
        for (int n = 0; n < 5; n++) {
            assertEquals(0.0, f.logDet().value().get(n) + back.logDet().value().get(n), 1e-5);
        }
        assertEquals(DType.FLOAT32, f.output().dtype());
    }
}
