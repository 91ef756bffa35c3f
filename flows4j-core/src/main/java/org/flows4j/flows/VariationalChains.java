package org.flows4j.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.flows4j.transform.Transform;

/**
 * The {@code planar} and {@code radial} flows of Rezende and Mohamed (2015), for variational inference. Data to
 * latent, with {@code L = }{@link FlowSpec#layers()}:
 * <pre>  step_1, step_2, ..., step_L, affine</pre>
 * ({@link FlowSpec#luMixing()} puts a learnable {@link LULinear} between consecutive steps). Sampling runs it
 * backwards: {@code z ~ N(0, I)}, the inverse of the learnable {@link Affine} (starting at the identity) gives
 * {@code z_0 ~ N(m, diag(s^2))}, the trainable diagonal Gaussian base of normflows, and then the steps' inverses
 * run from {@code step_L} down to {@code step_1}; the inverse of a {@link Planar} or {@link Radial} step is the
 * paper's map {@code f} in closed form. So sampling with its log-density is cheap and
 * exact; {@code logProb} of given points runs {@code f^-1}, a root find per planar step (closed form for radial).
 * No permutation sits between steps: a planar or radial step has no preferred coordinates. The initial parameters
 * are drawn from {@code new Rng(spec.seed())}, step by step.
 */
final class VariationalChains {
    /** The default number of steps, as in normflows' planar example for U1. */
    static final int DEFAULT_LAYERS = 16;

    private VariationalChains() {
    }

    /** The planar flow of {@code spec}. */
    static Flow planar(FlowSpec spec) {
        return chain(spec, rng -> Planar.wide(spec.features(), spec.dtype(), rng));
    }

    /** The radial flow of {@code spec}. */
    static Flow radial(FlowSpec spec) {
        return chain(spec, rng -> new Radial(spec.features(), spec.dtype(), rng));
    }

    private static Flow chain(FlowSpec spec, Function<Rng, Transform> step) {
        Rng rng = new Rng(spec.seed());
        int d = spec.features();
        List<Transform> steps = new ArrayList<>();
        for (int i = 0; i < spec.layers(); i++) {
            if (i > 0 && spec.luMixing()) {
                steps.add(LULinear.identity(d, spec.dtype()));
            }
            steps.add(step.apply(rng));
        }
        steps.add(Affine.locationScale(d, spec.dtype()));
        return new Flow(new Composite(steps), new StandardNormal(d, spec.dtype()));
    }
}
