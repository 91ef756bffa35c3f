package org.flows4j.transform.coupling;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Network;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * Coupling layer (Dinh et al. 2014, 2016): the features split by a {@link CouplingMask} into a
 * pass-through set {@code A} and a transformed set {@code B}, and
 * <pre>
 *   theta = conditioner(x_A, context)            reshaped to [N, |B|, P]
 *   y_A = x_A,   y_B = tau(x_B; theta)           (an {@link ElementwiseTransformer})
 *   inverse: x_A = y_A, theta = conditioner(y_A, context), x_B = tau^-1(y_B; theta)
 * </pre>
 * Ordering the features as {@code (A, B)}, the Jacobian is block lower-triangular,
 * {@code [[I, 0], [d tau / d x_A, diag(tau'(x_B))]]}, so {@code log |det J| = sum_{k in B} log |tau'(x_k)|},
 * which is the transformer's log-det; the conditioner can be any network and is never inverted. Both
 * directions cost one conditioner pass plus the transformer.
 *
 * <p>The conditioner's output column {@code k * P + p} is parameter {@code p} of the {@code k}-th
 * feature of {@code B} (ascending index order). The context, when {@code contextFeatures > 0}, goes to
 * the conditioner only. Subclasses fix the transformer ({@link AffineCoupling}, {@link AdditiveCoupling});
 * any other transformer, such as a spline, plugs in through this class. Parameters: {@code conditioner.*}.
 *
 * <p><b>Both halves.</b> With {@code bothHalves} the pass-through set gets an elementwise transform too, with
 * free parameters {@code phi} ({@code pass_through}, {@code [1, |A| * P]}, zero at the start, so the layer
 * still starts as the identity): {@code y_A = tau(x_A; phi)}, while the conditioner still reads {@code x_A};
 * the inverse first recovers {@code x_A = tau^-1(y_A; phi)}. The Jacobian stays block lower-triangular and
 * the log-det gains {@code sum_{k in A} log |tau'(x_k; phi)|}. This is the coupling zuko builds (a masked
 * autoregressive transform with two passes); for a spline it gives every step a learnable marginal
 * reshaping of the pass-through features, which took NSF's held-out NLL on fmnist49 from -135.5 to -142.8
 * (docs/FIT_QUALITY.md).
 *
 * <p>{@link ConditionerInput} sets what the conditioner reads of {@code x_A} (the raw values by default).
 */
public class CouplingTransform extends Transform implements Part {
    private final CouplingMask mask;
    private final ElementwiseTransformer transformer;
    private final Network conditioner;
    private final int[] identity;
    private final int[] transformed;
    private final int[] merge;
    private final ConditionerInput input;
    private final Parameter passThrough;

    /**
     * A coupling layer on {@code mask.features()} features with {@code contextFeatures} context columns
     * (0 for none), the given transformer, and a conditioner built by {@code factory} with
     * {@code |A|} inputs and {@code |B| * P} outputs.
     */
    public CouplingTransform(CouplingMask mask, int contextFeatures, ElementwiseTransformer transformer,
            ConditionerFactory factory) {
        this(mask, contextFeatures, transformer, factory, ConditionerInput.none(), false);
    }

    /**
     * As {@link #CouplingTransform(CouplingMask, int, ElementwiseTransformer, ConditionerFactory)}, with the
     * conditioner reading {@code input.apply(x_A)} instead of {@code x_A} and, with {@code bothHalves}, the
     * pass-through set transformed by free parameters (see the class comment).
     */
    public CouplingTransform(CouplingMask mask, int contextFeatures, ElementwiseTransformer transformer,
            ConditionerFactory factory, ConditionerInput input, boolean bothHalves) {
        super(mask.features(), contextFeatures);
        this.input = input;
        this.mask = mask;
        this.transformer = transformer;
        this.identity = mask.identityFeatures();
        this.transformed = mask.transformedFeatures();
        int out = transformed.length * transformer.paramsPerFeature();
        Network net = factory.create(identity.length, contextFeatures, out);
        if (net.inFeatures() != identity.length || net.contextFeatures() != contextFeatures
                || net.outFeatures() != out) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the conditioner must map "
                    + identity.length + " inputs and " + contextFeatures + " context features to " + out
                    + " outputs, got " + net.inFeatures() + ", " + net.contextFeatures() + " and " + net.outFeatures());
        }
        this.conditioner = registerModule("conditioner", net);
        this.passThrough = bothHalves ? registerParameter("pass_through",
                Tensor.zeros(net.parameters().values().iterator().next().value().dtype(), 1,
                        identity.length * transformer.paramsPerFeature())) : null;
        this.merge = new int[mask.features()];
        for (int a = 0; a < identity.length; a++) {
            merge[identity[a]] = a;
        }
        for (int b = 0; b < transformed.length; b++) {
            merge[transformed[b]] = identity.length + b;
        }
    }

    /** The split into pass-through and transformed features. */
    public final CouplingMask mask() {
        return mask;
    }

    /** The elementwise transformer applied to set B. */
    public final ElementwiseTransformer transformer() {
        return transformer;
    }

    /** The network computing the transformer's parameters from set A and the context. */
    public final Network conditioner() {
        return conditioner;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable xA = IndexOps.gather(x, identity);
        Transformed t = transformer.forward(IndexOps.gather(x, transformed), params(xA, context));
        if (passThrough != null) {
            Transformed a = transformer.forwardShared(xA, passThroughParams());
            return new Transformed(IndexOps.gather(IndexOps.concat(1, a.output(), t.output()), merge),
                    ArithmeticOps.add(a.logDet(), t.logDet()));
        }
        return new Transformed(IndexOps.gather(IndexOps.concat(1, xA, t.output()), merge), t.logDet());
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable yA = IndexOps.gather(y, identity);
        if (passThrough != null) {
            Transformed a = transformer.inverseShared(yA, passThroughParams());
            Transformed t = transformer.inverse(IndexOps.gather(y, transformed), params(a.output(), context));
            return new Transformed(IndexOps.gather(IndexOps.concat(1, a.output(), t.output()), merge),
                    ArithmeticOps.add(a.logDet(), t.logDet()));
        }
        Transformed t = transformer.inverse(IndexOps.gather(y, transformed), params(yA, context));
        return new Transformed(IndexOps.gather(IndexOps.concat(1, yA, t.output()), merge), t.logDet());
    }

    /** Whether the pass-through set is transformed too, by free parameters. */
    public final boolean bothHalves() {
        return passThrough != null;
    }

    /**
     * The free parameters {@code phi} as {@code [|A|, P]} (a view), for the transformer's shared-parameter
     * methods, which apply them to every row (a spline computes its knots once per call).
     */
    private Variable passThroughParams() {
        return ShapeOps.reshape(passThrough.variable(), identity.length, transformer.paramsPerFeature());
    }

    /** What the conditioner sees of set A. */
    public final ConditionerInput conditionerInput() {
        return input;
    }

    private Variable params(Variable a, Variable context) {
        Variable theta = conditioner.forward(input.apply(a), contextFeatures() > 0 ? context : null);
        return ShapeOps.reshape(theta, a.size(0), transformed.length, transformer.paramsPerFeature());
    }

    /**
     * Type {@code coupling}: {@code transformed} (the mask, true for set B), {@code context_features},
     * {@code transformer} and {@code conditioner} (part configs), {@code input_bound}, {@code both_halves}.
     * Subclasses with a type of their own override this (they must: a subclass is not registered as
     * {@code coupling}).
     */
    @Override
    public PartConfig describe() {
        return describeAs("coupling", true).with("input_bound", input.bound()).with("both_halves", bothHalves());
    }

    /**
     * Type {@code type} with {@code transformed} (the mask), {@code context_features}, {@code transformer} (its
     * part config, when {@code withTransformer}) and {@code conditioner}: the settings every coupling layer has.
     */
    protected final PartConfig describeAs(String type, boolean withTransformer) {
        PartConfig c = PartConfig.of(type).with("transformed", mask.toArray()).with("context_features",
                contextFeatures());
        if (withTransformer) {
            c = c.with("transformer", Parts.describe(transformer));
        }
        return c.with("conditioner", Parts.describe(conditioner));
    }
}
