package org.flows4j.flows;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;

/**
 * The full architecture of a ready-made flow: enough to rebuild it exactly (the same layers, masks,
 * orders and initial weights) with {@link Flows#build}. A model file stores it beside the weights.
 *
 * <p>Every flow is {@code layers} steps on {@code features} dimensions; between consecutive steps the
 * features are reversed (a {@code Permutation}), followed, with {@code luMixing}, by a learnable
 * {@code LULinear} (as in the NSF paper). The base distribution is a standard normal.
 *
 * @param kind            one of {@link #KINDS}: {@code nice}, {@code realnvp}, {@code maf}, {@code iaf},
 *                        {@code nsf} (spline coupling), {@code nsf-ar} (autoregressive spline)
 * @param features        data dimensions {@code D} (at least 2 for coupling kinds)
 * @param contextFeatures context dimensions (0 for an unconditional flow)
 * @param layers          number of coupling or autoregressive steps
 * @param hidden          hidden widths of each conditioner
 * @param activation      hidden activation of each conditioner
 * @param bins            spline bins {@code K} (spline kinds only)
 * @param tailBound       spline interval {@code [-B, B]}; identity outside (spline kinds only)
 * @param luMixing        add an {@code LULinear} between steps
 * @param dtype           element type of the parameters
 * @param seed            seed of the initial weights (and of the dropout masks)
 * @param dropout         probability {@code p} in {@code [0, 1)} of zeroing each hidden unit of every
 *                        conditioner in training, with the survivors scaled by {@code 1 / (1 - p)}
 *                        ({@link org.flows4j.nn.Dropout}); 0 for none. Evaluation is unaffected.
 * @param conditioner     one of {@link #CONDITIONERS}: {@code mlp} (hidden layers of the {@code hidden}
 *                        widths, or MADE for autoregressive kinds) or {@code resnet} (coupling kinds only:
 *                        a {@link org.flows4j.nn.ResidualNet} with one residual block per entry of
 *                        {@code hidden}, all of which must then be equal)
 */
public record FlowSpec(String kind, int features, int contextFeatures, int layers, int[] hidden,
                       Activation activation, int bins, double tailBound, boolean luMixing, DType dtype, long seed,
                       double dropout, String conditioner) {

    /** The flow kinds {@link Flows#build} knows. */
    public static final List<String> KINDS = List.of("nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar");

    /** The kinds built from coupling layers, the ones a {@code resnet} conditioner is available for. */
    public static final List<String> COUPLING_KINDS = List.of("nice", "realnvp", "nsf");

    /** The conditioner networks: {@code mlp} (the default) and {@code resnet}. */
    public static final List<String> CONDITIONERS = List.of("mlp", "resnet");

    /** Validates every field; errors name the field, the expected and the actual value. */
    public FlowSpec {
        kind = kind == null ? null : kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("FlowSpec: unknown flow '" + kind + "'; expected one of " + KINDS);
        }
        boolean coupling = COUPLING_KINDS.contains(kind);
        if (features < (coupling ? 2 : 1)) {
            throw new IllegalArgumentException("FlowSpec: a " + kind + " flow needs at least " + (coupling ? 2 : 1)
                    + " features, got " + features);
        }
        if (contextFeatures < 0) {
            throw new IllegalArgumentException("FlowSpec: contextFeatures must be >= 0, got " + contextFeatures);
        }
        if (layers < 1) {
            throw new IllegalArgumentException("FlowSpec: layers must be >= 1, got " + layers);
        }
        if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("FlowSpec: hidden must be one or more positive widths, got "
                    + Arrays.toString(hidden));
        }
        hidden = hidden.clone();
        if (bins < 2) {
            throw new IllegalArgumentException("FlowSpec: bins must be >= 2, got " + bins);
        }
        if (!(tailBound > 0) || Double.isInfinite(tailBound)) {
            throw new IllegalArgumentException("FlowSpec: tailBound must be finite and > 0, got " + tailBound);
        }
        if (activation == null || dtype == null) {
            throw new IllegalArgumentException("FlowSpec: activation and dtype must be given");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("FlowSpec: dropout must be in [0, 1), got " + dropout);
        }
        conditioner = conditioner == null ? null : conditioner.toLowerCase(Locale.ROOT);
        checkConditioner(kind, conditioner, hidden);
    }

    /** A spec with the {@code mlp} conditioner and no dropout (the fields before dropout existed). */
    public FlowSpec(String kind, int features, int contextFeatures, int layers, int[] hidden, Activation activation,
            int bins, double tailBound, boolean luMixing, DType dtype, long seed) {
        this(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype, seed, 0.0, "mlp");
    }

    private static void checkConditioner(String kind, String conditioner, int[] hidden) {
        if (conditioner == null || !CONDITIONERS.contains(conditioner)) {
            throw new IllegalArgumentException("FlowSpec: unknown conditioner '" + conditioner + "'; expected one of "
                    + CONDITIONERS);
        }
        if (!conditioner.equals("resnet")) {
            return;
        }
        if (!COUPLING_KINDS.contains(kind)) {
            throw new IllegalArgumentException("FlowSpec: conditioner 'resnet' works with the coupling kinds "
                    + COUPLING_KINDS + ", got kind '" + kind + "' (use conditioner 'mlp')");
        }
        if (Arrays.stream(hidden).anyMatch(h -> h != hidden[0])) {
            throw new IllegalArgumentException("FlowSpec: conditioner 'resnet' needs equal hidden widths (one residual "
                    + "block per entry), expected " + hidden.length + " equal widths, got " + Arrays.toString(hidden));
        }
    }

    /**
     * Defaults for {@code kind} on {@code features} dimensions: 5 steps, conditioners with two hidden
     * layers of 64 ReLU units, 8 spline bins on [-3, 3], no LU mixing, float32, seed 0.
     */
    public static FlowSpec defaults(String kind, int features) {
        return new FlowSpec(kind, features, 0, 5, new int[] {64, 64}, Activation.RELU, 8, 3.0, false, DType.FLOAT32, 0);
    }

    /** The hidden widths (a copy). */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A copy with a context of {@code c} features. */
    public FlowSpec withContext(int c) {
        return new FlowSpec(kind, features, c, layers, hidden, activation, bins, tailBound, luMixing, dtype, seed, dropout,
                conditioner);
    }

    /** A copy with {@code n} steps. */
    public FlowSpec withLayers(int n) {
        return new FlowSpec(kind, features, contextFeatures, n, hidden, activation, bins, tailBound, luMixing, dtype, seed,
                dropout, conditioner);
    }

    /** A copy with these hidden widths. */
    public FlowSpec withHidden(int... h) {
        return new FlowSpec(kind, features, contextFeatures, layers, h, activation, bins, tailBound, luMixing, dtype, seed,
                dropout, conditioner);
    }

    /** A copy with {@code k} spline bins on {@code [-b, b]}. */
    public FlowSpec withSpline(int k, double b) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, k, b, luMixing, dtype, seed,
                dropout, conditioner);
    }

    /** A copy with or without LU mixing between steps. */
    public FlowSpec withLuMixing(boolean on) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, on, dtype, seed,
                dropout, conditioner);
    }

    /** A copy with this element type. */
    public FlowSpec withDtype(DType t) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, t, seed,
                dropout, conditioner);
    }

    /** A copy with this seed. */
    public FlowSpec withSeed(long s) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype, s,
                dropout, conditioner);
    }

    /** A copy with dropout rate {@code p} on the conditioners' hidden units in training. */
    public FlowSpec withDropout(double p) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, p, conditioner);
    }

    /** A copy with this conditioner network ({@code mlp} or {@code resnet}). */
    public FlowSpec withConditioner(String c) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowSpec s && kind.equals(s.kind) && features == s.features
                && contextFeatures == s.contextFeatures && layers == s.layers && Arrays.equals(hidden, s.hidden)
                && activation == s.activation && bins == s.bins && Double.compare(tailBound, s.tailBound) == 0
                && luMixing == s.luMixing && dtype == s.dtype && seed == s.seed
                && Double.compare(dropout, s.dropout) == 0 && conditioner.equals(s.conditioner);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {kind, features, contextFeatures, layers, Arrays.hashCode(hidden), activation,
            bins, tailBound, luMixing, dtype, seed, dropout, conditioner});
    }

    @Override
    public String toString() {
        return kind + "(D=" + features + ", context=" + contextFeatures + ", layers=" + layers + ", hidden="
                + Arrays.toString(hidden) + ", " + activation + (kind.startsWith("nsf") ? ", bins=" + bins
                + ", tailBound=" + tailBound : "") + (luMixing ? ", LU" : "") + (conditioner.equals("mlp") ? "" : ", "
                + conditioner) + (dropout > 0 ? ", dropout=" + dropout : "") + ", " + dtype + ", seed=" + seed + ")";
    }
}
