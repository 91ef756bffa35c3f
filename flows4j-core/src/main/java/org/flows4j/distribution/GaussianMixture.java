package org.flows4j.distribution;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * A mixture of {@code K} diagonal Gaussians with learnable logits {@code a [K]}, means
 * {@code mu [K, D]} and log-scales {@code s [K, D]}:
 * {@code log p(x) = logsumexp_k (log softmax(a)_k + log N(x; mu_k, e^{2 s_k}))}, computed stably.
 * Means start at seeded N(0, 1) draws so the components differ; logits and log-scales start at 0.
 * Sampling picks a component from {@code softmax(a)} and returns {@code mu_k + e^{s_k} eps}, which is
 * differentiable in the means and scales (not in the logits). Cost: O(N K D) per evaluation.
 */
public final class GaussianMixture extends Distribution implements Part {
    private final int components;
    private final Parameter logits;
    private final Parameter means;
    private final Parameter logScales;

    /** A mixture of {@code components} Gaussians on {@code features} dimensions. */
    public GaussianMixture(int features, int components, DType dtype, Rng rng) {
        super(features, 0, dtype);
        if (components < 1) {
            throw new IllegalArgumentException("GaussianMixture: components must be at least 1, got " + components);
        }
        this.components = components;
        this.logits = registerParameter("logits", Tensor.zeros(dtype, components));
        this.means = registerParameter("means", Tensor.randn(rng, dtype, components, features));
        this.logScales = registerParameter("logScales", Tensor.zeros(dtype, components, features));
    }

    /** Number of components {@code K}. */
    public int components() {
        return components;
    }

    /** The logits {@code a [K]}. */
    public Parameter logits() {
        return logits;
    }

    /** The means {@code [K, D]}. */
    public Parameter means() {
        return means;
    }

    /** The log-scales {@code [K, D]}. */
    public Parameter logScales() {
        return logScales;
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        int n = x.size(0);
        Variable xs = ShapeOps.reshape(x, n, 1, features());
        Variable perComponent = Gaussian.logProb(xs, means.variable(), logScales.variable());
        Variable weighted = ArithmeticOps.add(perComponent, ReduceOps.logSoftmax(logits.variable(), 0));
        return ReduceOps.logSumExp(weighted, 1, false);
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        double[] w = ReduceOps.softmax(logits.variable().detach(), 0).value().toDoubleArray();
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int k = 0;
            double acc = w[0];
            while (u >= acc && k < components - 1) {
                k++;
                acc += w[k];
            }
            pick[i] = k;
        }
        Variable eps = Variable.constant(Tensor.randn(rng, dtype(), n, features()));
        Variable mu = rowsOf(means.variable(), pick);
        Variable scale = ActivationOps.exp(rowsOf(logScales.variable(), pick));
        return ArithmeticOps.add(mu, ArithmeticOps.mul(scale, eps));
    }

    /** Rows {@code pick} of a {@code [K, D]} matrix as {@code [n, D]}, via a gather on its transpose-free flat view. */
    private Variable rowsOf(Variable m, int[] pick) {
        int d = features();
        int[] cols = new int[pick.length * d];
        for (int i = 0; i < pick.length; i++) {
            for (int j = 0; j < d; j++) {
                cols[i * d + j] = pick[i] * d + j;
            }
        }
        Variable flat = ShapeOps.reshape(m, 1, components * d);
        return ShapeOps.reshape(IndexOps.gather(flat, cols), pick.length, d);
    }

    /**
     * Type {@code gaussian-mixture}: {@code features}, {@code components}, {@code dtype}; {@code logits},
     * {@code means} and {@code logScales} are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("gaussian-mixture").with("features", features()).with("components", components)
                .with("dtype", dtype());
    }
}
