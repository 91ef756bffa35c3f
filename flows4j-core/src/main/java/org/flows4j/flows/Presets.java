package org.flows4j.flows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.flows4j.nn.Dropout;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.AdditiveTransformer;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Transform;
import org.flows4j.transform.autoregressive.InverseAutoregressive;

/**
 * The registry of {@link Preset}s by name: the built-ins (six tabular, two for variational inference, two image),
 * then any found by {@link ServiceLoader} or added with {@link #register}. Thread-safe.
 */
public final class Presets {
    /**
     * NICE (Dinh et al. 2014): additive coupling steps and a final learnable diagonal scaling, since additive
     * couplings preserve volume.
     */
    static final Preset NICE = new Builtin("nice", "additive coupling (NICE) with a final diagonal scaling", true,
            FlowSpec.DEFAULT_INPUT_BOUND) {
        @Override
        public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
            return Preset.coupling(spec, new AdditiveTransformer(), dropout, rng);
        }

        @Override
        public List<Transform> tail(FlowSpec spec) {
            return List.of(Affine.learnable(spec.features(), spec.dtype()));
        }
    };

    private static final Map<String, Preset> BY_NAME = new LinkedHashMap<>();
    private static boolean loaded;

    static {
        for (Preset p : builtins()) {
            BY_NAME.put(p.name(), p);
        }
    }

    private Presets() {
    }

    private static List<Preset> builtins() {
        return List.of(NICE,
                new AffineBuiltin("realnvp", "affine coupling (RealNVP)", true) {
                    @Override
                    public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
                        return Preset.coupling(spec, Preset.affine(spec), dropout, rng);
                    }
                },
                new AffineBuiltin("maf", "affine autoregressive (MAF): fast density, sampling in D passes", false) {
                    @Override
                    public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
                        return Preset.autoregressive(spec, Preset.affine(spec), dropout, rng);
                    }
                },
                new AffineBuiltin("iaf", "inverse affine autoregressive (IAF): fast sampling, density in D passes",
                        false) {
                    @Override
                    public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
                        return new InverseAutoregressive(Preset.autoregressive(spec, Preset.affine(spec), dropout,
                                rng));
                    }
                },
                new Builtin("nsf", "rational-quadratic spline coupling (NSF)", true, 0.0) {
                    @Override
                    public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
                        return Preset.coupling(spec, Preset.spline(spec), dropout, rng);
                    }
                },
                new Builtin("nsf-ar", "rational-quadratic spline, autoregressive (NSF-AR)", false, 0.0) {
                    @Override
                    public Transform step(FlowSpec spec, Dropout dropout, Rng rng) {
                        return Preset.autoregressive(spec, Preset.spline(spec), dropout, rng);
                    }
                },
                new ChainPreset("planar", "planar steps (Rezende & Mohamed 2015) over a learnable diagonal Gaussian: "
                        + "closed-form sampling, for variational inference", VariationalChains::planar),
                new ChainPreset("radial", "radial steps (Rezende & Mohamed 2015) over a learnable diagonal Gaussian: "
                        + "closed-form sampling, for variational inference", VariationalChains::radial),
                new ImagePreset("glow", "Glow on images: squeeze, then ActNorm, invertible 1x1 convolution and "
                        + "convolutional affine coupling per step, levels splitting off half the channels") {
                    @Override
                    public Flow build(FlowSpec spec) {
                        return ImageFlows.glow(spec);
                    }
                },
                new ImagePreset("realnvp-image", "multi-scale RealNVP on images: logit, checkerboard and "
                        + "channel-wise convolutional affine couplings, levels splitting off half the channels") {
                    @Override
                    public Flow build(FlowSpec spec) {
                        return ImageFlows.realnvpImage(spec);
                    }
                });
    }

    /** Registers {@code preset}; a second one of the same name replaces the first only if it is the same class. */
    public static synchronized void register(Preset preset) {
        String name = preset.name().toLowerCase(Locale.ROOT);
        Preset old = BY_NAME.get(name);
        if (old != null && old.getClass() != preset.getClass()) {
            throw new IllegalArgumentException("Presets.register: the name '" + name + "' is taken by "
                    + old.getClass().getName());
        }
        BY_NAME.put(name, preset);
    }

    /** The preset named {@code name} (case-insensitive). */
    public static synchronized Preset get(String name) {
        ensureLoaded();
        Preset p = name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown flow '" + name + "'; expected one of " + BY_NAME.keySet());
        }
        return p;
    }

    /** Whether a preset is named {@code name}. */
    public static synchronized boolean exists(String name) {
        ensureLoaded();
        return name != null && BY_NAME.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Every preset's name, the built-ins first. */
    public static synchronized List<String> names() {
        ensureLoaded();
        return List.copyOf(new ArrayList<>(BY_NAME.keySet()));
    }

    private static void ensureLoaded() {
        if (!loaded) {
            loaded = true;
            for (Preset p : ServiceLoader.load(Preset.class, Presets.class.getClassLoader())) {
                register(p);
            }
        }
    }

    /**
     * A built-in chain of planar or radial steps ({@link VariationalChains}): no conditioner, no context,
     * {@value VariationalChains#DEFAULT_LAYERS} steps by default.
     */
    private static final class ChainPreset extends Builtin {
        private final Function<FlowSpec, Flow> builder;

        ChainPreset(String name, String description, Function<FlowSpec, Flow> builder) {
            super(name, description, false, 0.0);
            this.builder = builder;
        }

        @Override
        public Flow build(FlowSpec spec) {
            return builder.apply(spec);
        }

        @Override
        public int defaultLayers() {
            return VariationalChains.DEFAULT_LAYERS;
        }

        @Override
        public boolean takesContext() {
            return false;
        }
    }

    /** A built-in image preset: coupling, no conditioner input bound, needs the spec's image shape and levels. */
    private abstract static class ImagePreset extends Builtin {
        ImagePreset(String name, String description) {
            super(name, description, true, 0.0);
        }

        @Override
        public boolean isImage() {
            return true;
        }
    }

    /** A built-in affine preset: the default input bound, and {@link Preset#affineTail} after the last step. */
    private abstract static class AffineBuiltin extends Builtin {
        AffineBuiltin(String name, String description, boolean coupling) {
            super(name, description, coupling, FlowSpec.DEFAULT_INPUT_BOUND);
        }

        @Override
        public List<Transform> tail(FlowSpec spec) {
            return Preset.affineTail(spec);
        }
    }

    /** A built-in preset: name, description, whether it couples, default input bound. */
    private abstract static class Builtin implements Preset {
        private final String name;
        private final String description;
        private final boolean coupling;
        private final double inputBound;

        Builtin(String name, String description, boolean coupling, double inputBound) {
            this.name = name;
            this.description = description;
            this.coupling = coupling;
            this.inputBound = inputBound;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public boolean isCoupling() {
            return coupling;
        }

        @Override
        public double defaultInputBound() {
            return inputBound;
        }
    }
}
