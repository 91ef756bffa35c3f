package org.flows4j.transform;

import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.kernel.Elementwise;

/**
 * Elementwise logarithmic tails: the identity on {@code [-B, B]} and logarithmic beyond,
 * <pre>  y = x                                  for |x| <= B,
 *   y = sign(x) (B + log(1 + |x| - B))      for |x| >  B,</pre>
 * a bijection of the reals with a continuous first derivative ({@code 1} at {@code |x| = B} from both sides).
 *
 * <p>Placed last in a flow (on the latent side), it leaves every latent inside {@code [-B, B]} alone and pulls
 * far ones in, so the standard normal base sees {@code B + log(1 + |z| - B)} instead of {@code |z|}: a row that
 * the steps before it send to {@code |z| = 10^4} gets about {@code -(B + 9.2)^2 / 2 - 9.2} nats per coordinate
 * instead of {@code -5 10^7}. Equivalently the steps before it see a base with heavier (log-normal-like) tails,
 * still normalized. The affine presets end with it, since affine steps extrapolate linearly and compound.
 *
 * <p>Log-det: {@code log |det J| = -sum_j log(1 + (|x_j| - B)_+)}. Inverse:
 * {@code x = sign(y) (B + expm1(|y| - B))} beyond {@code B}, with log-det {@code sum_j (|y_j| - B)_+}; it
 * overflows to infinity for {@code |y|} above about {@code B + 709} in float64 ({@code B + 88} in float32),
 * far beyond any base sample. Cost: {@code O(N D)}.
 */
public final class LogTails extends Transform implements Part {
    /** The bound used by {@link #LogTails(int)}: a standard normal latent leaves {@code [-4, 4]} with odds 6e-5. */
    public static final double DEFAULT_BOUND = 4.0;

    private final double bound;

    /** Logarithmic tails beyond {@link #DEFAULT_BOUND}. */
    public LogTails(int features) {
        this(features, DEFAULT_BOUND);
    }

    /** Logarithmic tails beyond {@code bound}, which must be finite and positive. */
    public LogTails(int features, double bound) {
        super(features, 0);
        if (!(bound > 0 && bound < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LogTails: bound must be finite and positive, got " + bound);
        }
        this.bound = bound;
    }

    /** The bound {@code B}. */
    public double bound() {
        return bound;
    }

    private double excess(double v) {
        return Math.max(Math.abs(v) - bound, 0.0);
    }

    /** Whether some element of {@code v} lies beyond the bound (the common case, none, needs no arithmetic). */
    private boolean anyBeyond(Tensor v) {
        int n = v.numel();
        for (int i = 0; i < n; i++) {
            if (!(Math.abs(v.get(i)) <= bound)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return apply(x, true);
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return apply(y, false);
    }

    /**
     * The map ({@code forward}: pull in, else push out) of {@code in} and its per-row log-det. Inside the bound
     * the map is the identity with log-det 0 and zero log-det gradient, so when every element is inside,
     * {@code in} itself is the output.
     */
    private Transformed apply(Variable in, boolean forward) {
        Tensor v = in.value();
        int rows = v.size(0);
        int cols = v.numel() / Math.max(rows, 1);
        if (!anyBeyond(v)) {
            return new Transformed(in, RowLogDet.zeros(rows, v.dtype()));
        }
        Tensor out = Tensor.zeros(v.dtype(), v.shape());
        Tensor logDet = Tensor.zeros(v.dtype(), rows);
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) {
                double a = v.get(j);
                double e = excess(a);
                if (e == 0) {
                    out.set(j, a);
                } else if (forward) {
                    out.set(j, Math.copySign(bound + Math.log1p(e), a));
                    sum -= Math.log1p(e);
                } else {
                    out.set(j, Math.copySign(bound + Math.expm1(e), a));
                    sum += e;
                }
            }
            logDet.set(i, sum);
        }
        String op = forward ? "log-tails" : "log-tails-inverse";
        Variable mapped = Variable.fromOp(op, out, g -> new Tensor[] {Elementwise.zip(g, v,
                (u, a) -> forward ? u / (1.0 + excess(a)) : u * Math.exp(excess(a)), op)}, in);
        Variable ld = Variable.fromOp(op + "-logdet", logDet, g -> new Tensor[] {logDetGradient(g, v, rows, cols,
                forward)}, in);
        return new Transformed(mapped, ld);
    }

    /**
     * {@code d(row log-det)/d in}: row {@code i}'s upstream {@code g_i} times {@code -sign(a) / (1 + e)} (forward)
     * or {@code sign(a)} (inverse) beyond the bound, 0 inside.
     */
    private Tensor logDetGradient(Tensor g, Tensor v, int rows, int cols, boolean forward) {
        Tensor grad = Tensor.zeros(v.dtype(), v.shape());
        for (int i = 0; i < rows; i++) {
            double gi = g.get(i);
            for (int j = i * cols; j < (i + 1) * cols; j++) {
                double a = v.get(j);
                double e = excess(a);
                if (e > 0) {
                    grad.set(j, forward ? -gi * Math.signum(a) / (1.0 + e) : gi * Math.signum(a));
                }
            }
        }
        return grad;
    }

    /** Type {@code log-tails}: {@code features}, {@code bound}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("log-tails").with("features", features()).with("bound", bound);
    }
}
