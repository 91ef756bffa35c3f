package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Threads evaluating one transform in eval mode, both directions, get exactly the single-threaded results. */
class ConcurrentLinearTransformsTest {
    private static double[] both(Transform t, Tensor x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed f = t.forward(Variable.constant(x));
            Transformed b = t.inverse(Variable.constant(x));
            double[] out = new double[2 * x.numel() + 2 * x.size(0)];
            System.arraycopy(f.output().value().toDoubleArray(), 0, out, 0, x.numel());
            System.arraycopy(b.output().value().toDoubleArray(), 0, out, x.numel(), x.numel());
            System.arraycopy(f.logDet().value().toDoubleArray(), 0, out, 2 * x.numel(), x.size(0));
            System.arraycopy(b.logDet().value().toDoubleArray(), 0, out, 2 * x.numel() + x.size(0), x.size(0));
            return out;
        }
    }

    private static void assertThreadSafe(Transform t) throws Exception {
        t.eval();
        List<Tensor> xs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Tensor x = Tensor.randn(new Rng(50 + i), DType.FLOAT64, 32, t.features());
            xs.add(x);
            expected.add(both(t, x));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int rep = 0; rep < 8; rep++) {
                for (Tensor x : xs) {
                    results.add(pool.submit(() -> both(t, x)));
                }
            }
            for (int k = 0; k < results.size(); k++) {
                assertArrayEquals(expected.get(k % xs.size()), results.get(k).get(30, TimeUnit.SECONDS), 0.0,
                        t.getClass().getSimpleName() + " task " + k);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void luLinearActNormAndBatchNormAreSafeInEvalMode() throws Exception {
        assertThreadSafe(LULinear.random(5, DType.FLOAT64, new Rng(1)));
        ActNorm actNorm = new ActNorm(5, DType.FLOAT64);
        actNorm.forward(Variable.constant(Tensor.randn(new Rng(2), DType.FLOAT64, 40, 5)));
        assertThreadSafe(actNorm);
        BatchNorm batchNorm = new BatchNorm(5, 0.5, BatchNorm.DEFAULT_EPS, DType.FLOAT64);
        batchNorm.forward(Variable.constant(Tensor.randn(new Rng(3), DType.FLOAT64, 40, 5)));
        assertThreadSafe(batchNorm);
    }
}
