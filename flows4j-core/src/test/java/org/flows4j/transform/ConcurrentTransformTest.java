package org.flows4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.autoregressive.InverseAutoregressive;
import org.flows4j.transform.autoregressive.MaskedAffineAutoregressive;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.CouplingMask;
import org.junit.jupiter.api.Test;

/**
 * Coupling and autoregressive transforms evaluated from several threads at once (no-grad, eval mode) give
 * exactly the single-threaded outputs and log-dets, in both directions.
 */
class ConcurrentTransformTest {
    private static final int D = 4;
    private static final int C = 2;

    private static double[] run(Transform t, boolean inverse, Tensor x, Tensor c) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed r = inverse ? t.inverse(Variable.constant(x), Variable.constant(c))
                    : t.forward(Variable.constant(x), Variable.constant(c));
            double[] out = r.output().value().toDoubleArray();
            double[] det = r.logDet().value().toDoubleArray();
            double[] both = new double[out.length + det.length];
            System.arraycopy(out, 0, both, 0, out.length);
            System.arraycopy(det, 0, both, out.length, det.length);
            return both;
        }
    }

    private static void assertThreadSafe(Transform t) throws Exception {
        Rng noise = new Rng(5);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(noise, DType.FLOAT64,
                p.value().shape()), 0.2));
        t.eval();
        List<Tensor[]> inputs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        BiFunction<Integer, Tensor[], double[]> task = (k, in) -> run(t, k % 2 == 1, in[0], in[1]);
        for (int k = 0; k < 6; k++) {
            Rng rng = new Rng(100 + k);
            Tensor[] in = {Tensor.randn(rng, DType.FLOAT64, 16, D), Tensor.randn(rng, DType.FLOAT64, 16, C)};
            inputs.add(in);
            expected.add(task.apply(k, in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int rep = 0; rep < 6; rep++) {
                for (int k = 0; k < inputs.size(); k++) {
                    int index = k;
                    results.add(pool.submit(() -> task.apply(index, inputs.get(index))));
                }
            }
            for (int j = 0; j < results.size(); j++) {
                assertArrayEquals(expected.get(j % inputs.size()), results.get(j).get(), 0.0, "task " + j);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void mafAndIafAreThreadSafe() throws Exception {
        int[] order = MADE.randomOrder(D, new Rng(1));
        assertThreadSafe(new MaskedAffineAutoregressive(D, C, new int[] {16}, Activation.TANH, order, DType.FLOAT64,
                new Rng(2)));
        assertThreadSafe(InverseAutoregressive.affine(D, C, new int[] {16}, Activation.TANH, order, DType.FLOAT64,
                new Rng(3)));
    }

    @Test
    void affineCouplingIsThreadSafe() throws Exception {
        assertThreadSafe(new AffineCoupling(CouplingMask.alternating(D, true), C, new int[] {16}, Activation.RELU,
                DType.FLOAT64, new Rng(4)));
    }
}
