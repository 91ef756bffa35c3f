package org.flows4j.train;

import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.tensor.Tensor;

/**
 * Held-out evaluation: the mean negative log-likelihood {@code -(1/N) sum_i log p(x_i | c_i)} and its
 * standard error {@code sd(-log p) / sqrt(N)}, computed in evaluation mode without gradients, in
 * chunks of rows so memory stays bounded. The sums are accumulated in double.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Mean NLL and its standard error. */
    public record Nll(int n, double mean, double stderr) {
        /**
         * {@code mean = -(1/n) sum_i lp_i} and {@code stderr = sd(-lp) / sqrt(n)} (0 for one row) of the
         * per-row log-densities {@code lp}.
         */
        public static Nll of(double[] lp) {
            if (lp == null || lp.length == 0) {
                throw new IllegalArgumentException("Evaluation.Nll.of: expected at least one log-density, got none");
            }
            double sum = 0;
            for (double v : lp) {
                sum -= v;
            }
            double mean = sum / lp.length;
            double ss = 0;
            for (double v : lp) {
                ss += (-v - mean) * (-v - mean);
            }
            double sd = lp.length > 1 ? Math.sqrt(ss / (lp.length - 1)) : 0;
            return new Nll(lp.length, mean, sd / Math.sqrt(lp.length));
        }
    }

    /** The mean NLL of {@code x} (context optional) under {@code model}. */
    public static double meanNll(Distribution model, Tensor x, Tensor context, int chunk) {
        return nll(model, x, context, chunk).mean();
    }

    /** The mean NLL of {@code x} and its standard error; the model is left in evaluation mode. */
    public static Nll nll(Distribution model, Tensor x, Tensor context, int chunk) {
        return Nll.of(logProb(model, x, context, chunk));
    }

    /** {@code log p(x_i | c_i)} for every row, in evaluation mode, without gradients. */
    public static double[] logProb(Distribution model, Tensor x, Tensor context, int chunk) {
        model.train(false);
        int n = x.size(0);
        double[] out = new double[n];
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int from = 0; from < n; from += chunk) {
                int to = Math.min(n, from + chunk);
                Variable xs = Variable.constant(Rows.range(x, from, to));
                Variable cs = context == null ? null : Variable.constant(Rows.range(context, from, to));
                Tensor lp = model.logProb(xs, cs).value();
                for (int i = from; i < to; i++) {
                    out[i] = lp.get(i - from);
                }
            }
        }
        return out;
    }
}
