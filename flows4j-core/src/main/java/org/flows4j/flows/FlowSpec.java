package org.flows4j.flows;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;

/**
 * The full architecture of a ready-made flow: enough to rebuild it exactly (the same layers, masks,
 * orders and initial weights) with {@link Flows#build}. A model file stores it beside the weights.
 *
 * <p>Every flow is {@code layers} steps on {@code features} dimensions; between consecutive steps the
 * features are reversed (a {@code Permutation}), followed, with {@code luMixing}, by a learnable
 * {@code LULinear} (as in the NSF paper). The base distribution is a standard normal.
 *
 * @param kind            one of {@link #KINDS}: {@code nice}, {@code realnvp}, {@code maf}, {@code iaf},
 *                        {@code nsf} (spline coupling), {@code nsf-ar} (autoregressive spline), a kind of
 *                        {@link #VARIATIONAL_KINDS}, {@code planar} and {@code radial} (no conditioner, no context:
 *                        only {@code features}, {@code layers}, {@code luMixing}, {@code dtype} and {@code seed}
 *                        matter), or an image kind of {@link #IMAGE_KINDS}, {@code glow} and {@code realnvp-image}
 *                        ({@code layers} is then the steps per level and {@code hidden[0]} the conditioners' channels)
 * @param features        data dimensions {@code D} (at least 2 for coupling kinds)
 * @param contextFeatures context dimensions (0 for an unconditional flow)
 * @param layers          number of coupling or autoregressive steps
 * @param hidden          hidden widths of each conditioner
 * @param activation      hidden activation of each conditioner
 * @param bins            spline bins {@code K} (spline kinds only)
 * @param tailBound       spline interval {@code [-B, B]}, identity outside (spline kinds); for the affine kinds
 *                        the latent bound beyond which {@link org.flows4j.transform.LogTails} pulls latents in
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
 * @param inputBound      every conditioner reads {@code B tanh(x / B)} of its input with {@code B = inputBound}
 *                        ({@link org.flows4j.transform.ConditionerInput}), so its outputs stop growing outside
 *                        the training range; 0 for the raw input (files written before this field existed)
 * @param bothHalves      coupling kinds only: each step also transforms its pass-through half, elementwise,
 *                        with free (unconditional) parameters of the same transformer, as zuko's coupling
 *                        form does; false for the classic coupling (files written before this field existed)
 * @param affineScale     log-scale of the affine kinds (realnvp, maf, iaf), one of {@link #AFFINE_SCALES}:
 *                        {@code soft}, {@code u / (1 + |u| / ln 1000)} (the default), or {@code tanh},
 *                        {@code 3 tanh(u / 3)} (files written before this field existed), or {@code sigmoid},
 *                        {@code log sigmoid(u + 2)}, Glow's contractive scale
 * @param image           the rows' image shape {@code C x H x W} ({@code C H W = features}), or null for tabular
 *                        data; required by the image presets ({@link Preset#isImage()}), and used by
 *                        {@code flows4j sample} to draw sample grids
 * @param levels          image presets: the number of levels {@code L} of the multi-scale architecture (each
 *                        squeezes the image, and all but the last factor out half of the channels); the image's
 *                        height and width must be divisible by {@code 2^L}. 1 for other kinds
 */
public record FlowSpec(String kind, int features, int contextFeatures, int layers, int[] hidden,
                       Activation activation, int bins, double tailBound, boolean luMixing, DType dtype, long seed,
                       double dropout, String conditioner, double inputBound, boolean bothHalves, String affineScale,
                       ImageShape image, int levels) {

    /** The built-in flow kinds; {@link Presets#names()} adds any registered preset. */
    public static final List<String> KINDS = List.of("nice", "realnvp", "maf", "iaf", "nsf", "nsf-ar");

    /**
     * The built-in kinds for variational inference: chains of Rezende and Mohamed's planar or radial steps, which
     * sample in closed form (their {@code inverse}) and take no context.
     */
    public static final List<String> VARIATIONAL_KINDS = List.of("planar", "radial");

    /** The built-in image kinds (multi-scale, convolutional); they need {@link #image()}. */
    public static final List<String> IMAGE_KINDS = List.of("glow", "realnvp-image");

    /**
     * The defaults for {@code kind} on images of {@code image}: {@link #defaults(String, int)} with that shape,
     * {@code levels} levels and, for the image kinds, {@code K = layers} steps per level.
     */
    public static FlowSpec defaults(String kind, ImageShape image, int levels) {
        return new FlowSpec(kind, image.features(), 0, DEFAULT_LAYERS, new int[] {DEFAULT_WIDTH, DEFAULT_WIDTH},
                Activation.RELU, DEFAULT_BINS, DEFAULT_TAIL_BOUND, false, DType.FLOAT32, 0, 0.0, "mlp",
                defaultInputBound(kind), true, "soft", image, levels);
    }

    /** Default {@link #inputBound} of the affine and additive kinds, in standardized units (docs/FIT_QUALITY.md). */
    public static final double DEFAULT_INPUT_BOUND = 3.0;

    /**
     * The default {@link #inputBound} of {@code kind}: {@link #DEFAULT_INPUT_BOUND} for nice, realnvp, maf and
     * iaf, 0 for the spline kinds. Measured on fmnist49 (docs/FIT_QUALITY.md): the bound took MAF from -119.5 to
     * -130.5 and RealNVP's lowest test log-density from -821,179 to about -1,500 (affine shifts extrapolate
     * linearly and compound across steps); for nsf it cost 4-8 nats (-146.8 without, -137.5 to -138.5 with),
     * for nsf-ar it made no consistent difference (-148.5, -148.3, -145.2 with; -146.9, -147.4 without). A
     * spline maps [-B, B] into itself and is the identity outside, so spline flows have nothing to compound.
     */
    public static double defaultInputBound(String kind) {
        return Presets.get(kind).defaultInputBound();
    }

    /** Default number of steps. */
    public static final int DEFAULT_LAYERS = 5;
    /** Default width of each of the conditioners' two hidden layers. */
    public static final int DEFAULT_WIDTH = 64;
    /** Default spline bins. */
    public static final int DEFAULT_BINS = 8;
    /** Default spline interval {@code [-B, B]}, standardized units. */
    public static final double DEFAULT_TAIL_BOUND = 4.0;

    /** The affine log-scale forms: {@code soft} (the default) and {@code tanh}. */
    public static final List<String> AFFINE_SCALES = List.of("soft", "tanh", "sigmoid");

    /** The conditioner networks: {@code mlp} (the default) and {@code resnet}. */
    public static final List<String> CONDITIONERS = List.of("mlp", "resnet");

    /** The tabular kinds built from coupling layers, the ones a {@code resnet} conditioner is available for. */
    public static List<String> couplingKinds() {
        return Presets.names().stream().filter(k -> Presets.get(k).isCoupling() && !Presets.get(k).isImage()).toList();
    }

    /** Validates every field; errors name the field, the expected and the actual value. */
    public FlowSpec {
        kind = kind == null ? null : kind.toLowerCase(Locale.ROOT);
        if (!Presets.exists(kind)) {
            throw new IllegalArgumentException("FlowSpec: unknown flow '" + kind + "'; expected one of "
                    + Presets.names());
        }
        boolean coupling = Presets.get(kind).isCoupling();
        if (features < (coupling ? 2 : 1)) {
            throw new IllegalArgumentException("FlowSpec: a " + kind + " flow needs at least " + (coupling ? 2 : 1)
                    + " features, got " + features);
        }
        if (contextFeatures < 0) {
            throw new IllegalArgumentException("FlowSpec: contextFeatures must be >= 0, got " + contextFeatures);
        }
        if (contextFeatures > 0 && !Presets.get(kind).takesContext()) {
            throw new IllegalArgumentException("FlowSpec: a " + kind + " flow takes no context, expected 0 context "
                    + "features, got " + contextFeatures);
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
        affineScale = affineScale == null ? null : affineScale.toLowerCase(Locale.ROOT);
        if (!AFFINE_SCALES.contains(affineScale)) {
            throw new IllegalArgumentException("FlowSpec: unknown affineScale '" + affineScale + "'; expected one of "
                    + AFFINE_SCALES);
        }
        checkImage(kind, features, image, levels);
        if (!(inputBound >= 0) || Double.isInfinite(inputBound)) {
            throw new IllegalArgumentException("FlowSpec: inputBound must be finite and >= 0 (0 for none), got "
                    + inputBound);
        }
    }

    /**
     * A spec with the {@code mlp} conditioner, no dropout, and the current defaults
     * {@link #defaultInputBound(String)} and {@code bothHalves = true}.
     */
    public FlowSpec(String kind, int features, int contextFeatures, int layers, int[] hidden, Activation activation,
            int bins, double tailBound, boolean luMixing, DType dtype, long seed) {
        this(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype, seed, 0.0, "mlp",
                defaultInputBound(kind), true, "soft", null, 1);
    }

    private static void checkImage(String kind, int features, ImageShape image, int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("FlowSpec: levels must be >= 1, got " + levels);
        }
        if (image != null && image.features() != features) {
            throw new IllegalArgumentException("FlowSpec: image " + image + " has " + image.features()
                    + " values, expected " + features + " (the features)");
        }
        if (!Presets.get(kind).isImage()) {
            return;
        }
        if (image == null) {
            throw new IllegalArgumentException("FlowSpec: a " + kind + " flow needs an image shape CxHxW, got none");
        }
        int scale = 1 << Math.min(levels, 30);
        if (levels > 30 || image.height() % scale != 0 || image.width() % scale != 0) {
            throw new IllegalArgumentException("FlowSpec: " + levels + " levels halve the image " + levels
                    + " times, so its height and width must be divisible by " + (levels > 30 ? "2^" + levels : scale)
                    + ", got " + image);
        }
    }

    private static void checkConditioner(String kind, String conditioner, int[] hidden) {
        if (conditioner == null || !CONDITIONERS.contains(conditioner)) {
            throw new IllegalArgumentException("FlowSpec: unknown conditioner '" + conditioner + "'; expected one of "
                    + CONDITIONERS);
        }
        if (!conditioner.equals("resnet")) {
            return;
        }
        if (!couplingKinds().contains(kind)) {
            throw new IllegalArgumentException("FlowSpec: conditioner 'resnet' works with the coupling kinds "
                    + couplingKinds() + ", got kind '" + kind + "' (use conditioner 'mlp')");
        }
        if (Arrays.stream(hidden).anyMatch(h -> h != hidden[0])) {
            throw new IllegalArgumentException("FlowSpec: conditioner 'resnet' needs equal hidden widths (one residual "
                    + "block per entry), expected " + hidden.length + " equal widths, got " + Arrays.toString(hidden));
        }
    }

    /**
     * The defaults of the library and of {@code flows4j train} for {@code kind} on {@code features} dimensions:
     * the preset's {@link Preset#defaultLayers() default number of steps} ({@value #DEFAULT_LAYERS}; 16 for
     * {@code planar} and {@code radial}), conditioners with two hidden layers of {@value #DEFAULT_WIDTH} ReLU units,
     * {@value #DEFAULT_BINS} spline bins on [-4, 4], no LU mixing, float32, seed 0, the conditioner input bound of
     * {@link #defaultInputBound(String)}, both halves of coupling steps transformed, the soft-clamp affine scale.
     */
    public static FlowSpec defaults(String kind, int features) {
        return new FlowSpec(kind, features, 0, Presets.get(kind).defaultLayers(), new int[] {DEFAULT_WIDTH, DEFAULT_WIDTH},
                Activation.RELU, DEFAULT_BINS, DEFAULT_TAIL_BOUND, false, DType.FLOAT32, 0);
    }

    /** The hidden widths (a copy). */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A copy with a context of {@code c} features. */
    public FlowSpec withContext(int c) {
        return new FlowSpec(kind, features, c, layers, hidden, activation, bins, tailBound, luMixing, dtype, seed, dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with {@code n} steps. */
    public FlowSpec withLayers(int n) {
        return new FlowSpec(kind, features, contextFeatures, n, hidden, activation, bins, tailBound, luMixing, dtype, seed,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with these hidden widths. */
    public FlowSpec withHidden(int... h) {
        return new FlowSpec(kind, features, contextFeatures, layers, h, activation, bins, tailBound, luMixing, dtype, seed,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with {@code k} spline bins on {@code [-b, b]}. */
    public FlowSpec withSpline(int k, double b) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, k, b, luMixing, dtype, seed,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with or without LU mixing between steps. */
    public FlowSpec withLuMixing(boolean on) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, on, dtype, seed,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with this element type. */
    public FlowSpec withDtype(DType t) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, t, seed,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with this seed. */
    public FlowSpec withSeed(long s) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype, s,
                dropout, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with dropout rate {@code p} on the conditioners' hidden units in training. */
    public FlowSpec withDropout(double p) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, p, conditioner, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy with this conditioner network ({@code mlp} or {@code resnet}). */
    public FlowSpec withConditioner(String c) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, c, inputBound, bothHalves, affineScale, image, levels);
    }

    /** A copy whose conditioners read {@code B tanh(x / B)} with {@code B = bound} (0: the raw input). */
    public FlowSpec withInputBound(double bound) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, conditioner, bound, bothHalves, affineScale, image, levels);
    }

    /** A copy whose coupling steps do (or do not) also transform their pass-through half. */
    public FlowSpec withBothHalves(boolean on) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, conditioner, inputBound, on, affineScale, image, levels);
    }

    /** A copy for images of {@code shape} (or tabular rows, for null) with {@code l} levels. */
    public FlowSpec withImage(ImageShape shape, int l) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, conditioner, inputBound, bothHalves, affineScale, shape, l);
    }

    /** A copy with this affine log-scale form ({@code soft} or {@code tanh}). */
    public FlowSpec withAffineScale(String form) {
        return new FlowSpec(kind, features, contextFeatures, layers, hidden, activation, bins, tailBound, luMixing, dtype,
                seed, dropout, conditioner, inputBound, bothHalves, form, image, levels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowSpec s && kind.equals(s.kind) && features == s.features
                && contextFeatures == s.contextFeatures && layers == s.layers && Arrays.equals(hidden, s.hidden)
                && activation == s.activation && bins == s.bins && Double.compare(tailBound, s.tailBound) == 0
                && luMixing == s.luMixing && dtype == s.dtype && seed == s.seed
                && Double.compare(dropout, s.dropout) == 0 && conditioner.equals(s.conditioner)
                && Double.compare(inputBound, s.inputBound) == 0 && bothHalves == s.bothHalves
                && affineScale.equals(s.affineScale) && java.util.Objects.equals(image, s.image) && levels == s.levels;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {kind, features, contextFeatures, layers, Arrays.hashCode(hidden), activation,
            bins, tailBound, luMixing, dtype, seed, dropout, conditioner, inputBound, bothHalves, affineScale, image, levels});
    }

    @Override
    public String toString() {
        return kind + "(D=" + features + ", context=" + contextFeatures + ", layers=" + layers + ", hidden="
                + Arrays.toString(hidden) + ", " + activation + (kind.startsWith("nsf") ? ", bins=" + bins
                + ", tailBound=" + tailBound : "") + (luMixing ? ", LU" : "") + (conditioner.equals("mlp") ? "" : ", "
                + conditioner) + (dropout > 0 ? ", dropout=" + dropout : "") + ", inputBound=" + inputBound
                + (bothHalves && Presets.get(kind).isCoupling() ? ", both halves" : "")
                + (kind.equals("realnvp") || kind.equals("maf") || kind.equals("iaf") ? ", scale=" + affineScale : "")
                + (image == null ? "" : ", image=" + image) + (Presets.get(kind).isImage() ? ", levels=" + levels : "")
                + ", " + dtype + ", seed=" + seed + ")";
    }
}
