package org.flows4j.flows;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.ConditionalDiagonalNormal;
import org.flows4j.distribution.DiagonalNormal;
import org.flows4j.distribution.GaussianMixture;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.distribution.Uniform;
import org.flows4j.nn.ConvNet;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.MADE;
import org.flows4j.nn.Module;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.BatchNorm;
import org.flows4j.transform.Composite;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.InvertibleConv1x1;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Partial;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Squeeze;
import org.flows4j.transform.Transform;
import org.flows4j.transform.autoregressive.AutoregressiveTransform;
import org.flows4j.transform.autoregressive.MaskedAffineAutoregressive;
import org.flows4j.transform.coupling.AdditiveCoupling;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.ConditionerFactory;
import org.flows4j.transform.coupling.CouplingMask;
import org.flows4j.transform.coupling.CouplingTransform;

/**
 * Small float64 instances of the built-in part types, the registry's examples: seeded, with every parameter
 * moved off its initial value ({@code theta + 0.3 * N(0, 1)}), so that a wrong save, load or gradient shows.
 */
final class Examples {
    private static final DType F64 = DType.FLOAT64;
    private static final int[] HIDDEN = {8, 8};
    /** Context columns of the conditional examples. */
    static final int CONTEXT = 2;

    private Examples() {
    }

    /** {@code module} with {@code 0.3 * N(0, 1)} added to every parameter entry (seed 11). */
    static <M extends Module> M perturbed(M module) {
        Rng rng = new Rng(11);
        for (Parameter p : module.parameters().values()) {
            for (int i = 0; i < p.value().numel(); i++) {
                p.value().set(i, p.value().get(i) + 0.3 * rng.nextGaussian());
            }
        }
        return module;
    }

    /** A flow of {@code transform} over a float64 standard normal. */
    static Flow flow(Transform transform) {
        return new Flow(transform, new StandardNormal(transform.features(), F64));
    }

    /** A random permutation followed by a random LU-linear map. */
    static Composite mixing(int d) {
        return perturbed(new Composite(Permutation.random(d, new Rng(1)), LULinear.random(d, F64, new Rng(2))));
    }

    /** A 4-bin spline on [-3, 3]. */
    static RationalQuadraticTransformer spline() {
        return new RationalQuadraticTransformer(4, 3.0, 1e-3, 1e-3, 1e-3);
    }

    /** A coupling layer with the given transformer, an MLP (or residual) conditioner and both halves transformed. */
    static CouplingTransform coupling(int d, ElementwiseTransformer transformer, boolean resnet) {
        Rng rng = new Rng(5);
        ConditionerFactory f = resnet ? ConditionerFactory.resnet(8, 2, Activation.RELU, Dropout.NONE, F64, rng)
                : ConditionerFactory.mlp(HIDDEN, Activation.RELU, Dropout.NONE, F64, rng);
        return perturbed(new CouplingTransform(CouplingMask.alternating(d, true), 0, transformer, f,
                new ConditionerInput(2.0), true));
    }

    /** An autoregressive layer with the given transformer over a MADE in a random order. */
    static AutoregressiveTransform autoregressive(int d, ElementwiseTransformer transformer) {
        MADE made = made(d, 0, transformer.paramsPerFeature(), new Rng(6));
        return perturbed(new AutoregressiveTransform(made, transformer, new ConditionerInput(2.0)));
    }

    /** A MADE on {@code d} features in a random order, with {@code context} context columns. */
    private static MADE made(int d, int context, int outputsPerFeature, Rng rng) {
        return new MADE(d, context, HIDDEN, outputsPerFeature, Activation.RELU, MADE.randomOrder(d, rng), false,
                Dropout.NONE, F64, rng);
    }

    /** A MAF layer with the soft-clamped affine transformer over a MADE that reads a context of 2 columns. */
    static MaskedAffineAutoregressive maskedAffine(int d) {
        MADE made = made(d, CONTEXT, 2, new Rng(12));
        return perturbed(new MaskedAffineAutoregressive(made, AffineTransformer.softClamp()));
    }

    /** An additive coupling layer (odd features transformed) with an MLP conditioner. */
    static AdditiveCoupling additiveCoupling(int d) {
        return perturbed(new AdditiveCoupling(CouplingMask.alternating(d, true), 0,
                ConditionerFactory.mlp(HIDDEN, Activation.TANH, F64, new Rng(13))));
    }

    /**
     * An affine coupling layer (even features transformed) with the soft-clamped transformer and an MLP
     * conditioner that reads a context of 2 columns.
     */
    static AffineCoupling affineCoupling(int d) {
        return perturbed(new AffineCoupling(CouplingMask.alternating(d, false), CONTEXT, AffineTransformer.softClamp(),
                ConditionerFactory.mlp(HIDDEN, Activation.RELU, F64, new Rng(14))));
    }

    /** Image shape of the image examples: 2 channels of 2 x 4 pixels (16 features, whatever {@code D}). */
    static final ImageShape IMAGE = new ImageShape(2, 2, 4);

    /**
     * A squeeze of a {@link #IMAGE} row, as a flow of its own 16 features, followed by a perturbed random mixing so
     * that a wrong order shows in the density.
     */
    static Flow squeeze(int d) {
        return flow(new Composite(new Squeeze(IMAGE), mixing(IMAGE.features())));
    }

    /** An invertible 1x1 convolution on {@link #IMAGE} rows (a flow of their 16 features), perturbed. */
    static Flow invertibleConv(int d) {
        return flow(perturbed(new InvertibleConv1x1(IMAGE, F64, new Rng(17))));
    }

    /** A random mixing of 3 features inside {@code d + 2} (features 1, 2, 3), as a flow of its own {@code d + 2} features. */
    static Flow partial(int d) {
        return flow(new Partial(d + 2, 1, mixing(3)));
    }

    /**
     * A checkerboard affine coupling on {@link #IMAGE} rows (a flow of their 16 features) with a {@link ConvNet}
     * conditioner of 4 hidden channels, perturbed (so the zero-initialized last layer is not zero), then a
     * per-channel ActNorm initialized from a batch.
     */
    static Flow convCoupling(int d) {
        CouplingMask mask = CouplingMask.checkerboard(IMAGE, true);
        Rng rng = new Rng(18);
        AffineCoupling c = perturbed(new AffineCoupling(mask, 0, AffineTransformer.softClamp(),
                (in, context, out) -> new ConvNet(IMAGE, mask.toArray(), 2, 4, F64, rng)));
        ActNorm a = new ActNorm(IMAGE, F64);
        a.train(true);
        a.forward(Variable.constant(batch(IMAGE.features(), new Rng(19))));
        a.train(false);
        return flow(new Composite(c, perturbed(a)));
    }

    /** A planar layer (seed 3). */
    static Planar planar(int d) {
        return perturbed(new Planar(d, F64, new Rng(3)));
    }

    /** A radial layer (seed 4). */
    static Radial radial(int d) {
        return perturbed(new Radial(d, F64, new Rng(4)));
    }

    /**
     * An ActNorm initialized from a seeded batch with mean about 1 and standard deviation about 2 (so its flag
     * {@code initialized} is set), then perturbed.
     */
    static ActNorm actNorm(int d) {
        ActNorm a = new ActNorm(d, F64);
        a.train(true);
        a.forward(Variable.constant(batch(d, new Rng(15))));
        return perturbed(a);
    }

    /**
     * A batch norm (momentum 0.3, eps 1e-4) whose running statistics have moved off 0 and 1 over three training
     * batches, then perturbed; left in training mode.
     */
    static BatchNorm batchNorm(int d) {
        BatchNorm b = new BatchNorm(d, 0.3, 1e-4, F64);
        b.train(true);
        Rng rng = new Rng(16);
        for (int i = 0; i < 3; i++) {
            b.forward(Variable.constant(batch(d, rng)));
        }
        return perturbed(b);
    }

    /** 16 rows of {@code 1 + 2 N(0, 1)} per feature. */
    private static Tensor batch(int d, Rng rng) {
        Tensor x = Tensor.randn(rng, F64, 16, d);
        for (int i = 0; i < x.numel(); i++) {
            x.set(i, 1 + 2 * x.get(i));
        }
        return x;
    }

    /** A diagonal normal with perturbed mean and log-scale. */
    static DiagonalNormal diagonalNormal(int d) {
        return perturbed(new DiagonalNormal(d, F64));
    }

    /** A normal whose mean and log-scale come from a context of 2 columns through an MLP (seed 17). */
    static ConditionalDiagonalNormal conditionalNormal(int d) {
        return perturbed(new ConditionalDiagonalNormal(d, CONTEXT, HIDDEN, F64, new Rng(17)));
    }

    /** A mixture of 3 Gaussians (seed 18). */
    static GaussianMixture mixture(int d) {
        return perturbed(new GaussianMixture(d, 3, F64, new Rng(18)));
    }

    /** The box {@code [-6 - j/2, 5 + 0.7 j]} in feature {@code j}: wide enough for most, not all, test rows. */
    static Uniform uniform(int d) {
        double[] low = new double[d];
        double[] high = new double[d];
        for (int j = 0; j < d; j++) {
            low[j] = -6 - 0.5 * j;
            high[j] = 5 + 0.7 * j;
        }
        return new Uniform(low, high, F64);
    }
}
