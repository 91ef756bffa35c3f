package org.flows4j.transform;

import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;

/**
 * A transform {@code g} on the features {@code [from, to)} of a row, the others passed through unchanged:
 * <pre>  y = (x_[0, from), g(x_[from, to)), x_[to, D)),   log |det J| = log |det dg|</pre>
 * (the Jacobian is block diagonal with identity blocks around {@code g}'s). It is how a multi-scale flow
 * (Dinh et al. 2016) factors features out: after a level, the features that leave for the latent are outside
 * the range, and the next level works on the rest. The context goes to {@code g}. Cost: {@code g}'s plus
 * {@code O(N D)} copies.
 */
public final class Partial extends Transform implements Part {
    private final int from;
    private final int to;
    private final Transform inner;

    /**
     * {@code inner} on features {@code [from, from + inner.features())} of rows of {@code features}.
     *
     * @throws IllegalArgumentException if the range does not fit in {@code [0, features)}
     */
    public Partial(int features, int from, Transform inner) {
        super(features, inner.contextFeatures());
        if (from < 0 || from + inner.features() > features) {
            throw new IllegalArgumentException("Partial: the inner transform's " + inner.features()
                    + " features starting at " + from + " must fit in " + features + " features");
        }
        this.from = from;
        this.to = from + inner.features();
        this.inner = registerModule("inner", inner);
    }

    /** The first feature {@code g} reads. */
    public int from() {
        return from;
    }

    /** The transform on the range. */
    public Transform inner() {
        return inner;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Transformed t = inner.forward(IndexOps.slice(x, 1, from, to), context);
        return new Transformed(assemble(x, t.output()), t.logDet());
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Transformed t = inner.inverse(IndexOps.slice(y, 1, from, to), context);
        return new Transformed(assemble(y, t.output()), t.logDet());
    }

    private Variable assemble(Variable whole, Variable middle) {
        int d = features();
        if (from == 0 && to == d) {
            return middle;
        }
        if (from == 0) {
            return IndexOps.concat(1, middle, IndexOps.slice(whole, 1, to, d));
        }
        if (to == d) {
            return IndexOps.concat(1, IndexOps.slice(whole, 1, 0, from), middle);
        }
        return IndexOps.concat(1, IndexOps.slice(whole, 1, 0, from), middle, IndexOps.slice(whole, 1, to, d));
    }

    /** Type {@code partial}: {@code features}, {@code from}, {@code inner} (its part config). */
    @Override
    public PartConfig describe() {
        return PartConfig.of("partial").with("features", features()).with("from", from)
                .with("inner", Parts.describe(inner));
    }
}
