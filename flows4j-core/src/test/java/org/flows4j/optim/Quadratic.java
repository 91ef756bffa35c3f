package org.flows4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/** Test fixture: the loss {@code L(p) = sum_i a_i p_i^2 / 2}, whose gradient is {@code a * p}. */
final class Quadratic {
    private Quadratic() {
    }

    /** A parameter named "p" holding {@code values} in {@code dtype}. */
    static Parameter param(DType dtype, double... values) {
        return new Parameter("p", Tensor.of(values, values.length).to(dtype));
    }

    /** A one-entry parameter map {@code "p" -> p}. */
    static Map<String, Parameter> named(Parameter p) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("p", p);
        return m;
    }

    /** Clears the gradient, then accumulates {@code dL/dp = a * p} by a backward pass. */
    static void backward(Parameter p, double... a) {
        p.zeroGrad();
        Variable coeff = Variable.constant(Tensor.of(a, a.length).to(p.value().dtype()));
        Variable loss = ArithmeticOps.mulScalar(ReduceOps.sum(ArithmeticOps.mul(coeff,
                ArithmeticOps.square(p.variable()))), 0.5);
        loss.backward();
    }
}
