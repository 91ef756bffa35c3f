package org.flows4j.vi;

import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.transform.Composite;

/**
 * Flows for variational inference: a preset's flow, ending on the data side in the bijection onto the target's
 * support when it has one.
 *
 * <p>For a target on {@code R^D} the flow is {@link Flows#build(FlowSpec)}. For a target on a box {@code B} it is
 * the same flow with {@link Supports#toBox} as its first data-to-latent step, so that sampling
 * ({@code z ~ base}, {@code x = g(z)}, {@code log q(x) = log N(z) - log |det dg/dz|}) runs the preset's inverse and
 * then {@code x = low + (high - low)(tanh(y) + 1) / 2}, and every sample lies in {@code B}.
 *
 * <p>Sampling runs each transform's inverse: cheap and closed form for {@code planar}, {@code radial}, the coupling
 * presets and {@code iaf}; {@code D} passes per step for {@code maf} and {@code nsf-ar}.
 *
 * <p>Saving: a flow with the box step is not the preset's flow (its parts differ), so it is saved as a plain flow
 * ({@code FlowModel.of(flow)}), which keeps its whole part tree; one without is the preset's flow and may name its
 * spec ({@code FlowModel.of(spec, flow)}).
 */
public final class VariationalFlows {
    private VariationalFlows() {
    }

    /**
     * The flow of {@code spec} for {@code target}, its initial weights drawn from {@code spec.seed()}; {@code spec}
     * must have the target's number of features and no context.
     */
    public static Flow build(FlowSpec spec, Target target) {
        if (spec == null || target == null) {
            throw new IllegalArgumentException("VariationalFlows.build: expected a spec and a target, got spec = "
                    + spec + ", target = " + target);
        }
        if (spec.features() != target.features()) {
            throw new IllegalArgumentException("VariationalFlows.build: the target " + target.name() + " has "
                    + target.features() + " features, the spec " + spec.features());
        }
        if (spec.contextFeatures() != 0) {
            throw new IllegalArgumentException("VariationalFlows.build: a target has no context, expected a spec with "
                    + "0 context features, got " + spec.contextFeatures());
        }
        Flow flow = Flows.build(spec);
        Box box = target.support();
        if (box == null) {
            return flow;
        }
        if (box.features() != target.features()) {
            throw new IllegalArgumentException("VariationalFlows.build: the target " + target.name() + " has "
                    + target.features() + " features but a support box of " + box.features());
        }
        return new Flow(new Composite(Supports.toBox(box, spec.dtype()), flow.transform()), flow.base());
    }
}
