package org.flows4j.optim;

import java.util.Map;
import org.flows4j.nn.Parameter;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction and optional L2 weight decay added to the
 * gradient. For a parameter updated for the {@code t}-th time with gradient {@code g}:
 * <pre>
 *   g = g + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} tensors and a {@code step} counter per parameter.
 * For decoupled weight decay use {@link AdamW}.
 */
public final class Adam extends AdamBase {
    /** Adam with the usual {@code beta1 = 0.9}, {@code beta2 = 0.999}, {@code eps = 1e-8}, no weight decay. */
    public Adam(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /** Adam with every option; {@code weightDecay} is an L2 penalty added to the gradient. */
    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("Adam", params, lr, beta1, beta2, eps, weightDecay, false);
    }
}
