package org.flows4j.flows;

import org.flows4j.autodiff.Activation;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Dropout;
import org.flows4j.nn.MADE;
import org.flows4j.nn.Module;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Composite;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.autoregressive.AutoregressiveTransform;
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
        Rng rng = new Rng(6);
        MADE made = new MADE(d, 0, HIDDEN, transformer.paramsPerFeature(), Activation.RELU, MADE.randomOrder(d, rng),
                false, Dropout.NONE, F64, rng);
        return perturbed(new AutoregressiveTransform(made, transformer, new ConditionerInput(2.0)));
    }
}
