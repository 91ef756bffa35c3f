package org.flows4j.flows;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.Sampled;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * A normalizing flow: a base distribution and an invertible transform {@code f} (data to latent).
 * By the change of variables,
 * <pre>  log p(x | c) = log p_base(f(x; c) | c) + log |det df(x; c)/dx|</pre>
 * and sampling draws {@code z} from the base and returns {@code x = f^-1(z; c)}. The base receives
 * the context only if it is itself conditional.
 *
 * <p>Cost: {@code logProb} is one forward pass of the transform; {@code sample} one inverse pass
 * (which is the slow direction for autoregressive transforms such as MAF). A trained flow is safe
 * to evaluate from many threads at once.
 */
public final class Flow extends Distribution {
    private final Transform transform;
    private final Distribution base;

    /** A flow with the given data-to-latent transform and base distribution. */
    public Flow(Transform transform, Distribution base) {
        super(checkFeatures(transform, base), Math.max(transform.contextFeatures(), base.contextFeatures()), base.dtype());
        this.transform = registerModule("transform", transform);
        this.base = registerModule("base", base);
    }

    private static int checkFeatures(Transform transform, Distribution base) {
        if (transform.features() != base.features()) {
            throw new IllegalArgumentException("Flow: the transform has " + transform.features()
                    + " features but the base distribution has " + base.features());
        }
        return transform.features();
    }

    /** The data-to-latent transform. */
    public Transform transform() {
        return transform;
    }

    /** The base distribution. */
    public Distribution base() {
        return base;
    }

    /** The latent image {@code z = f(x; c)} of each row, without the log-det. */
    public Variable toLatent(Variable x, Variable context) {
        return transform.forward(x, context).output();
    }

    /** The latent image of plain rows, computed without recording a graph. */
    public double[][] toLatent(double[][] x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return toLatent(Variable.constant(Tensor.of(x).to(dtype())), null).value().toDoubleMatrix();
        }
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        Transformed t = transform.forward(x, context);
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        return ArithmeticOps.add(base.logProb(t.output(), baseContext), t.logDet());
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        Variable z = base.sample(n, baseContext, rng);
        return transform.inverse(z, context).output();
    }

    @Override
    protected Sampled computeSampleAndLogProb(int n, Variable context, Rng rng) {
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        Sampled z = base.sampleAndLogProb(n, baseContext, rng);
        Transformed x = transform.inverse(z.samples(), context);
        return new Sampled(x.output(), ArithmeticOps.sub(z.logProb(), x.logDet()));
    }
}
