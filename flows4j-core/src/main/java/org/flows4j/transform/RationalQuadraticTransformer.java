package org.flows4j.transform;

import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.SplineOps;
import org.flows4j.autodiff.Variable;

/**
 * Monotonic rational-quadratic spline transformer (Durkan et al. 2019) with {@code K} bins on
 * {@code [-B, B]} and identity tails: {@code P = 3K - 1} parameters per feature, laid out as
 * {@code K} unnormalized widths, {@code K} unnormalized heights and {@code K - 1} unnormalized
 * interior knot derivatives (the boundary derivatives are 1, so the map is continuously
 * differentiable at {@code ±B}). The map, its inverse and both log-dets are computed by the fused op
 * {@link SplineOps#rationalQuadraticPacked} (straight from the packed parameters), whose Javadoc
 * gives the formulas; the per-row log-det is {@code sum_k log tau'(x_k)} (0 for features in the tails),
 * summed inside the op. All-zero parameters give the identity,
 * so a zero-initialized conditioner starts the layer as the identity. Both directions cost one pass.
 */
public final class RationalQuadraticTransformer implements ElementwiseTransformer, Part {
    private final int bins;
    private final double tailBound;
    private final double minBinWidth;
    private final double minBinHeight;
    private final double minDerivative;

    /** A spline with {@code bins} bins on {@code [-tailBound, tailBound]} and the given minimum bin sizes and slope. */
    public RationalQuadraticTransformer(int bins, double tailBound, double minBinWidth, double minBinHeight,
            double minDerivative) {
        if (bins < 2) {
            throw new IllegalArgumentException("RationalQuadraticTransformer: bins must be >= 2, got " + bins);
        }
        if (!(tailBound > 0) || Double.isInfinite(tailBound)) {
            throw new IllegalArgumentException("RationalQuadraticTransformer: tailBound must be finite and > 0, got "
                    + tailBound);
        }
        if (!(minBinWidth > 0 && minBinWidth * bins <= 1 && minBinHeight > 0 && minBinHeight * bins <= 1)) {
            throw new IllegalArgumentException("RationalQuadraticTransformer: minimum bin width and height must be in "
                    + "(0, 1/bins = " + 1.0 / bins + "], got " + minBinWidth + " and " + minBinHeight);
        }
        if (!(minDerivative > 0 && minDerivative < 1)) {
            throw new IllegalArgumentException("RationalQuadraticTransformer: minDerivative must be in (0, 1), got "
                    + minDerivative);
        }
        this.bins = bins;
        this.tailBound = tailBound;
        this.minBinWidth = minBinWidth;
        this.minBinHeight = minBinHeight;
        this.minDerivative = minDerivative;
    }

    /** Number of bins {@code K}. */
    public int bins() {
        return bins;
    }

    /** The half-width {@code B} of the spline interval. */
    public double tailBound() {
        return tailBound;
    }

    @Override
    public int paramsPerFeature() {
        return 3 * bins - 1;
    }

    @Override
    public Transformed forward(Variable x, Variable params) {
        return apply("RationalQuadraticTransformer.forward", x, params, false, false);
    }

    @Override
    public Transformed inverse(Variable y, Variable params) {
        return apply("RationalQuadraticTransformer.inverse", y, params, true, false);
    }

    /**
     * The spline with the same parameters {@code params [K, P]} in every row of {@code x [N, K]}, through
     * {@link SplineOps#rationalQuadraticShared}: the knots are computed once per call, outputs and log-dets are
     * bit-identical to {@link #forward} on the broadcast parameters, and the parameter gradient is summed
     * over rows in the knots.
     */
    @Override
    public Transformed forwardShared(Variable x, Variable params) {
        return apply("RationalQuadraticTransformer.forwardShared", x, params, false, true);
    }

    /** The inverse of {@link #forwardShared}, likewise through {@link SplineOps#rationalQuadraticShared}. */
    @Override
    public Transformed inverseShared(Variable y, Variable params) {
        return apply("RationalQuadraticTransformer.inverseShared", y, params, true, true);
    }

    private Transformed apply(String who, Variable x, Variable params, boolean inverse, boolean shared) {
        Variable[] out;
        if (shared) {
            TransformerParams.checkShared(who, x, params, paramsPerFeature());
            out = SplineOps.rationalQuadraticShared(x, params, bins, inverse, tailBound, minBinWidth, minBinHeight,
                    minDerivative);
        } else {
            TransformerParams.check(who, x, params, paramsPerFeature());
            out = SplineOps.rationalQuadraticPacked(x, params, bins, inverse, tailBound, minBinWidth, minBinHeight,
                    minDerivative);
        }
        return new Transformed(out[0], out[1]);
    }

    /**
     * Type {@code rational-quadratic-transformer}: {@code bins}, {@code tail_bound}, {@code min_bin_width},
     * {@code min_bin_height}, {@code min_derivative}.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("rational-quadratic-transformer").with("bins", bins).with("tail_bound", tailBound)
                .with("min_bin_width", minBinWidth).with("min_bin_height", minBinHeight)
                .with("min_derivative", minDerivative);
    }
}
