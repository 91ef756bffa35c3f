package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;

/**
 * The inverse {@code g = f^-1} of a transform as a transform in its own right: {@code g.forward} is
 * {@code f.inverse} and {@code g.inverse} is {@code f.forward}, with their log-dets; the domain and
 * codomain swap. Wrapping a transform that is fast in one direction (MAF) makes the other (IAF).
 */
public final class Inverse extends Transform implements Part {
    private final Transform base;

    /** The inverse of {@code base}; {@code base} becomes this module's only child. */
    public Inverse(Transform base) {
        super(base.features(), base.contextFeatures());
        this.base = registerModule("base", base);
    }

    /** The wrapped transform. */
    public Transform base() {
        return base;
    }

    @Override
    public Domain domain() {
        return base.codomain();
    }

    @Override
    public Domain codomain() {
        return base.domain();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return base.applyInverse(x, context);
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return base.applyForward(y, context);
    }

    /** Type {@code inverse}: {@code base}, the wrapped transform's config (which must be a registered part). */
    @Override
    public PartConfig describe() {
        return PartConfig.of("inverse").with("base", Parts.describe(base));
    }
}
