package org.flows4j.optim;

import java.util.Map;
import org.flows4j.nn.Parameter;

/**
 * AdamW (Loshchilov &amp; Hutter 2019): Adam with weight decay decoupled from the gradient, scaled
 * by the learning rate as in PyTorch. For a parameter updated for the {@code t}-th time with
 * gradient {@code g}:
 * <pre>
 *   p = p * (1 - lr * weightDecay)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} tensors and a {@code step} counter per parameter.
 */
public final class AdamW extends AdamBase {
    /** AdamW with {@code beta1 = 0.9}, {@code beta2 = 0.999}, {@code eps = 1e-8} and weight decay 0.01. */
    public AdamW(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /** AdamW with every option; {@code weightDecay} is decoupled from the gradient. */
    public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("AdamW", params, lr, beta1, beta2, eps, weightDecay, true);
    }
}
