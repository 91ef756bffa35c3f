package org.flows4j.guide;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Linear;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * The user guide's worked example: a per-feature shift and scale predicted from a context row.
 *
 * <p>With {@code [mu, s] = W c + b}: forward {@code z = (x - mu) * exp(-s)}, inverse
 * {@code x = z * exp(s) + mu}. The Jacobian is diagonal with entries {@code exp(-s_i)}, so the forward
 * log-det is {@code -sum_i s_i} and the inverse log-det is {@code +sum_i s_i}.
 */
public final class ContextScaleShift extends Transform {
    private final Linear net;

    /** A transform on {@code features} values whose shift and log-scale come from {@code contextFeatures} values. */
    public ContextScaleShift(int features, int contextFeatures, DType dtype, Rng rng) {
        super(features, contextFeatures);
        this.net = registerModule("net", new Linear(contextFeatures, 2 * features, true, dtype, rng));
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable[] muAndS = IndexOps.split(net.forward(context), 1, features(), features());
        Variable z = ArithmeticOps.mul(ArithmeticOps.sub(x, muAndS[0]), ActivationOps.exp(ArithmeticOps.neg(muAndS[1])));
        return new Transformed(z, ArithmeticOps.neg(ReduceOps.sum(muAndS[1], 1, false)));
    }

    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Variable[] muAndS = IndexOps.split(net.forward(context), 1, features(), features());
        Variable x = ArithmeticOps.add(ArithmeticOps.mul(z, ActivationOps.exp(muAndS[1])), muAndS[0]);
        return new Transformed(x, ReduceOps.sum(muAndS[1], 1, false));
    }
}
