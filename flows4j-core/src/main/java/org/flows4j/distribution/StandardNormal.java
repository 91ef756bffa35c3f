package org.flows4j.distribution;

import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * The isotropic standard normal {@code N(0, I_D)}:
 * {@code log p(x) = -|x|^2 / 2 - (D/2) log(2 pi)}. No parameters; the default base of every flow.
 */
public final class StandardNormal extends Distribution implements Part {
    /** {@code log(2 pi) / 2}. */
    public static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /** The standard normal on {@code features} dimensions in {@code dtype}. */
    public StandardNormal(int features, DType dtype) {
        super(features, 0, dtype);
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        Variable sq = ReduceOps.sum(ArithmeticOps.square(x), 1, false);
        return ArithmeticOps.addScalar(ArithmeticOps.mulScalar(sq, -0.5), -features() * HALF_LOG_TWO_PI);
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        return Variable.constant(Tensor.randn(rng, dtype(), n, features()));
    }

    /** Type {@code standard-normal}: {@code features}, {@code dtype}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("standard-normal").with("features", features()).with("dtype", dtype());
    }
}
