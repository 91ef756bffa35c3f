package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.ReduceOps;
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
 * Planar flow (Rezende and Mohamed 2015, "Variational Inference with Normalizing Flows"):
 * <pre>  f(z) = z + u_hat tanh(w.z + b)</pre>
 * with parameters {@code w, u} ({@code [D]}) and {@code b} ({@code [1]}).
 *
 * <p><b>Invertibility by construction.</b> The raw {@code u} is replaced by
 * <pre>  u_hat = u + (m(w.u) - w.u) w / |w|^2,   m(x) = -1 + softplus(x),</pre>
 * so {@code w.u_hat = m(w.u) > -1} whatever {@code u} is (e.g. {@code u = -3w} gives
 * {@code w.u_hat = softplus(-3|w|^2) - 1}). Write {@code k = softplus(w.u) = 1 + w.u_hat > 0}. Along
 * {@code w}, {@code a = w.z} maps to {@code w.f(z) = a + (k - 1) tanh(a + b)}, whose derivative
 * {@code 1 + (k - 1) sech^2(a + b) = tanh^2(a + b) + k sech^2(a + b)} is positive and which is
 * unbounded both ways, so it is a bijection of the reals; once {@code a} is known,
 * {@code z = f(z) - u_hat tanh(a + b)}, so {@code f} is a bijection of {@code R^D}. ({@code |w|^2} is
 * floored at the smallest normal float so {@code w = 0} gives {@code u_hat = u}, a translation.)
 *
 * <p><b>Log-det.</b> {@code df/dz = I + u_hat psi(z)^T} with {@code psi(z) = (1 - tanh^2(w.z + b)) w}.
 * By the matrix determinant lemma {@code det(I + u v^T) = 1 + v.u},
 * <pre>  log |det df/dz| = log |1 + u_hat.psi(z)| = log(1 + (k - 1) sech^2(w.z + b))
 *                  = log(tanh^2(w.z + b) + k sech^2(w.z + b)),</pre>
 * evaluated as {@code log(k + (1 - k) t^2)} with {@code t = tanh(w.z + b)}, a sum of non-negative
 * terms, so it does not cancel when {@code k} is small.
 *
 * <p><b>Direction.</b> In the paper {@code f} is the generative map (base sample to posterior sample),
 * and the variational objective needs only {@code f} and its log-det. Here {@link #inverse} (latent to
 * data) applies the paper's {@code f} in closed form and {@link #forward} (data to latent) applies
 * {@code f^-1}. That makes the paper's use, variational inference through
 * {@code Flow.sampleAndLogProb} (which runs {@code inverse}), exact and cheap, with pathwise gradients.
 * Density estimation ({@code Flow.logProb}, which runs {@code forward}) still works: {@code f^-1(y)}
 * solves the scalar equation {@code a + (k - 1) tanh(a + b) = w.y} for {@code a = w.z} with a
 * safeguarded Newton/bisection in float64 ({@link PlanarSolver}, a few iterations per row), then
 * {@code z = y - u_hat tanh(a + b)}, with log-det {@code -log(tanh^2(a + b) + k sech^2(a + b))}. The
 * solve is an op whose backward uses implicit differentiation, so gradients with respect to {@code y}
 * and every parameter are exact. The opposite orientation would put the root find into sampling,
 * the paper's use.
 *
 * <p>Takes no context. Safe to call from many threads at once: the constrained parameters are
 * recomputed per call and no state is written.
 */
public final class Planar extends Transform implements Part {
    private final Parameter w;
    private final Parameter u;
    private final Parameter b;

    /**
     * A planar flow on {@code features} dimensions with {@code w}, {@code u} and {@code b} drawn
     * uniformly from {@code [-1/sqrt(D), 1/sqrt(D)]}.
     */
    public Planar(int features, DType dtype, Rng rng) {
        this(features, dtype, rng, 1.0 / Math.sqrt(features), 1.0 / Math.sqrt(features), 1.0 / Math.sqrt(features));
    }

    private Planar(int features, DType dtype, Rng rng, double wBound, double uBound, double bBound) {
        super(features, 0);
        if (dtype == null || rng == null) {
            throw new IllegalArgumentException("Planar: dtype and rng must not be null, got dtype=" + dtype
                    + ", rng=" + rng);
        }
        this.w = registerParameter("w", Tensor.rand(rng, dtype, -wBound, wBound, features));
        this.u = registerParameter("u", Tensor.rand(rng, dtype, -uBound, uBound, features));
        this.b = registerParameter("b", bBound == 0 ? Tensor.zeros(dtype, 1) : Tensor.rand(rng, dtype, -bBound, bBound,
                1));
    }

    /**
     * A planar flow started with wider deformations, for variational inference: {@code u ~ U(-sqrt 2, sqrt 2)},
     * {@code w ~ U(-sqrt(2/D), sqrt(2/D))}, {@code b = 0} (the initialization of normflows' {@code Planar}). Fitted
     * to U1 by reverse KL (16 steps, 5,000 steps of 512 samples) it found both modes from more seeds than the
     * narrower default (docs/PERFORMANCE.md).
     */
    public static Planar wide(int features, DType dtype, Rng rng) {
        return new Planar(features, dtype, rng, Math.sqrt(2.0 / features), Math.sqrt(2.0), 0);
    }

    /** The direction vector {@code w} ({@code [D]}). */
    public Parameter w() {
        return w;
    }

    /** The unconstrained {@code u} ({@code [D]}); the map uses {@link #uHat()}. */
    public Parameter u() {
        return u;
    }

    /** The bias {@code b} ({@code [1]}). */
    public Parameter b() {
        return b;
    }

    /** The constrained {@code u_hat = u + (m(w.u) - w.u) w / |w|^2}, as a plain tensor. */
    public Tensor uHat() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return constrained().uHat().value().copy();
        }
    }

    /** The parameters the map uses, built from the raw ones on every call. */
    private record Constrained(Variable w, Variable uHat, Variable k, Variable b) {
    }

    private Constrained constrained() {
        Variable wv = w.variable();
        Variable uv = u.variable();
        Variable wu = ReduceOps.sum(ArithmeticOps.mul(wv, uv));
        Variable k = ActivationOps.softplus(wu);
        Variable wNorm2 = ArithmeticOps.clamp(ReduceOps.sum(ArithmeticOps.square(wv)), Float.MIN_NORMAL,
                Double.POSITIVE_INFINITY);
        Variable coefficient = ArithmeticOps.div(ArithmeticOps.sub(ArithmeticOps.addScalar(k, -1.0), wu), wNorm2);
        Variable uHat = ArithmeticOps.add(uv, ArithmeticOps.mul(coefficient, wv));
        return new Constrained(wv, uHat, k, b.variable());
    }

    /** {@code x . w} as a column {@code [N, 1]}. */
    private Variable project(Variable x, Variable wv) {
        return LinalgOps.matmul(x, ShapeOps.reshape(wv, features(), 1));
    }

    /** {@code log(k + (1 - k) t^2)} per row, {@code t} a column {@code [N, 1]}; returns {@code [N]}. */
    private static Variable logDetOfF(Variable t, Variable k) {
        Variable oneMinusK = ArithmeticOps.addScalar(ArithmeticOps.neg(k), 1.0);
        Variable inner = ArithmeticOps.add(ArithmeticOps.mul(ArithmeticOps.square(t), oneMinusK), k);
        return ShapeOps.reshape(ActivationOps.log(inner), t.size(0));
    }

    /** Data to latent: {@code f^-1(y)} by the root find along {@code w}. */
    @Override
    protected Transformed applyForward(Variable y, Variable context) {
        Constrained p = constrained();
        Variable a = PlanarSolver.solve(project(y, p.w()), p.k(), p.b());
        Variable t = ActivationOps.tanh(ArithmeticOps.add(a, p.b()));
        Variable z = ArithmeticOps.sub(y, ArithmeticOps.mul(t, p.uHat()));
        return new Transformed(z, ArithmeticOps.neg(logDetOfF(t, p.k())));
    }

    /** Latent to data: the paper's {@code f(z) = z + u_hat tanh(w.z + b)}. */
    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Constrained p = constrained();
        Variable t = ActivationOps.tanh(ArithmeticOps.add(project(z, p.w()), p.b()));
        Variable y = ArithmeticOps.add(z, ArithmeticOps.mul(t, p.uHat()));
        return new Transformed(y, logDetOfF(t, p.k()));
    }

    /**
     * Type {@code planar}: {@code features}, {@code dtype}; the parameters {@code w}, {@code u}, {@code b} are its
     * state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("planar").with("features", features()).with("dtype", Parts.dtypeOf(this));
    }
}
