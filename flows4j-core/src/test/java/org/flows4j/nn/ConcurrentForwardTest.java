package org.flows4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Several threads evaluating one network in no-grad mode get exactly the single-threaded outputs. */
class ConcurrentForwardTest {
    private static void assertThreadSafe(Function<Variable, Variable> net) throws Exception {
        int inputs = 8;
        List<Tensor> xs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            Tensor x = Tensor.randn(new Rng(100 + i), DType.FLOAT32, 16, 3);
            xs.add(x);
            try (GradMode.Scope s = GradMode.noGrad()) {
                expected.add(net.apply(Variable.constant(x)).value().toDoubleArray());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int rep = 0; rep < 10; rep++) {
                for (int i = 0; i < inputs; i++) {
                    Tensor x = xs.get(i);
                    results.add(pool.submit(() -> {
                        try (GradMode.Scope s = GradMode.noGrad()) {
                            return net.apply(Variable.constant(x)).value().toDoubleArray();
                        }
                    }));
                }
            }
            for (int k = 0; k < results.size(); k++) {
                assertArrayEquals(expected.get(k % inputs), results.get(k).get(), 0.0, "task " + k);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void mlpForwardIsThreadSafe() throws Exception {
        MLP mlp = new MLP(3, new int[] {16, 16}, 2, Activation.RELU, DType.FLOAT32, new Rng(1));
        assertThreadSafe(mlp::forward);
    }

    @Test
    void residualNetForwardIsThreadSafe() throws Exception {
        ResidualNet net = new ResidualNet(3, 2, 16, 2, Activation.ELU, DType.FLOAT32, new Rng(1));
        assertThreadSafe(net::forward);
    }

    @Test
    void madeForwardIsThreadSafe() throws Exception {
        MADE made = new MADE(3, new int[] {16, 16}, 2, Activation.RELU, DType.FLOAT32, new Rng(1));
        assertThreadSafe(made::forward);
    }
}
