package org.flows4j.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer fits y = sin(x1) + x2^2 / 2 on 256 points in [-2, 2]^2 with an MLP
 * [2 -> 32 -> 32 -> 1] (tanh, float64), full batch, to a mean squared error below 1e-3 within a
 * step budget about three times what the seeds need. The loop is the one a trainer runs:
 * schedule, zeroGrad, forward, backward, step.
 */
class FitRegressionTest {
    private static final int N = 256;
    private static final double TARGET_MSE = 1e-3;

    private final Tensor x;
    private final Tensor y;

    FitRegressionTest() {
        Rng rng = new Rng(7);
        x = Tensor.rand(rng, DType.FLOAT64, -2.0, 2.0, N, 2);
        y = Tensor.zeros(DType.FLOAT64, N, 1);
        for (int i = 0; i < N; i++) {
            double x1 = x.get(2 * i);
            double x2 = x.get(2 * i + 1);
            y.set(i, Math.sin(x1) + x2 * x2 / 2);
        }
    }

    private double fit(Function<Map<String, Parameter>, Optimizer> make, LrSchedule schedule, int steps) {
        MLP mlp = new MLP(2, new int[] {32, 32}, 1, Activation.TANH, DType.FLOAT64, new Rng(11));
        Optimizer opt = make.apply(mlp.parameters());
        Variable in = Variable.constant(x);
        Variable target = Variable.constant(y);
        double loss = Double.NaN;
        for (int t = 0; t < steps; t++) {
            opt.setLearningRate(schedule.lr(t));
            opt.zeroGrad();
            Variable mse = ReduceOps.mean(ArithmeticOps.square(ArithmeticOps.sub(mlp.forward(in), target)));
            loss = mse.value().item();
            if (loss < TARGET_MSE) {
                return loss;
            }
            mse.backward();
            opt.step();
        }
        return loss;
    }

    @Test
    void adamFits() {
        double loss = fit(p -> new Adam(p, 0.01), new Constant(0.01), 1500);
        assertTrue(loss < TARGET_MSE, "Adam final MSE " + loss);
    }

    @Test
    void adamWFits() {
        double loss = fit(p -> new AdamW(p, 0.01, 0.9, 0.999, 1e-8, 1e-4),
                new Cosine(0.01, 1500, 1e-4).withWarmup(50), 1500);
        assertTrue(loss < TARGET_MSE, "AdamW final MSE " + loss);
    }

    @Test
    void sgdWithMomentumFits() {
        double loss = fit(p -> new SGD(p, 0.05, 0.9, 0.0), new Constant(0.05), 3000);
        assertTrue(loss < TARGET_MSE, "SGD final MSE " + loss);
    }
}
