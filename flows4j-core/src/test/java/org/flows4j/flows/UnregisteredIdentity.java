package org.flows4j.flows;

import org.flows4j.autodiff.Variable;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/** A user-written transform that is not registered as a part: the identity with log-det 0. For tests. */
public class UnregisteredIdentity extends Transform {
    /** The identity on {@code features} features. */
    public UnregisteredIdentity(int features) {
        super(features, 0);
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(x, Variable.constant(x.value().zerosLike(x.size(0))));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return applyForward(y, context);
    }
}
