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

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Tensor xv = x.value();
        Tensor y = Elementwise.map(xv, v -> Math.abs(v) <= bound ? v : Math.copySign(bound + Math.log1p(excess(v)), v));
        Variable out = Variable.fromOp("log-tails", y,
                g -> new Tensor[] {Elementwise.zip(g, xv, (u, v) -> u / (1.0 + excess(v)), "log-tails")}, x);
        Tensor logDeriv = Elementwise.map(xv, v -> -Math.log1p(excess(v)));
        Variable ld = Variable.fromOp("log-tails-logdet", logDeriv, g -> new Tensor[] {Elementwise.zip(g, xv,
                (u, v) -> Math.abs(v) <= bound ? 0.0 : -u * Math.signum(v) / (1.0 + excess(v)), "log-tails-logdet")},
                x);
        return new Transformed(out, RowLogDet.sumOverFeatures(ld));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Tensor yv = y.value();
        Tensor x = Elementwise.map(yv, v -> Math.abs(v) <= bound ? v : Math.copySign(bound + Math.expm1(excess(v)), v));
        Variable out = Variable.fromOp("log-tails-inverse", x,
                g -> new Tensor[] {Elementwise.zip(g, yv, (u, v) -> u * Math.exp(excess(v)), "log-tails-inverse")}, y);
        Tensor logDeriv = Elementwise.map(yv, this::excess);
        Variable ld = Variable.fromOp("log-tails-inverse-logdet", logDeriv, g -> new Tensor[] {Elementwise.zip(g, yv,
                (u, v) -> Math.abs(v) <= bound ? 0.0 : u * Math.signum(v), "log-tails-inverse-logdet")}, y);
        return new Transformed(out, RowLogDet.sumOverFeatures(ld));
    }

    /** Type {@code log-tails}: {@code features}, {@code bound}. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("log-tails").with("features", features()).with("bound", bound);
    }
}
