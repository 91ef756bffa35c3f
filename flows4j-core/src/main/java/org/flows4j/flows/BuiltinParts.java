package org.flows4j.flows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flows4j.distribution.ConditionalDiagonalNormal;
import org.flows4j.distribution.DiagonalNormal;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.GaussianMixture;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.distribution.Uniform;
import org.flows4j.nn.ConvNet;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.MADE;
import org.flows4j.nn.MLP;
import org.flows4j.nn.Network;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.PartProvider;
import org.flows4j.nn.Parts;
import org.flows4j.nn.ResidualNet;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.AdditiveTransformer;
import org.flows4j.transform.Affine;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.BatchNorm;
import org.flows4j.transform.Composite;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.Exp;
import org.flows4j.transform.Inverse;
import org.flows4j.transform.InvertibleConv1x1;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.LeakyReLU;
import org.flows4j.transform.LogTails;
import org.flows4j.transform.Logit;
import org.flows4j.transform.Partial;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Sigmoid;
import org.flows4j.transform.Softplus;
import org.flows4j.transform.Squeeze;
import org.flows4j.transform.Tanh;
import org.flows4j.transform.Transform;
import org.flows4j.transform.autoregressive.AutoregressiveTransform;
import org.flows4j.transform.autoregressive.InverseAutoregressive;
import org.flows4j.transform.autoregressive.MaskedAffineAutoregressive;
import org.flows4j.transform.coupling.AdditiveCoupling;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;

/**
 * Registers the library's part types with {@link Parts} (listed in {@code META-INF/services} and provided in
 * {@code module-info}). Each factory
 * rebuilds the structure from the config with throw-away initial weights, which loading the state dict then
 * replaces; each example is a small float64 instance with seeded, non-trivial parameters ({@link Examples}).
 */
public final class BuiltinParts implements PartProvider {
    /** The provider; {@link java.util.ServiceLoader} makes it. */
    public BuiltinParts() {
    }

    /** Initial weights of rebuilt parts, overwritten when the state dict is loaded. */
    private static Rng scratch() {
        return new Rng(0);
    }

    @Override
    public void registerParts() {
        registerStructure();
        registerNetworks();
        registerTransformers();
        registerLinear();
        registerElementwise();
        registerImage();
        registerLayers();
        registerDistributions();
    }

    private static void registerStructure() {
        Parts.register("flow", Flow.class, c -> new Flow(Parts.build(c.part("transform"), Transform.class),
                Parts.build(c.part("base"), Distribution.class)), d -> Examples.flow(Examples.mixing(d)));
        Parts.register("composite", Composite.class, c -> {
            List<Transform> steps = new ArrayList<>();
            for (PartConfig s : c.parts("steps")) {
                steps.add(Parts.build(s, Transform.class));
            }
            return new Composite(steps);
        }, Examples::mixing);
        Parts.register("coupling", CouplingTransform.class, c -> new CouplingTransform(mask(c),
                c.integer("context_features"), Parts.build(c.part("transformer"), ElementwiseTransformer.class),
                conditioner(c), new ConditionerInput(c.number("input_bound")), c.bool("both_halves")),
                d -> Examples.coupling(d, Examples.spline(), false));
        Parts.register("affine-coupling", AffineCoupling.class, c -> new AffineCoupling(mask(c),
                c.integer("context_features"), Parts.build(c.part("transformer"), AffineTransformer.class),
                conditioner(c)), Examples::affineCoupling);
        Parts.register("additive-coupling", AdditiveCoupling.class, c -> new AdditiveCoupling(mask(c),
                c.integer("context_features"), conditioner(c)), Examples::additiveCoupling);
        Parts.register("autoregressive", AutoregressiveTransform.class, c -> new AutoregressiveTransform(
                Parts.build(c.part("made"), MADE.class),
                Parts.build(c.part("transformer"), ElementwiseTransformer.class),
                new ConditionerInput(c.number("input_bound"))), d -> Examples.autoregressive(d, Examples.spline()));
        Parts.register("inverse-autoregressive", InverseAutoregressive.class, c -> new InverseAutoregressive(
                Parts.build(c.part("base"), AutoregressiveTransform.class)),
                d -> new InverseAutoregressive(Examples.autoregressive(d, AffineTransformer.softClamp())));
        Parts.register("masked-affine-autoregressive", MaskedAffineAutoregressive.class,
                c -> new MaskedAffineAutoregressive(Parts.build(c.part("made"), MADE.class),
                        Parts.build(c.part("transformer"), AffineTransformer.class)), Examples::maskedAffine);
        Parts.register("inverse", Inverse.class, c -> new Inverse(Parts.build(c.part("base"), Transform.class)),
                d -> new Inverse(Examples.planar(d)));
    }

    private static void registerDistributions() {
        Parts.register("standard-normal", StandardNormal.class,
                c -> new StandardNormal(c.integer("features"), c.dtype("dtype")),
                d -> new StandardNormal(d, DType.FLOAT64));
        Parts.register("diagonal-normal", DiagonalNormal.class,
                c -> new DiagonalNormal(c.integer("features"), c.dtype("dtype")), Examples::diagonalNormal);
        Parts.register("conditional-diagonal-normal", ConditionalDiagonalNormal.class,
                c -> new ConditionalDiagonalNormal(c.integer("features"), c.integer("context_features"),
                        c.integers("hidden"), c.dtype("dtype"), scratch()), Examples::conditionalNormal);
        Parts.register("gaussian-mixture", GaussianMixture.class, c -> new GaussianMixture(c.integer("features"),
                c.integer("components"), c.dtype("dtype"), scratch()), Examples::mixture);
        Parts.register("uniform", Uniform.class, c -> new Uniform(c.numbers("low"), c.numbers("high"),
                c.dtype("dtype")), Examples::uniform);
    }

    private static void registerNetworks() {
        Parts.register("mlp", MLP.class, c -> new MLP(c.integer("in"), c.integer("context_features"),
                c.integers("hidden"), c.integer("out"), c.activation("activation"), false, dropout(c), c.dtype("dtype"),
                scratch()), d -> Examples.coupling(d, AffineTransformer.softClamp(), false));
        Parts.register("resnet", ResidualNet.class, c -> new ResidualNet(c.integer("in"), c.integer("context_features"),
                c.integer("out"), c.integer("hidden"), c.integer("blocks"), c.activation("activation"), false,
                dropout(c), c.dtype("dtype"), scratch()), d -> Examples.coupling(d, new AdditiveTransformer(), true));
        Parts.register("conv-net", ConvNet.class, c -> new ConvNet(new ImageShape(c.integer("channels"),
                c.integer("height"), c.integer("width")), c.bools("transformed"), c.integer("params_per_feature"),
                c.integer("hidden"), c.dtype("dtype"), scratch()), Examples::convCoupling);
        Parts.register("made", MADE.class, c -> new MADE(c.integer("features"), c.integer("context_features"),
                c.integers("hidden"), c.integer("outputs_per_feature"), c.activation("activation"),
                c.integers("input_degrees"), false, dropout(c), c.dtype("dtype"), scratch()),
                d -> Examples.autoregressive(d, AffineTransformer.softClamp()));
    }

    private static void registerTransformers() {
        Parts.register("affine-transformer", AffineTransformer.class,
                c -> AffineTransformer.of(c.number("bound"), c.bool("soft"), c.has("contract") && c.bool("contract")),
                d -> Examples.coupling(d, new AffineTransformer(), false));
        Parts.register("additive-transformer", AdditiveTransformer.class, c -> new AdditiveTransformer(),
                d -> Examples.coupling(d, new AdditiveTransformer(), false));
        Parts.register("rational-quadratic-transformer", RationalQuadraticTransformer.class,
                c -> new RationalQuadraticTransformer(c.integer("bins"), c.number("tail_bound"),
                        c.number("min_bin_width"), c.number("min_bin_height"), c.number("min_derivative")),
                d -> Examples.coupling(d, Examples.spline(), true));
    }

    private static void registerLinear() {
        Parts.register("permutation", Permutation.class, c -> Permutation.reverse(c.integer("features")),
                d -> Permutation.random(d, new Rng(1)));
        Parts.register("lu-linear", LULinear.class, c -> LULinear.identity(c.integer("features"), c.dtype("dtype")),
                d -> LULinear.random(d, DType.FLOAT64, new Rng(2)));
        Parts.register("affine", Affine.class, BuiltinParts::affine,
                d -> Examples.perturbed(Affine.learnable(d, DType.FLOAT64)));
    }

    private static Affine affine(PartConfig c) {
        int d = c.integer("features");
        if (!c.bool("learnable")) {
            return Affine.fixed(new double[d], ones(d), c.dtype("dtype"));
        }
        if (!c.has("form")) {
            return Affine.learnable(d, c.dtype("dtype"));
        }
        if (!c.text("form").equals(Affine.LOCATION_SCALE)) {
            throw new IllegalArgumentException("affine: expected form '" + Affine.LOCATION_SCALE + "' or none, got '"
                    + c.text("form") + "'");
        }
        return Affine.locationScale(d, c.dtype("dtype"));
    }

    private static void registerImage() {
        Parts.register("squeeze", Squeeze.class, c -> new Squeeze(image(c)), Examples::squeeze);
        Parts.register("invertible-conv1x1", InvertibleConv1x1.class, c -> new InvertibleConv1x1(image(c),
                c.dtype("dtype"), scratch()), Examples::invertibleConv);
        Parts.register("partial", Partial.class, c -> new Partial(c.integer("features"), c.integer("from"),
                Parts.build(c.part("inner"), Transform.class)), Examples::partial);
    }

    private static ImageShape image(PartConfig c) {
        return new ImageShape(c.integer("channels"), c.integer("height"), c.integer("width"));
    }

    private static void registerElementwise() {
        Parts.register("exp", Exp.class, c -> new Exp(c.integer("features")), Exp::new);
        Parts.register("sigmoid", Sigmoid.class, c -> new Sigmoid(c.integer("features")), Sigmoid::new);
        Parts.register("softplus", Softplus.class, c -> new Softplus(c.integer("features")), Softplus::new);
        Parts.register("tanh", Tanh.class, c -> new Tanh(c.integer("features")), Tanh::new);
        Parts.register("leaky-relu", LeakyReLU.class, c -> new LeakyReLU(c.integer("features"), c.number("slope")),
                d -> new LeakyReLU(d, 0.2));
        Parts.register("log-tails", LogTails.class, c -> new LogTails(c.integer("features"), c.number("bound")),
                LogTails::new);
        Parts.register("logit", Logit.class, c -> new Logit(c.integer("features"), c.number("eps")),
                d -> new Logit(d, 0.05));
    }

    private static void registerLayers() {
        Parts.register("planar", Planar.class, c -> new Planar(c.integer("features"), c.dtype("dtype"), scratch()),
                Examples::planar);
        Parts.register("radial", Radial.class, c -> new Radial(c.integer("features"), c.dtype("dtype"), scratch()),
                Examples::radial);
        Parts.register("actnorm", ActNorm.class, c -> new ActNorm(c.integer("features"),
                c.has("channels") ? c.integer("channels") : c.integer("features"), c.dtype("dtype")),
                Examples::actNorm);
        Parts.register("batch-norm", BatchNorm.class, c -> new BatchNorm(c.integer("features"), c.number("momentum"),
                c.number("eps"), c.dtype("dtype")), Examples::batchNorm);
    }

    private static CouplingMask mask(PartConfig c) {
        return CouplingMask.of(c.bools("transformed"));
    }

    /** A factory giving the conditioner of config {@code c}: the layer asks for it exactly once. */
    private static ConditionerFactory conditioner(PartConfig c) {
        return (in, context, out) -> Parts.build(c.part("conditioner"), Network.class);
    }

    private static Dropout dropout(PartConfig c) {
        return new Dropout(c.number("dropout"), c.longValue("dropout_seed"));
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1.0);
        return a;
    }
}
