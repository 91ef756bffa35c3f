package org.flows4j.vi;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * Built-in targets with known {@code log Z}, a lookup by name for the command line, and targets made from plain
 * {@code double[]} functions.
 *
 * <p>The built-ins ({@link #NAMES}):
 * <ul>
 *   <li>{@code u1} .. {@code u4}: the energies of Rezende and Mohamed (2015, Table 1) on {@code R^2},
 *       {@code p~ = exp(-U)}, with
 *       <pre>
 *   w1 = sin(2 pi z1 / 4),  w2 = 3 exp(-((z1 - 1) / 0.6)^2 / 2),  w3 = 3 sigma((z1 - 1) / 0.3)
 *   U1 = ((|z| - 2) / 0.4)^2 / 2 - log(exp(-((z1 - 2) / 0.6)^2 / 2) + exp(-((z1 + 2) / 0.6)^2 / 2))
 *   U2 = ((z2 - w1) / 0.4)^2 / 2
 *   U3 = -log(exp(-((z2 - w1) / 0.35)^2 / 2) + exp(-((z2 - w1 + w2) / 0.35)^2 / 2))
 *   U4 = -log(exp(-((z2 - w1) / 0.4)^2 / 2) + exp(-((z2 - w1 + w3) / 0.35)^2 / 2))</pre>
 *       {@code u1} on all of {@code R^2} ({@code log Z = 1.8775}); {@code u2}, {@code u3}, {@code u4} restricted to
 *       the box {@code [-4, 4]^2} ({@code log Z = 2.0821, 2.6417, 2.6846}), {@code -infinity} outside it;</li>
 *   <li>{@code funnel}: Neal's funnel in 10 dimensions, {@code v ~ N(0, 3^2)}, {@code x_i | v ~ N(0, e^v)} for
 *       {@code i = 1..9}, normalized ({@code log Z = 0});</li>
 *   <li>{@code ring}: 8 equally weighted Gaussians with standard deviation 0.5 and means at radius 3 and angles
 *       {@code 2 pi k / 8}, normalized ({@code log Z = 0}).</li>
 * </ul>
 * The {@code log Z} of U1 to U4 were computed by trapezoidal quadrature on a 4,001 x 4,001 grid (issue 14).
 * Every built-in is written with the engine's ops, in the dtype of the batch it is given, and its gradient with
 * respect to the rows comes from the engine.
 */
public final class Targets {
    /** The names {@link #byName} knows, in order. */
    public static final List<String> NAMES = List.of("u1", "u2", "u3", "u4", "funnel", "ring");

    /** The half-width of the box of {@code u2}, {@code u3}, {@code u4}: {@code [-4, 4]^2}. */
    public static final double BOX_HALF_WIDTH = 4.0;

    private Targets() {
    }

    /** Rezende and Mohamed's U1 (a ring with two modes) on {@code R^2}, {@code log Z = 1.8775}. */
    public static Target u1() {
        return new FormulaTarget("u1", 2, 1.8775, null, RezendeMohamed::u1);
    }

    /** Rezende and Mohamed's U2 (a sine-shaped ridge) on the box {@code [-4, 4]^2}, {@code log Z = 2.0821}. */
    public static Target u2() {
        return new FormulaTarget("u2", 2, 2.0821, box(), RezendeMohamed::u2);
    }

    /** Rezende and Mohamed's U3 (the ridge split by a bump) on the box {@code [-4, 4]^2}, {@code log Z = 2.6417}. */
    public static Target u3() {
        return new FormulaTarget("u3", 2, 2.6417, box(), RezendeMohamed::u3);
    }

    /** Rezende and Mohamed's U4 (the ridge split by a step) on the box {@code [-4, 4]^2}, {@code log Z = 2.6846}. */
    public static Target u4() {
        return new FormulaTarget("u4", 2, 2.6846, box(), RezendeMohamed::u4);
    }

    /** Neal's funnel in 10 dimensions, {@link #funnel(int) funnel(10)}. */
    public static Target funnel() {
        return funnel(10);
    }

    /**
     * Neal's funnel on rows {@code (v, x_1, ..., x_{d-1})}: {@code v ~ N(0, 3^2)}, {@code x_i | v ~ N(0, e^v)},
     * <pre>  log p = -v^2 / 18 - log(18 pi) / 2 - (d - 1)(v + log(2 pi)) / 2 - e^{-v} sum_i x_i^2 / 2,</pre>
     * normalized ({@code log Z = 0}). Needs {@code d >= 2}.
     */
    public static Target funnel(int d) {
        if (d < 2) {
            throw new IllegalArgumentException("Targets.funnel: expected at least 2 dimensions (v and one x), got " + d);
        }
        return new FormulaTarget("funnel", d, 0.0, null, Funnel::logDensity);
    }

    /**
     * The ring of 8 Gaussians: {@code p(x) = (1/8) sum_k N(x; mu_k, 0.5^2 I)} with
     * {@code mu_k = 3 (cos(2 pi k / 8), sin(2 pi k / 8))}, normalized ({@code log Z = 0}).
     */
    public static Target ring() {
        return new FormulaTarget("ring", 2, 0.0, null, new GaussianRing(8, 3.0, 0.5)::logDensity);
    }

    /** The built-in target called {@code name} (case-insensitive), one of {@link #NAMES}. */
    public static Target byName(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (key) {
            case "u1":
                return u1();
            case "u2":
                return u2();
            case "u3":
                return u3();
            case "u4":
                return u4();
            case "funnel":
                return funnel();
            case "ring":
                return ring();
            default:
                throw new IllegalArgumentException("unknown target '" + name + "'; expected one of " + NAMES);
        }
    }

    /**
     * A target on {@code d} features from plain functions of one row: {@code log p~(x)} and its gradient
     * {@code d log p~ / dx} (an array of {@code d} values). The batch's log-density calls {@code logDensity} once
     * per row, in float64; a backward pass calls {@code gradient} once per row and multiplies the result by the
     * row's upstream gradient. Cost: {@code N} calls of each per batch of {@code N} rows, on the calling thread.
     * The row array passed to either function is a fresh copy, the function's to read during the call. The
     * functions must be thread-safe if the target is used from several threads (sharded training).
     */
    public static Target fromFunction(int d, ToDoubleFunction<double[]> logDensity,
            Function<double[], double[]> gradient) {
        if (gradient == null) {
            throw new IllegalArgumentException("Targets.fromFunction: the gradient function must be given, got null "
                    + "(use fromFunction(d, logDensity) for central differences)");
        }
        return new FunctionTarget(d, logDensity, gradient);
    }

    /**
     * A target on {@code d} features from a plain {@code log p~(x)} of one row, its gradient taken by central
     * differences: {@code (f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)} with {@code h_j = eps^(1/3) max(1, |x_j|)}
     * ({@code eps^(1/3)} about {@code 6.1e-6}), which leaves about 10 correct digits for a smooth {@code f} of
     * moderate size. Cost: a forward pass calls {@code logDensity} {@code N} times; a backward pass
     * {@code 2 d N} more times. Near the edge of a support where {@code f} is {@code -infinity} the difference is
     * not finite; give an exact gradient there ({@link #fromFunction(int, ToDoubleFunction, Function)}).
     * During a backward pass the row array passed to {@code logDensity} is shifted in place between calls, so the
     * function must not keep it.
     */
    public static Target fromFunction(int d, ToDoubleFunction<double[]> logDensity) {
        return new FunctionTarget(d, logDensity, null);
    }

    /**
     * {@code log p~} of plain rows {@code [N][D]}, computed in float64 without recording a graph (for plots and
     * tables).
     */
    public static double[] logDensity(Target target, double[][] rows) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return target.logDensity(Variable.constant(Tensor.of(rows))).value().toDoubleArray();
        }
    }

    private static Box box() {
        return Box.cube(2, -BOX_HALF_WIDTH, BOX_HALF_WIDTH);
    }
}
