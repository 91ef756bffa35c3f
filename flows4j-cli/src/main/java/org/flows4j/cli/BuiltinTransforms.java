package org.flows4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import org.flows4j.autodiff.Activation;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.Affine;
import org.flows4j.transform.BatchNorm;
import org.flows4j.transform.Exp;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.LeakyReLU;
import org.flows4j.transform.Logit;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.flows4j.transform.Sigmoid;
import org.flows4j.transform.Softplus;
import org.flows4j.transform.Tanh;
import org.flows4j.transform.Transform;
import org.flows4j.transform.coupling.AdditiveCoupling;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.CouplingMask;

/**
 * The built-in transforms {@code flows4j check} runs, by name, each built in float64 on {@code D}
 * features with seeded random parameters; {@code flow:KIND} entries are whole ready-made flows (with
 * a 2-feature context for the conditional variants {@code flow:KIND+context}).
 */
final class BuiltinTransforms {
    private BuiltinTransforms() {
    }

    static Map<String, IntFunction<Transform>> all() {
        Map<String, IntFunction<Transform>> m = new LinkedHashMap<>();
        DType f64 = DType.FLOAT64;
        m.put("affine", d -> Affine.learnable(d, f64));
        m.put("exp", Exp::new);
        m.put("sigmoid", Sigmoid::new);
        m.put("logit", Logit::new);
        m.put("tanh", Tanh::new);
        m.put("softplus", Softplus::new);
        m.put("leaky-relu", d -> new LeakyReLU(d, 0.2));
        m.put("permutation", d -> Permutation.random(d, new Rng(1)));
        m.put("lu-linear", d -> LULinear.random(d, f64, new Rng(2)));
        m.put("actnorm", d -> new ActNorm(d, f64));
        m.put("batchnorm", d -> new BatchNorm(d, f64));
        m.put("planar", d -> new Planar(d, f64, new Rng(3)));
        m.put("radial", d -> new Radial(d, f64, new Rng(4)));
        m.put("additive-coupling", d -> new AdditiveCoupling(CouplingMask.alternating(d, true), 0, new int[] {16},
                Activation.RELU, f64, new Rng(5)));
        m.put("affine-coupling", d -> new AffineCoupling(CouplingMask.alternating(d, true), 0, new int[] {16},
                Activation.RELU, f64, new Rng(6)));
        for (String kind : FlowSpec.KINDS) {
            m.put("flow:" + kind, d -> flow(kind, d, 0));
            m.put("flow:" + kind + "+context", d -> flow(kind, d, 2));
        }
        return m;
    }

    private static Transform flow(String kind, int d, int context) {
        FlowSpec spec = FlowSpec.defaults(kind, d).withLayers(2).withHidden(16, 16).withContext(context)
                .withDtype(DType.FLOAT64).withSeed(7);
        return Flows.build(spec).transform();
    }
}
