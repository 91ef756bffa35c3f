package org.flows4j.optim;

import java.util.Map;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum, L2 weight decay and Nesterov momentum
 * (the formulation of PyTorch's {@code SGD}, without dampening). For each parameter {@code p} with
 * gradient {@code g}:
 * <pre>
 *   d = g + weightDecay * p
 *   if momentum != 0:  b = momentum * b + d            (b starts at 0, so b_1 = d)
 *                      d = nesterov ? d + momentum * b : b
 *   p = p - lr * d
 * </pre>
 * State: one momentum buffer per parameter (slot {@code "momentum"}), present even when
 * {@code momentum == 0}. Cost: a few multiply-adds per element; no allocation per step.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;

    /** Plain SGD with momentum and L2 weight decay, without Nesterov. */
    public SGD(Map<String, Parameter> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, weightDecay, false);
    }

    /** SGD with every option; {@code nesterov} needs {@code momentum > 0}. */
    public SGD(Map<String, Parameter> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        super("SGD", params, lr);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("SGD: weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0, got 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = addTensorSlot("momentum");
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, double lr) {
        Tensor buf = buffers[index];
        int n = param.numel();
        for (int i = 0; i < n; i++) {
            double p = param.get(i);
            double d = grad.get(i) + weightDecay * p;
            if (momentum != 0) {
                double b = momentum * buf.get(i) + d;
                buf.set(i, b);
                d = nesterov ? d + momentum * b : b;
            }
            param.set(i, p - lr * d);
        }
    }

    /** The momentum coefficient. */
    public double momentum() {
        return momentum;
    }

    /** The L2 weight-decay coefficient. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Whether Nesterov momentum is used. */
    public boolean nesterov() {
        return nesterov;
    }
}
