package org.flows4j.flows;

import java.util.ArrayList;
import java.util.List;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Dropout;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Transform;

/**
 * Ready-made flows from a {@link FlowSpec}: NICE (Dinh et al. 2014, additive coupling), RealNVP
 * (Dinh et al. 2016, affine coupling), MAF (Papamakarios et al. 2017, affine MADE), IAF (Kingma et
 * al. 2016, the inverse of MAF), and the neural spline flows of Durkan et al. 2019 with
 * rational-quadratic splines in coupling ({@code nsf}) or autoregressive ({@code nsf-ar}) form.
 *
 * <p>The transform is, data to latent,
 * {@code step_1, mix, step_2, mix, ..., step_L}, where each {@code mix} reverses the features and,
 * with {@link FlowSpec#luMixing()}, then applies a learnable {@link LULinear} starting at the identity.
 * Coupling steps transform the second half of the features given the first ({@link CouplingMask#halfSplit});
 * the reversal between steps lets every feature be transformed. Autoregressive steps use MADE in the
 * natural order. Every conditioner's last layer starts at zero, so a new flow is the identity map and
 * its density the standard normal. The same spec always builds the same initial weights. NICE ends with a
 * learnable diagonal scaling ({@link Affine}), as in Dinh et al. 2014: additive couplings preserve volume,
 * so without it the flow could not change the density's spread.
 *
 * <p>Conditioners ({@link FlowSpec#conditioner()}): coupling steps use an MLP of the {@code hidden} widths,
 * or with {@code resnet} a {@link org.flows4j.nn.ResidualNet} of {@code hidden.length} blocks of width
 * {@code hidden[0]}; autoregressive steps a MADE. With {@link FlowSpec#dropout()} {@code p > 0} the
 * conditioner of step {@code i} drops hidden units in training with masks seeded by
 * {@code Dropout(p, seed).child(i)}; the initial weights are the same as without dropout. Every
 * conditioner reads {@code B tanh(x / B)} of its input, {@code B = }{@link FlowSpec#inputBound()}
 * ({@link ConditionerInput}; 0 reads {@code x}), and with {@link FlowSpec#bothHalves()} a coupling step
 * also transforms its pass-through half with free parameters ({@link CouplingTransform}). The affine kinds'
 * log-scale is {@link AffineTransformer#softClamp()} or, with {@code affineScale = tanh}, {@code 3 tanh(u / 3)}.
 *
 * <p>Each kind is a {@link Preset} ({@link Presets}); this class lays out the steps it makes.
 *
 * <p>Fast directions: coupling flows evaluate and sample in one pass each; MAF and {@code nsf-ar}
 * evaluate densities in one pass per step and sample in {@code D}; IAF samples in one pass and
 * evaluates densities of given points in {@code D}.
 */
public final class Flows {
    /** Minimum spline bin width and height (fraction of the interval) and minimum knot derivative. */
    public static final double SPLINE_MIN = Preset.SPLINE_MIN;

    private Flows() {
    }

    /** Builds the flow described by {@code spec}, with its initial weights drawn from {@code spec.seed()}. */
    public static Flow build(FlowSpec spec) {
        return Presets.get(spec.kind()).build(spec);
    }

    /**
     * The chain {@code step_1, mix, ..., step_L, tail} of {@code preset}'s steps (see the class comment), with the
     * initial weights drawn from {@code spec.seed()}: what {@link Preset#build} does unless a preset overrides it.
     */
    public static Flow buildSteps(FlowSpec spec, Preset preset) {
        Rng rng = new Rng(spec.seed());
        List<Transform> steps = new ArrayList<>();
        int d = spec.features();
        for (int i = 0; i < spec.layers(); i++) {
            if (i > 0) {
                steps.add(Permutation.reverse(d));
                if (spec.luMixing()) {
                    steps.add(LULinear.identity(d, spec.dtype()));
                }
            }
            steps.add(preset.step(spec, new Dropout(spec.dropout(), spec.seed()).child(i), rng));
        }
        steps.addAll(preset.tail(spec));
        Transform t = steps.size() == 1 ? steps.get(0) : new Composite(steps);
        return new Flow(t, new StandardNormal(d, spec.dtype()));
    }
}
