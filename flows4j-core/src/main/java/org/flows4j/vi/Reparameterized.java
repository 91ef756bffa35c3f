package org.flows4j.vi;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.Sampled;
import org.flows4j.flows.Flow;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Transformed;

/**
 * Reparameterized samples {@code x} of a distribution {@code q} with {@code log q(x)}, recorded for gradients, that
 * can be recomputed on a subset of their rows. For a {@link Flow} the latent draw {@code z} is kept: {@code x =
 * f^-1(z)} and {@code log q(x) = log p_base(z) - log |det df^-1/dz|}, as {@link Flow#sampleAndLogProb} computes
 * them, and the subset is recomputed from its rows of {@code z}, so the graph holds no row that was left out (a row
 * whose flow values overflowed would otherwise send NaN into the gradient: zero times an infinite local derivative).
 * For another distribution the rows are selected from {@code q.sampleAndLogProb}'s graph.
 */
final class Reparameterized {
    private final Distribution q;

    Reparameterized(Distribution q) {
        this.q = q;
    }

    /** A draw: the samples, their log-densities and, for a flow, the base draw behind them. */
    record Draw(Variable x, Variable logQ, Sampled base) {
    }

    /** {@code m} samples with their log-densities. */
    Draw draw(int m, Rng rng) {
        if (q instanceof Flow flow) {
            return fromBase(flow, flow.base().sampleAndLogProb(m, rng));
        }
        Sampled s = q.sampleAndLogProb(m, rng);
        return new Draw(s.samples(), s.logProb(), null);
    }

    /** The rows {@code rows} of {@code d}, recomputed from the base draw for a flow. */
    Draw restrict(Draw d, int[] rows) {
        if (d.base() != null) {
            Sampled b = d.base();
            return fromBase((Flow) q, new Sampled(SampleRows.select(b.samples(), rows),
                    SampleRows.select(b.logProb(), rows)));
        }
        return new Draw(SampleRows.select(d.x(), rows), SampleRows.select(d.logQ(), rows), null);
    }

    private static Draw fromBase(Flow flow, Sampled z) {
        Transformed x = flow.transform().inverse(z.samples(), null);
        return new Draw(x.output(), ArithmeticOps.sub(z.logProb(), x.logDet()), z);
    }
}
