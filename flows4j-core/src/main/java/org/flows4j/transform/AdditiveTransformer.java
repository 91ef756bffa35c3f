package org.flows4j.transform;

import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.Tensor;

/**
 * Elementwise shift, {@code P = 1} parameter per feature (the NICE transformer, Dinh et al. 2014):
 * {@code y = x + t}, {@code x = y - t}. Since {@code dy/dx = 1}, the log-det is exactly 0 in both
 * directions (returned as a constant, so it adds no work to the backward pass). Cost: one add.
 */
public final class AdditiveTransformer implements ElementwiseTransformer, Part {
    /** The additive transformer (stateless). */
    public AdditiveTransformer() {
    }

    @Override
    public int paramsPerFeature() {
        return 1;
    }

    @Override
    public Transformed forward(Variable x, Variable params) {
        TransformerParams.check("AdditiveTransformer.forward", x, params, 1);
        return new Transformed(ArithmeticOps.add(x, TransformerParams.column(params, 0)), zeroLogDet(x));
    }

    @Override
    public Transformed inverse(Variable y, Variable params) {
        TransformerParams.check("AdditiveTransformer.inverse", y, params, 1);
        return new Transformed(ArithmeticOps.sub(y, TransformerParams.column(params, 0)), zeroLogDet(y));
    }

    private static Variable zeroLogDet(Variable x) {
        return Variable.constant(Tensor.zeros(x.dtype(), x.size(0)));
    }

    /** Type {@code additive-transformer}, no settings. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("additive-transformer");
    }
}
