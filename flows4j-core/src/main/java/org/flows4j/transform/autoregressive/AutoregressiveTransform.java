package org.flows4j.transform.autoregressive;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.IncrementalMADE;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * Autoregressive transform (MAF-style, Papamakarios et al. 2017): a {@link MADE} computes every
 * feature's transformer parameters from the features before it in the MADE's order, and an
 * {@link ElementwiseTransformer} applies them,
 * <pre>
 *   forward (data to latent):  theta = MADE(x, context),  z_i = tau(x_i; theta_i(x_&lt;i))
 *   inverse (latent to data):  for pass = 1..D: theta = MADE(x, context), x = tau^-1(z; theta), from x = 0
 * </pre>
 * where {@code x_<i} are the features of smaller degree. Since {@code theta_i} does not depend on
 * {@code x_i} or later features, the Jacobian {@code dz/dx} is triangular in that order with diagonal
 * {@code tau'(x_i)}, so {@code log |det J| = sum_i log |tau'(x_i; theta_i)|}, the transformer's log-det.
 *
 * <p><b>Cost.</b> The forward direction (density evaluation, training by maximum likelihood) is fast:
 * one MADE pass. The inverse (sampling) is slow: {@code D} MADE passes, because feature {@code i} can
 * only be computed once all features of smaller degree are known. After pass {@code k} every feature
 * of degree at most {@code k} is exact (its parameters read only features of smaller degree, exact
 * after pass {@code k - 1}), so {@code D} passes give the exact inverse, and the parameters of the last
 * pass are those of the returned point, which makes the inverse log-det exactly minus the forward one.
 * With gradients off (sampling) the passes run incrementally instead ({@link IncrementalMADE}): pass
 * {@code i} computes only the hidden units of degree {@code i - 1} and the parameters of the feature
 * of degree {@code i}, and inverts that one feature ({@link IncrementalInverse}); the network then costs
 * about one forward pass in all, and the transformer one. Same result up to floating-point summation order.
 * {@link InverseAutoregressive} swaps the two directions (IAF).
 *
 * <p>Parameters: {@code made.*}. Subclasses fix the transformer ({@link MaskedAffineAutoregressive});
 * a spline or any other transformer plugs in through this class.
 */
public class AutoregressiveTransform extends Transform implements Part {
    private final MADE made;
    private final ElementwiseTransformer transformer;
    private final ConditionerInput input;

    /**
     * An autoregressive transform on {@code made.inFeatures()} features with {@code made.contextFeatures()}
     * context columns; {@code made} must have {@code transformer.paramsPerFeature()} outputs per feature.
     */
    public AutoregressiveTransform(MADE made, ElementwiseTransformer transformer) {
        this(made, transformer, ConditionerInput.none());
    }

    /**
     * As {@link #AutoregressiveTransform(MADE, ElementwiseTransformer)}, with the MADE reading
     * {@code input.apply(x)} instead of {@code x}.
     */
    public AutoregressiveTransform(MADE made, ElementwiseTransformer transformer, ConditionerInput input) {
        super(made.inFeatures(), made.contextFeatures());
        this.input = input;
        if (made.outputsPerFeature() != transformer.paramsPerFeature()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the MADE must give "
                    + transformer.paramsPerFeature() + " outputs per feature for "
                    + transformer.getClass().getSimpleName() + ", got " + made.outputsPerFeature());
        }
        this.made = registerModule("made", made);
        this.transformer = transformer;
    }

    /** The masked network computing the parameters. */
    public final MADE made() {
        return made;
    }

    /** The elementwise transformer. */
    public final ElementwiseTransformer transformer() {
        return transformer;
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return transformer.forward(x, params(x, context));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        if (!GradMode.isEnabled()) {
            return IncrementalInverse.run(made, transformer, input, y, contextFeatures() > 0 ? context : null);
        }
        Variable x = Variable.constant(Tensor.zeros(y.dtype(), y.size(0), features()));
        Transformed t = null;
        for (int pass = 0; pass < features(); pass++) {
            t = transformer.inverse(y, params(x, context));
            x = t.output();
        }
        return t;
    }

    /** What the MADE sees of the input. */
    public final ConditionerInput conditionerInput() {
        return input;
    }

    private Variable params(Variable x, Variable context) {
        Variable theta = made.forward(input.apply(x), contextFeatures() > 0 ? context : null);
        return ShapeOps.reshape(theta, x.size(0), features(), made.outputsPerFeature());
    }

    /**
     * Type {@code autoregressive}: {@code made} and {@code transformer} (part configs), {@code input_bound}.
     * Subclasses with a type of their own override this.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("autoregressive").with("made", Parts.describe(made))
                .with("transformer", Parts.describe(transformer)).with("input_bound", input.bound());
    }
}
