package org.flows4j.flows;

import java.util.List;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.LogTails;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.autoregressive.AutoregressiveTransform;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;

/**
 * A ready-made flow: how the steps of a {@link FlowSpec} of this {@link #name() kind} are built from registered
 * parts. {@link Flows#build} lays them out as {@code step_1, mix, step_2, mix, ..., step_L, tail} (see there);
 * the model file stores the parts, not the preset, so a preset adds no special case to it. The built-in presets
 * are {@code nice}, {@code realnvp}, {@code maf}, {@code iaf}, {@code nsf}, {@code nsf-ar}, {@code planar},
 * {@code radial}, {@code glow} and {@code realnvp-image}; a new one is one
 * class implementing this interface, registered with {@link Presets#register} (or listed for
 * {@link java.util.ServiceLoader} under {@code META-INF/services/org.flows4j.flows.Preset}). The static
 * methods build the steps the built-ins use.
 */
public interface Preset {
    /** The kind name ({@link FlowSpec#kind()}), lower case. */
    String name();

    /** One line for help texts: what the preset is. */
    String description();

    /** Whether the steps are coupling layers: they need {@code D >= 2} and may use a {@code resnet} conditioner. */
    boolean isCoupling();

    /** Whether the preset models images: the spec must give {@link FlowSpec#image()} and {@link FlowSpec#levels()}. */
    default boolean isImage() {
        return false;
    }

    /** The conditioner input bound {@link FlowSpec#inputBound()} this kind uses by default. */
    double defaultInputBound();

    /** The number of steps {@link FlowSpec#defaults(String, int)} gives this kind: {@link FlowSpec#DEFAULT_LAYERS}. */
    default int defaultLayers() {
        return FlowSpec.DEFAULT_LAYERS;
    }

    /** Whether the flows of this kind can read a context; a spec with context features is refused when not. */
    default boolean takesContext() {
        return true;
    }

    /**
     * Step {@code index}'s transform; {@code dropout} is the step's own, {@code rng} draws initial weights. A preset
     * overrides either this (and {@link #tail}) or {@link #build}; the default refuses, for presets that build
     * whole flows.
     */
    default Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
        throw new UnsupportedOperationException("preset " + name() + " builds whole flows (build), not single steps");
    }

    /**
     * The flow of {@code spec} with its initial weights drawn from {@code spec.seed()}. By default the steps laid
     * out by {@link Flows#buildSteps}; presets whose flows are not a chain of like steps (the multi-scale image
     * flows) override it.
     */
    default Flow build(FlowSpec spec) {
        return Flows.buildSteps(spec, this);
    }

    /** Transforms appended after the last step (none by default). */
    default List<Transform> tail(FlowSpec spec) {
        return List.of();
    }

    /** Minimum spline bin width and height (fraction of the interval) and minimum knot derivative. */
    double SPLINE_MIN = 1e-3;

    /** The affine transformer of {@code spec}: the soft clamp or {@code 3 tanh(u / 3)} ({@link FlowSpec#affineScale()}). */
    static AffineTransformer affine(FlowSpec spec) {
        switch (spec.affineScale()) {
            case "soft":
                return AffineTransformer.softClamp();
            case "sigmoid":
                return AffineTransformer.contractive();
            default:
                return new AffineTransformer();
        }
    }

    /**
     * The tail of the affine kinds: {@link LogTails} beyond {@code spec.tailBound()} on the latent side, so that
     * a row the affine steps push far out (their shifts and scales extrapolate linearly and compound) still gets
     * a sane log-density; latents inside the bound are untouched.
     */
    static List<Transform> affineTail(FlowSpec spec) {
        return List.of(new LogTails(spec.features(), spec.tailBound()));
    }

    /** The rational-quadratic spline of {@code spec}: its bins on {@code [-tailBound, tailBound]}. */
    static RationalQuadraticTransformer spline(FlowSpec spec) {
        return new RationalQuadraticTransformer(spec.bins(), spec.tailBound(), SPLINE_MIN, SPLINE_MIN, SPLINE_MIN);
    }

    /**
     * A coupling step: the second half of the features transformed given the first, with the spec's conditioner
     * ({@code mlp} of the hidden widths or {@code resnet}), input bound and both-halves setting.
     */
    static Transform coupling(FlowSpec spec, ElementwiseTransformer transformer, Dropout dropout, Rng rng) {
        int[] hidden = spec.hidden();
        ConditionerFactory factory = spec.conditioner().equals("resnet")
                ? ConditionerFactory.resnet(hidden[0], hidden.length, spec.activation(), dropout, spec.dtype(), rng)
                : ConditionerFactory.mlp(hidden, spec.activation(), dropout, spec.dtype(), rng);
        return new CouplingTransform(CouplingMask.halfSplit(spec.features(), true), spec.contextFeatures(),
                transformer, factory, new ConditionerInput(spec.inputBound()), spec.bothHalves());
    }

    /** An autoregressive step: a MADE in the natural order with a zero-initialized output layer. */
    static AutoregressiveTransform autoregressive(FlowSpec spec, ElementwiseTransformer transformer, Dropout dropout,
            Rng rng) {
        MADE made = new MADE(spec.features(), spec.contextFeatures(), spec.hidden(), transformer.paramsPerFeature(),
                spec.activation(), MADE.naturalOrder(spec.features()), true, dropout, spec.dtype(), rng);
        return new AutoregressiveTransform(made, transformer, new ConditionerInput(spec.inputBound()));
    }
}
