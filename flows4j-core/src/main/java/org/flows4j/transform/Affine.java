package org.flows4j.transform;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.Elementwise;
import org.flows4j.tensor.Tensor;

/**
 * Elementwise affine map {@code y_j = shift_j + scale_j x_j}, the same for every row.
 *
 * <p>Log-det: the Jacobian is {@code diag(scale)}, so {@code log |det df/dx| = sum_j log |scale_j|},
 * independent of {@code x}; the inverse {@code x_j = (y_j - shift_j) / scale_j} has log-det
 * {@code -sum_j log |scale_j|}.
 *
 * <p>Three kinds: {@link #learnable} holds trainable parameters {@code shift} and {@code logScale} with
 * {@code scale = exp(logScale) > 0} (so the log-det is simply {@code sum_j logScale_j}), starting at
 * the identity; {@link #locationScale} holds trainable {@code loc} and {@code logScale} of the inverse
 * map, {@code x_j = loc_j + exp(logScale_j) y_j}, so that forward is {@code y_j = (x_j - loc_j)
 * exp(-logScale_j)} with log-det {@code -sum_j logScale_j} (put last in a flow over a standard normal, it
 * makes the base the learnable {@code N(loc, diag(exp(2 logScale)))} with the gradients of that form);
 * {@link #fixed} holds the given {@code shift} and {@code scale} (either sign, never zero) as buffers,
 * saved in the state dict but not trained. Cost: {@code O(N D)} per direction.
 */
public final class Affine extends Transform implements Part {
    /** The {@code form} value of the location-scale kind in a part config. */
    public static final String LOCATION_SCALE = "location-scale";

    private final Parameter shiftParam;
    private final Parameter logScaleParam;
    private final Tensor shiftBuffer;
    private final Tensor scaleBuffer;
    private final boolean locationScale;

    private Affine(int features, DType dtype, boolean locationScale) {
        super(features, 0);
        this.shiftParam = registerParameter(locationScale ? "loc" : "shift", Tensor.zeros(dtype, features));
        this.logScaleParam = registerParameter("logScale", Tensor.zeros(dtype, features));
        this.shiftBuffer = null;
        this.scaleBuffer = null;
        this.locationScale = locationScale;
    }

    private Affine(Tensor shift, Tensor scale) {
        super(shift.numel(), 0);
        this.shiftParam = null;
        this.logScaleParam = null;
        this.shiftBuffer = registerBuffer("shift", shift);
        this.scaleBuffer = registerBuffer("scale", scale);
        this.locationScale = false;
    }

    /** A trainable affine map on {@code features} values, starting at the identity (shift 0, log-scale 0). */
    public static Affine learnable(int features, DType dtype) {
        return new Affine(features, dtype, false);
    }

    /**
     * A trainable map in location-scale form on {@code features} values: parameters {@code loc} and
     * {@code logScale} of the inverse {@code x = loc + exp(logScale) y}, starting at the identity (both 0).
     */
    public static Affine locationScale(int features, DType dtype) {
        return new Affine(features, dtype, true);
    }

    /** A fixed float64 affine map {@code y = shift + scale * x}; see {@link #fixed(double[], double[], DType)}. */
    public static Affine fixed(double[] shift, double[] scale) {
        return fixed(shift, scale, DType.FLOAT64);
    }

    /**
     * A fixed affine map {@code y = shift + scale * x} in {@code dtype}. Both arrays must have the same
     * length (at least 1) and hold finite values; every scale must be non-zero (negative is fine).
     */
    public static Affine fixed(double[] shift, double[] scale, DType dtype) {
        if (shift.length != scale.length || shift.length == 0) {
            throw new IllegalArgumentException("Affine.fixed: expected shift and scale of the same non-zero length, got "
                    + shift.length + " and " + scale.length);
        }
        Tensor shiftT = Tensor.of(shift, shift.length).to(dtype);
        Tensor scaleT = Tensor.of(scale, scale.length).to(dtype);
        for (int j = 0; j < shift.length; j++) {
            if (!Double.isFinite(shiftT.get(j))) {
                throw new IllegalArgumentException("Affine.fixed: expected a finite shift, got shift[" + j + "] = "
                        + shift[j] + " (in " + dtype + ")");
            }
            if (!Double.isFinite(scaleT.get(j)) || scaleT.get(j) == 0.0) {
                throw new IllegalArgumentException("Affine.fixed: expected a finite non-zero scale, got scale[" + j
                        + "] = " + scale[j] + " (in " + dtype + ")");
            }
        }
        return new Affine(shiftT, scaleT);
    }

    /** Whether the shift and scale are trainable parameters. */
    public boolean isLearnable() {
        return shiftParam != null;
    }

    /** Whether the parameters are the inverse map's location and log-scale (see {@link #locationScale}). */
    public boolean isLocationScale() {
        return locationScale;
    }

    private Variable shift() {
        return isLearnable() ? shiftParam.variable() : Variable.constant(shiftBuffer);
    }

    private Variable scale() {
        return isLearnable() ? ActivationOps.exp(logScaleParam.variable()) : Variable.constant(scaleBuffer);
    }

    /** {@code sum_j log |scale_j|} as a rank-0 variable. */
    private Variable logAbsDet() {
        if (isLearnable()) {
            return ReduceOps.sum(logScaleParam.variable());
        }
        return ReduceOps.sum(Variable.constant(Elementwise.map(scaleBuffer, s -> Math.log(Math.abs(s)))));
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        if (locationScale) {
            Variable logScale = logScaleParam.variable();
            Variable y = ArithmeticOps.mul(ArithmeticOps.sub(x, shiftParam.variable()),
                    ActivationOps.exp(ArithmeticOps.neg(logScale)));
            return new Transformed(y, RowLogDet.repeat(ArithmeticOps.neg(ReduceOps.sum(logScale)), x.size(0),
                    x.dtype()));
        }
        Variable y = ArithmeticOps.add(ArithmeticOps.mul(x, scale()), shift());
        return new Transformed(y, RowLogDet.repeat(logAbsDet(), x.size(0), x.dtype()));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        if (locationScale) {
            Variable logScale = logScaleParam.variable();
            Variable x = ArithmeticOps.add(ArithmeticOps.mul(y, ActivationOps.exp(logScale)), shiftParam.variable());
            return new Transformed(x, RowLogDet.repeat(ReduceOps.sum(logScale), y.size(0), y.dtype()));
        }
        Variable x = ArithmeticOps.div(ArithmeticOps.sub(y, shift()), scale());
        return new Transformed(x, RowLogDet.repeat(ArithmeticOps.neg(logAbsDet()), y.size(0), y.dtype()));
    }

    /**
     * Type {@code affine}: {@code features}, {@code dtype}, {@code learnable} (parameters {@code shift},
     * {@code logScale}; otherwise the buffers {@code shift}, {@code scale}) and, for the location-scale form only,
     * {@code form = "location-scale"} (parameters {@code loc}, {@code logScale}); a config without {@code form},
     * as written before that form existed, is the shift-scale one.
     */
    @Override
    public PartConfig describe() {
        PartConfig c = PartConfig.of("affine").with("features", features()).with("dtype", Parts.dtypeOf(this))
                .with("learnable", shiftParam != null);
        return locationScale ? c.with("form", LOCATION_SCALE) : c;
    }
}
