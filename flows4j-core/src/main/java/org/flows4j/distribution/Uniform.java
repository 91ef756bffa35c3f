package org.flows4j.distribution;

import java.util.Arrays;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * The uniform distribution on the box {@code [low_1, high_1] x ... x [low_D, high_D]}:
 * {@code log p(x) = -sum_d log(high_d - low_d)} inside the box (bounds included) and
 * {@code -infinity} outside, never NaN. The bounds are fixed, so no gradient flows to {@code x}
 * or to them. Sampling returns {@code low + (high - low) U} with {@code U} uniform on [0, 1).
 */
public final class Uniform extends Distribution implements Part {
    private final double[] low;
    private final double[] high;
    private final double logVolume;

    /** The uniform distribution on the box with the given corners ({@code low_d < high_d}, finite). */
    public Uniform(double[] low, double[] high, DType dtype) {
        super(low.length, 0, dtype);
        if (high.length != low.length) {
            throw new IllegalArgumentException("Uniform: low has " + low.length + " values but high has " + high.length);
        }
        double lv = 0;
        for (int d = 0; d < low.length; d++) {
            if (!(Double.isFinite(low[d]) && Double.isFinite(high[d]) && low[d] < high[d])) {
                throw new IllegalArgumentException("Uniform: need finite low < high in every dimension, got low["
                        + d + "] = " + low[d] + ", high[" + d + "] = " + high[d]);
            }
            lv += Math.log(high[d] - low[d]);
        }
        this.low = low.clone();
        this.high = high.clone();
        this.logVolume = lv;
        registerBuffer("low", Tensor.of(low, low.length).to(dtype));
        registerBuffer("high", Tensor.of(high, high.length).to(dtype));
    }

    /** The unit cube {@code [0, 1]^D}. */
    public static Uniform unitCube(int features, DType dtype) {
        double[] hi = new double[features];
        Arrays.fill(hi, 1.0);
        return new Uniform(new double[features], hi, dtype);
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        Tensor v = x.value();
        int n = v.size(0);
        int d = features();
        Tensor out = Tensor.zeros(dtype(), n);
        for (int i = 0; i < n; i++) {
            boolean inside = true;
            for (int j = 0; j < d && inside; j++) {
                double xv = v.get(i * d + j);
                inside = xv >= low[j] && xv <= high[j];
            }
            out.set(i, inside ? -logVolume : Double.NEGATIVE_INFINITY);
        }
        return Variable.constant(out);
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        int d = features();
        Tensor out = Tensor.zeros(dtype(), n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out.set(i * d + j, low[j] + (high[j] - low[j]) * rng.nextDouble());
            }
        }
        return Variable.constant(out);
    }

    /**
     * Type {@code uniform}: {@code low}, {@code high} (the box's corners, exactly as given), {@code dtype}. The
     * bounds are part of the structure: the density uses them as given, while the buffers {@code low} and
     * {@code high} are copies in {@code dtype}.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("uniform").with("low", low).with("high", high).with("dtype", dtype());
    }
}
