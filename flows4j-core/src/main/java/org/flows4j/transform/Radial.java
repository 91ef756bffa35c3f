package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * Radial flow (Rezende and Mohamed 2015, "Variational Inference with Normalizing Flows"):
 * <pre>  f(z) = z + beta h(r) (z - z0),   r = |z - z0|,   h(r) = 1 / (alpha + r)</pre>
 * with parameters {@code z0} ({@code [D]}), {@code alphaRaw} and {@code betaRaw} ({@code [1]} each).
 *
 * <p><b>Invertibility by construction.</b> {@code alpha = softplus(alphaRaw) > 0} and
 * {@code beta = -alpha + softplus(betaRaw)}, so {@code gamma = alpha + beta = softplus(betaRaw) > 0}
 * (the paper's condition {@code beta >= -alpha}, strictly). Then
 * {@code f(z) - z0 = (z - z0)(gamma + r) / (alpha + r)}: a positive multiple of {@code z - z0}, so
 * directions are kept and the radius maps by {@code g(r) = r (gamma + r) / (alpha + r)}, with
 * {@code g(0) = 0}, {@code g(r) -> infinity} and {@code g'(r) = 1 + alpha beta / (alpha + r)^2 =
 * (r^2 + 2 alpha r + alpha gamma) / (alpha + r)^2 > 0}: a bijection.
 *
 * <p><b>Log-det.</b> With {@code e = (z - z0) / r}, {@code df/dz = (1 + beta h) I + beta h'(r) r e e^T}:
 * eigenvalue {@code 1 + beta h} on the {@code D - 1} directions orthogonal to {@code e} and
 * {@code 1 + beta h + beta h' r} along {@code e}. With {@code h' = -1/(alpha + r)^2},
 * <pre>  log |det df/dz| = (D - 1) log(1 + beta h) + log(1 + beta h + beta h' r)
 *                  = (D - 1) [log(gamma + r) - log(alpha + r)]
 *                    + log(r (r + 2 alpha) + alpha gamma) - 2 log(alpha + r),</pre>
 * the last form a sum of logs of positive terms that never cancel.
 *
 * <p><b>Closed-form {@code f^-1}.</b> Given {@code y}, {@code r_y = |y - z0| = g(r)}, i.e.
 * {@code r^2 + (gamma - r_y) r - alpha r_y = 0}. The product of its roots is {@code -alpha r_y <= 0},
 * so exactly one root is non-negative: with {@code p = gamma - r_y} and
 * {@code q = sqrt(p^2 + 4 alpha r_y)}, {@code r = (q - p) / 2} when {@code p < 0} and
 * {@code r = 2 alpha r_y / (p + q)} otherwise (each form free of cancellation). Then
 * {@code z = z0 + (y - z0)(alpha + r) / (gamma + r)}, which needs no division by {@code r_y} and sends
 * {@code y = z0} to {@code z0}. Gradients of {@code r} follow from the quadratic by implicit
 * differentiation: {@code dQ/dr = 2r + gamma - r_y = q}, so {@code dr/dr_y = (r + alpha) / q},
 * {@code dr/dalpha = r_y / q}, {@code dr/dgamma = -r / q}.
 *
 * <p><b>Direction.</b> As for {@link Planar}, {@link #inverse} (latent to data) is the paper's
 * generative {@code f}, so variational inference through {@code Flow.sampleAndLogProb} uses exactly the
 * paper's map; {@link #forward} applies {@code f^-1}. Both are closed form here; the orientation is
 * chosen to match {@link Planar}, so the two can be mixed in one chain with the paper's meaning.
 *
 * <p>Takes no context. Safe to call from many threads at once (no state is written).
 */
public final class Radial extends Transform implements Part {
    private final Parameter z0;
    private final Parameter alphaRaw;
    private final Parameter betaRaw;

    /**
     * A radial flow on {@code features} dimensions with {@code z0}, {@code alphaRaw} and {@code betaRaw}
     * drawn uniformly from {@code [-1/sqrt(D), 1/sqrt(D)]}.
     */
    public Radial(int features, DType dtype, Rng rng) {
        super(features, 0);
        if (dtype == null || rng == null) {
            throw new IllegalArgumentException("Radial: dtype and rng must not be null, got dtype=" + dtype
                    + ", rng=" + rng);
        }
        double bound = 1.0 / Math.sqrt(features);
        this.z0 = registerParameter("z0", Tensor.rand(rng, dtype, -bound, bound, features));
        this.alphaRaw = registerParameter("alphaRaw", Tensor.rand(rng, dtype, -bound, bound, 1));
        this.betaRaw = registerParameter("betaRaw", Tensor.rand(rng, dtype, -bound, bound, 1));
    }

    /** The centre {@code z0} ({@code [D]}). */
    public Parameter z0() {
        return z0;
    }

    /** The raw parameter with {@code alpha = softplus(alphaRaw)} ({@code [1]}). */
    public Parameter alphaRaw() {
        return alphaRaw;
    }

    /** The raw parameter with {@code beta = -alpha + softplus(betaRaw)} ({@code [1]}). */
    public Parameter betaRaw() {
        return betaRaw;
    }

    /** Data to latent: {@code z = z0 + (y - z0)(alpha + r) / (gamma + r)} with {@code r} from the quadratic. */
    @Override
    protected Transformed applyForward(Variable y, Variable context) {
        Variable alpha = ActivationOps.softplus(alphaRaw.variable());
        Variable gamma = ActivationOps.softplus(betaRaw.variable());
        Variable diff = ArithmeticOps.sub(y, z0.variable());
        Variable r = RadialOps.radiusOfPreimage(RadialOps.rowNorm(diff), alpha, gamma);
        Variable ar = ArithmeticOps.add(alpha, r);
        Variable gr = ArithmeticOps.add(gamma, r);
        Variable z = ArithmeticOps.add(z0.variable(), ArithmeticOps.mul(diff, ArithmeticOps.div(ar, gr)));
        return new Transformed(z, ArithmeticOps.neg(logDetOfF(r, alpha, gamma, ar, gr)));
    }

    /** Latent to data: the paper's {@code f(z) = z0 + (z - z0)(gamma + r) / (alpha + r)}. */
    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Variable alpha = ActivationOps.softplus(alphaRaw.variable());
        Variable gamma = ActivationOps.softplus(betaRaw.variable());
        Variable diff = ArithmeticOps.sub(z, z0.variable());
        Variable r = RadialOps.rowNorm(diff);
        Variable ar = ArithmeticOps.add(alpha, r);
        Variable gr = ArithmeticOps.add(gamma, r);
        Variable y = ArithmeticOps.add(z0.variable(), ArithmeticOps.mul(diff, ArithmeticOps.div(gr, ar)));
        return new Transformed(y, logDetOfF(r, alpha, gamma, ar, gr));
    }

    /**
     * {@code (D - 1)[log(gamma + r) - log(alpha + r)] + log(r (r + 2 alpha) + alpha gamma) - 2 log(alpha + r)}
     * for a column {@code r} ({@code [N, 1]}); returns {@code [N]}.
     */
    private Variable logDetOfF(Variable r, Variable alpha, Variable gamma, Variable ar, Variable gr) {
        Variable logAr = ActivationOps.log(ar);
        Variable rTimesR2a = ArithmeticOps.mul(r, ArithmeticOps.add(r, ArithmeticOps.mulScalar(alpha, 2.0)));
        Variable radial = ArithmeticOps.add(rTimesR2a, ArithmeticOps.mul(alpha, gamma));
        Variable along = ArithmeticOps.sub(ActivationOps.log(radial), ArithmeticOps.mulScalar(logAr, 2.0));
        Variable total = along;
        if (features() > 1) {
            Variable across = ArithmeticOps.sub(ActivationOps.log(gr), logAr);
            total = ArithmeticOps.add(ArithmeticOps.mulScalar(across, features() - 1), along);
        }
        return ShapeOps.reshape(total, r.size(0));
    }

    /**
     * Type {@code radial}: {@code features}, {@code dtype}; the parameters {@code z0}, {@code alphaRaw},
     * {@code betaRaw} are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("radial").with("features", features()).with("dtype", Parts.dtypeOf(this));
    }
}
