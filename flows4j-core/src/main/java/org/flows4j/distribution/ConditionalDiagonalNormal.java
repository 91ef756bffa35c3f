package org.flows4j.distribution;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * A diagonal normal whose mean and log-scale are functions of a context {@code c}: an MLP maps
 * {@code c [N, C]} to {@code [N, 2D]}, split into {@code mu(c)} and {@code s(c)}, and
 * {@code log p(x | c) = sum_d (-z_d^2 / 2 - s_d(c)) - (D/2) log(2 pi)} with
 * {@code z = (x - mu(c)) e^{-s(c)}}. The network's last layer starts at zero, so the distribution
 * starts as {@code N(0, I)} for every context. Samples {@code mu(c) + e^{s(c)} eps}.
 */
public final class ConditionalDiagonalNormal extends Distribution implements Part {
    private final MLP contextNet;

    /** A conditional normal on {@code features} dimensions given {@code contextFeatures} context values. */
    public ConditionalDiagonalNormal(int features, int contextFeatures, int[] hidden, DType dtype, Rng rng) {
        super(features, checkContext(contextFeatures), dtype);
        this.contextNet = registerModule("contextNet",
                new MLP(contextFeatures, 0, hidden, 2 * features, Activation.RELU, true, dtype, rng));
    }

    private static int checkContext(int c) {
        if (c < 1) {
            throw new IllegalArgumentException("ConditionalDiagonalNormal: needs at least 1 context feature, got " + c);
        }
        return c;
    }

    /** The network from context to {@code (mu, s)}. */
    public MLP contextNet() {
        return contextNet;
    }

    private Variable[] params(Variable context) {
        return IndexOps.split(contextNet.forward(context), 1, features(), features());
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        Variable[] p = params(context);
        return Gaussian.logProb(x, p[0], p[1]);
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        Variable[] p = params(context);
        Variable eps = Variable.constant(Tensor.randn(rng, dtype(), n, features()));
        return ArithmeticOps.add(p[0], ArithmeticOps.mul(ActivationOps.exp(p[1]), eps));
    }

    /**
     * Type {@code conditional-diagonal-normal}: {@code features}, {@code context_features}, {@code hidden} (the
     * widths of the context network's hidden layers), {@code dtype}; the network's weights are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("conditional-diagonal-normal").with("features", features())
                .with("context_features", contextFeatures()).with("hidden", contextNet.hidden()).with("dtype", dtype());
    }
}
