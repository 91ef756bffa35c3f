package org.flows4j.distribution;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * A normal with diagonal covariance and learnable mean {@code mu} and log-scale {@code s}
 * (both {@code [D]}, initialized to 0): with {@code z = (x - mu) e^{-s}},
 * {@code log p(x) = sum_d (-z_d^2 / 2 - s_d) - (D/2) log(2 pi)}. Samples {@code mu + e^s eps} are
 * differentiable in {@code mu} and {@code s} (reparameterization).
 */
public final class DiagonalNormal extends Distribution implements Part {
    private final Parameter mean;
    private final Parameter logScale;

    /** A diagonal normal on {@code features} dimensions, starting at {@code N(0, I)}. */
    public DiagonalNormal(int features, DType dtype) {
        super(features, 0, dtype);
        this.mean = registerParameter("mean", Tensor.zeros(dtype, features));
        this.logScale = registerParameter("logScale", Tensor.zeros(dtype, features));
    }

    /** The mean parameter {@code mu}. */
    public Parameter mean() {
        return mean;
    }

    /** The log-scale parameter {@code s}. */
    public Parameter logScale() {
        return logScale;
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        return Gaussian.logProb(x, mean.variable(), logScale.variable());
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        Variable eps = Variable.constant(Tensor.randn(rng, dtype(), n, features()));
        return ArithmeticOps.add(mean.variable(), ArithmeticOps.mul(ActivationOps.exp(logScale.variable()), eps));
    }

    /**
     * Type {@code diagonal-normal}: {@code features}, {@code dtype}; the parameters {@code mean} and
     * {@code logScale} are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("diagonal-normal").with("features", features()).with("dtype", dtype());
    }
}
