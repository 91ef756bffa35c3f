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
 * Activation normalization (Kingma &amp; Dhariwal 2018, Glow): a per-feature affine map, forward (data to
 * latent)
 * <pre>  z_j = (x_j - loc_j) exp(-logScale_j)</pre>
 * with learnable {@code loc} and {@code logScale}, and inverse {@code x_j = z_j exp(logScale_j) + loc_j}.
 *
 * <p>Log-det: the Jacobian is diagonal with entries {@code dz_j/dx_j = exp(-logScale_j)}, so every row
 * gets {@code log |det dz/dx| = -sum_j logScale_j}; the inverse reports {@code +sum_j logScale_j}.
 *
 * <p>Data-dependent initialization: the first forward call in training mode sets {@code loc} to the
 * batch mean and {@code logScale} to the log of the batch standard deviation (population form, dividing
 * by {@code N}) of each feature, so that this batch leaves with mean 0 and standard deviation 1 per
 * feature; a feature that is constant in the batch gets {@code logScale = 0}. The statistics are taken
 * as plain numbers, not through the graph. The flag {@code initialized} (0 or 1) is a buffer, so it
 * travels in the state dict: a model restored with {@link #loadStateDict} is never initialized again.
 * Initialization happens once, under this module's lock, so concurrent training-mode calls see either
 * no initialization or a finished one.
 *
 * <p>Before initialization the map uses the current parameters, which for a new ActNorm are the
 * identity ({@code loc = 0}, {@code logScale = 0}). In particular an evaluation-mode forward and an
 * inverse in either mode never initialize: they apply the identity until a training-mode forward has
 * seen data (or a state dict has been loaded).
 *
 * <p>Cost: {@code O(N D)} per call, plus {@code O(N D)} once for the initialization.
 */
public final class ActNorm extends Transform implements Part {
    private final Parameter loc;
    private final Parameter logScale;
    private final Tensor initialized;

    /** An uninitialized ActNorm on {@code features} features with parameters of the given dtype. */
    public ActNorm(int features, DType dtype) {
        super(features, 0);
        if (dtype == null) {
            throw new IllegalArgumentException("ActNorm: dtype must not be null");
        }
        this.loc = registerParameter("loc", Tensor.zeros(dtype, features));
        this.logScale = registerParameter("logScale", Tensor.zeros(dtype, features));
        this.initialized = registerBuffer("initialized", Tensor.zeros(dtype, 1));
    }

    /** True until the data-dependent initialization has happened: the first training batch sets the parameters. */
    @Override
    public boolean dependsOnBatch() {
        return !isInitialized();
    }

    /** Whether the data-dependent initialization has happened (here or in the model a state dict came from). */
    public synchronized boolean isInitialized() {
        return initialized.get(0) != 0.0;
    }

    /** The current {@code loc}. */
    public double[] loc() {
        return loc.value().toDoubleArray();
    }

    /** The current {@code logScale}. */
    public double[] logScale() {
        return logScale.value().toDoubleArray();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        if (isTraining()) {
            initializeOnce(x.value());
        }
        Variable z = ArithmeticOps.mul(ArithmeticOps.sub(x, loc.variable()),
                ActivationOps.exp(ArithmeticOps.neg(logScale.variable())));
        return new Transformed(z, logDet(x.size(0), x.dtype(), -1.0));
    }

    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Variable x = ArithmeticOps.add(ArithmeticOps.mul(z, ActivationOps.exp(logScale.variable())), loc.variable());
        return new Transformed(x, logDet(z.size(0), z.dtype(), 1.0));
    }

    private Variable logDet(int n, DType dtype, double sign) {
        Variable perRow = ArithmeticOps.mulScalar(ReduceOps.sum(logScale.variable()), sign);
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(dtype, n)), perRow);
    }

    /** Sets loc and logScale from the batch {@code x [N, D]} unless already initialized. */
    private synchronized void initializeOnce(Tensor x) {
        if (initialized.get(0) != 0.0) {
            return;
        }
        int n = x.size(0);
        int d = x.size(1);
        double[] v = x.toDoubleArray();
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += v[i * d + j];
            }
            mean /= n;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double c = v[i * d + j] - mean;
                ss += c * c;
            }
            double std = Math.sqrt(ss / n);
            loc.value().set(j, mean);
            logScale.value().set(j, std > 0 ? Math.log(std) : 0.0);
        }
        initialized.set(0, 1.0);
    }

    /**
     * Type {@code actnorm}: {@code features}, {@code dtype}; {@code loc}, {@code logScale} and the buffer
     * {@code initialized} are its state, so a rebuilt ActNorm that was initialized is never initialized again.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("actnorm").with("features", features()).with("dtype", Parts.dtypeOf(this));
    }
}
