package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * Batch normalization as a flow layer (Dinh et al. 2017, RealNVP). The forward (data to latent) map
 * normalizes each feature with a mean {@code m} and variance {@code v} and applies a learnable affine map:
 * <pre>  z_j = (x_j - m_j) / sqrt(v_j + eps) * exp(logGamma_j) + beta_j</pre>
 * <ul>
 *   <li>Training mode: {@code m} and {@code v} are the batch mean and the population variance (dividing
 *       by {@code N}) of the current batch, computed in the graph, so gradients flow through them to
 *       every row. Each call also updates the running statistics,
 *       {@code running = (1 - momentum) running + momentum * batch}, using the unbiased variance
 *       (dividing by {@code N - 1}) for the running variance. A batch needs at least 2 rows.</li>
 *   <li>Evaluation mode: {@code m} and {@code v} are the running mean and variance (initially 0 and 1),
 *       constants of the graph; the map is then a fixed per-feature affine map on each row.</li>
 * </ul>
 *
 * <p>Log-det: with the statistics held fixed the map is diagonal with
 * {@code dz_j/dx_j = exp(logGamma_j) / sqrt(v_j + eps)}, so every row gets
 * <pre>  log |det dz/dx| = sum_j (logGamma_j - 0.5 log(v_j + eps))</pre>
 * This is the layer's log-det in evaluation mode. In training mode it is the same formula with the
 * batch variance, as in RealNVP: the value treats the statistics as constants (the exact Jacobian of
 * the whole batch map also has the terms through {@code m} and {@code v}, which couple the rows), while
 * its gradient does flow through the batch variance. Because the map depends on the whole batch, rows
 * are not independent in training mode and the transform checker's batch-independence property fails
 * there by design; check it in evaluation mode.
 *
 * <p>Inverse: in both modes {@code x_j = (z_j - beta_j) exp(-logGamma_j) sqrt(v_j + eps) + m_j} with the
 * running statistics, i.e. the inverse of the evaluation-mode forward, and it never updates them. The
 * training-mode forward cannot be inverted on its own (it removes the batch's mean and scale), so in
 * training mode forward and inverse are not each other's inverses; sampling during training therefore
 * draws from the evaluation-mode model.
 *
 * <p>Thread safety: evaluation mode reads the buffers only. The running-statistics update of a
 * training-mode call happens under this module's lock. Cost: {@code O(N D)} per call.
 */
public final class BatchNorm extends Transform implements Part {
    /** Default weight of the newest batch in the running statistics. */
    public static final double DEFAULT_MOMENTUM = 0.1;
    /** Default variance offset {@code eps}. */
    public static final double DEFAULT_EPS = 1e-5;

    private final Parameter logGamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final double momentum;
    private final double eps;

    /** True in training mode, where the batch's mean and variance normalize it and update the running statistics. */
    @Override
    public boolean dependsOnBatch() {
        return isTraining();
    }

    /** A batch norm with {@link #DEFAULT_MOMENTUM} and {@link #DEFAULT_EPS}. */
    public BatchNorm(int features, DType dtype) {
        this(features, DEFAULT_MOMENTUM, DEFAULT_EPS, dtype);
    }

    /**
     * A batch norm starting as {@code z = x / sqrt(1 + eps)}: {@code logGamma = beta = 0}, running mean 0
     * and running variance 1.
     *
     * @param momentum weight of the newest batch in the running statistics, in {@code (0, 1]}
     * @param eps      positive offset added to every variance
     */
    public BatchNorm(int features, double momentum, double eps, DType dtype) {
        super(features, 0);
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm: momentum must be in (0, 1], got " + momentum);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("BatchNorm: eps must be positive and finite, got " + eps);
        }
        if (dtype == null) {
            throw new IllegalArgumentException("BatchNorm: dtype must not be null");
        }
        this.momentum = momentum;
        this.eps = eps;
        this.logGamma = registerParameter("logGamma", Tensor.zeros(dtype, features));
        this.beta = registerParameter("beta", Tensor.zeros(dtype, features));
        this.runningMean = registerBuffer("runningMean", Tensor.zeros(dtype, features));
        this.runningVar = registerBuffer("runningVar", Tensor.ones(dtype, features));
    }

    /** Weight of the newest batch in the running statistics. */
    public double momentum() {
        return momentum;
    }

    /** The variance offset. */
    public double eps() {
        return eps;
    }

    /** A copy of the running mean. */
    public synchronized double[] runningMean() {
        return runningMean.toDoubleArray();
    }

    /** A copy of the running variance. */
    public synchronized double[] runningVar() {
        return runningVar.toDoubleArray();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        if (!isTraining()) {
            Stats s = runningStats();
            Variable logScale = ArithmeticOps.sub(logGamma.variable(), s.logStd());
            Variable z = ArithmeticOps.add(ArithmeticOps.mul(ArithmeticOps.sub(x, s.mean()),
                    ActivationOps.exp(logScale)), beta.variable());
            return new Transformed(z, perRow(logScale, x.size(0), x.dtype(), 1.0));
        }
        int n = x.size(0);
        if (n < 2) {
            throw new IllegalArgumentException("BatchNorm.forward: training mode needs at least 2 rows to estimate "
                    + "the batch variance, got " + n + " (call eval() to use the running statistics)");
        }
        Variable mean = ReduceOps.mean(x, 0, true);
        Variable centered = ArithmeticOps.sub(x, mean);
        Variable var = ReduceOps.mean(ArithmeticOps.square(centered), 0, true);
        Variable logStd = ArithmeticOps.mulScalar(ActivationOps.log(ArithmeticOps.addScalar(var, eps)), 0.5);
        Variable logScale = ArithmeticOps.sub(logGamma.variable(), logStd);
        Variable z = ArithmeticOps.add(ArithmeticOps.mul(centered, ActivationOps.exp(logScale)), beta.variable());
        updateRunning(mean.value(), var.value(), n);
        return new Transformed(z, perRow(logScale, n, x.dtype(), 1.0));
    }

    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Stats s = runningStats();
        Variable logScale = ArithmeticOps.sub(logGamma.variable(), s.logStd());
        Variable x = ArithmeticOps.add(ArithmeticOps.mul(ArithmeticOps.sub(z, beta.variable()),
                ActivationOps.exp(ArithmeticOps.neg(logScale))), s.mean());
        return new Transformed(x, perRow(logScale, z.size(0), z.dtype(), -1.0));
    }

    /** {@code sign * sum_j logScale_j}, repeated for each of the {@code n} rows. */
    private static Variable perRow(Variable logScale, int n, DType dtype, double sign) {
        Variable total = ArithmeticOps.mulScalar(ReduceOps.sum(logScale), sign);
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(dtype, n)), total);
    }

    /** The running mean and {@code 0.5 log(runningVar + eps)} as graph constants over fresh tensors. */
    private record Stats(Variable mean, Variable logStd) {
    }

    private synchronized Stats runningStats() {
        Tensor mean = runningMean.copy();
        Tensor logStd = runningVar.zerosLike();
        for (int j = 0; j < logStd.numel(); j++) {
            logStd.set(j, 0.5 * Math.log(runningVar.get(j) + eps));
        }
        return new Stats(Variable.constant(mean), Variable.constant(logStd));
    }

    private synchronized void updateRunning(Tensor batchMean, Tensor batchVar, int n) {
        double unbiased = n / (n - 1.0);
        for (int j = 0; j < runningMean.numel(); j++) {
            runningMean.set(j, (1 - momentum) * runningMean.get(j) + momentum * batchMean.get(j));
            runningVar.set(j, (1 - momentum) * runningVar.get(j) + momentum * batchVar.get(j) * unbiased);
        }
    }

    /**
     * Type {@code batch-norm}: {@code features}, {@code momentum}, {@code eps}, {@code dtype}; {@code logGamma},
     * {@code beta} and the running statistics (buffers {@code runningMean}, {@code runningVar}) are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("batch-norm").with("features", features()).with("momentum", momentum).with("eps", eps)
                .with("dtype", Parts.dtypeOf(this));
    }
}
