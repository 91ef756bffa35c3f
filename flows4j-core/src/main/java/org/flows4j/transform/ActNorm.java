package org.flows4j.transform;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Tensor;

/**
 * Activation normalization (Kingma &amp; Dhariwal 2018, Glow): a per-feature or per-channel affine map, forward
 * (data to latent)
 * <pre>  z_j = (x_j - loc_c(j)) exp(-logScale_c(j))</pre>
 * with learnable {@code loc} and {@code logScale} of length {@code C} (the channels) and inverse
 * {@code x_j = z_j exp(logScale_c(j)) + loc_c(j)}. With {@code C = D} every feature is its own channel
 * ({@code c(j) = j}); for an image row of {@code C x H x W} values in channel-major order
 * ({@link ImageShape}) feature {@code j} belongs to channel {@code c(j) = j / (H W)}, as in Glow.
 *
 * <p>Log-det: the Jacobian is diagonal with entries {@code dz_j/dx_j = exp(-logScale_c(j))}, so every row
 * gets {@code log |det dz/dx| = -(D / C) sum_c logScale_c}; the inverse reports its negative.
 *
 * <p>Data-dependent initialization: the first forward call in training mode sets {@code loc} to the
 * batch mean and {@code logScale} to the log of the batch standard deviation (population form) of each
 * channel, over the batch's rows and the channel's {@code D / C} positions, so that this batch leaves
 * with mean 0 and standard deviation 1 per channel; a channel that is constant in the batch gets
 * {@code logScale = 0}. The statistics are taken
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
    private final int channels;
    private final int[] channelOf;

    /** An uninitialized ActNorm on {@code features} features, each its own channel, with parameters of the given dtype. */
    public ActNorm(int features, DType dtype) {
        this(features, features, dtype);
    }

    /** An uninitialized ActNorm per channel of an image row of {@code shape}. */
    public ActNorm(ImageShape shape, DType dtype) {
        this(shape.features(), shape.channels(), dtype);
    }

    /**
     * An uninitialized ActNorm on {@code features} features in {@code channels} equal consecutive groups.
     *
     * @throws IllegalArgumentException if {@code channels} is not a positive divisor of {@code features}
     */
    public ActNorm(int features, int channels, DType dtype) {
        super(features, 0);
        if (dtype == null) {
            throw new IllegalArgumentException("ActNorm: dtype must not be null");
        }
        if (channels < 1 || features % channels != 0) {
            throw new IllegalArgumentException("ActNorm: channels must divide the " + features + " features, got "
                    + channels);
        }
        this.channels = channels;
        this.loc = registerParameter("loc", Tensor.zeros(dtype, channels));
        this.logScale = registerParameter("logScale", Tensor.zeros(dtype, channels));
        this.initialized = registerBuffer("initialized", Tensor.zeros(dtype, 1));
        int group = features / channels;
        this.channelOf = new int[features];
        for (int j = 0; j < features; j++) {
            channelOf[j] = j / group;
        }
    }

    /** Number of channels {@code C}: parameters are per channel, shared by the {@code D / C} features of each. */
    public int channels() {
        return channels;
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
        Variable z = ArithmeticOps.mul(ArithmeticOps.sub(x, perFeature(loc)),
                ActivationOps.exp(ArithmeticOps.neg(perFeature(logScale))));
        return new Transformed(z, logDet(x.size(0), x.dtype(), -1.0));
    }

    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        Variable x = ArithmeticOps.add(ArithmeticOps.mul(z, ActivationOps.exp(perFeature(logScale))), perFeature(loc));
        return new Transformed(x, logDet(z.size(0), z.dtype(), 1.0));
    }

    /** The parameter spread to {@code [1, D]} (channel {@code c(j)} at feature {@code j}); itself when {@code C = D}. */
    private Variable perFeature(Parameter p) {
        if (channels == features()) {
            return p.variable();
        }
        return IndexOps.gather(ShapeOps.reshape(p.variable(), 1, channels), channelOf);
    }

    private Variable logDet(int n, DType dtype, double sign) {
        double group = (double) features() / channels;
        Variable perRow = ArithmeticOps.mulScalar(ReduceOps.sum(logScale.variable()), sign * group);
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(dtype, n)), perRow);
    }

    /** Sets loc and logScale from the batch {@code x [N, D]} unless already initialized. */
    private synchronized void initializeOnce(Tensor x) {
        if (initialized.get(0) != 0.0) {
            return;
        }
        int n = x.size(0);
        int d = x.size(1);
        int group = d / channels;
        double[] v = x.toDoubleArray();
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                for (int j = c * group; j < (c + 1) * group; j++) {
                    mean += v[i * d + j];
                }
            }
            mean /= (double) n * group;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                for (int j = c * group; j < (c + 1) * group; j++) {
                    double dev = v[i * d + j] - mean;
                    ss += dev * dev;
                }
            }
            double std = Math.sqrt(ss / ((double) n * group));
            loc.value().set(c, mean);
            logScale.value().set(c, std > 0 ? Math.log(std) : 0.0);
        }
        initialized.set(0, 1.0);
    }

    /**
     * Type {@code actnorm}: {@code features}, {@code channels} (files without it: one per feature), {@code dtype};
     * {@code loc}, {@code logScale} and the buffer
     * {@code initialized} are its state, so a rebuilt ActNorm that was initialized is never initialized again.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("actnorm").with("features", features()).with("channels", channels)
                .with("dtype", Parts.dtypeOf(this));
    }
}
