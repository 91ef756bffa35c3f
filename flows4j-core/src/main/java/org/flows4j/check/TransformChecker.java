package org.flows4j.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Domain;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * Verifies that a {@link Transform}, built-in or user-written, is what a flow needs: a bijection whose
 * reported log-det is right. It runs in float64 (the transform's parameters must be float64) on a
 * seeded batch drawn from the transform's {@link Transform#domain()}, and checks:
 * <ol>
 *   <li><b>round trip</b>: {@code max |f^-1(f(x)) - x| / max(1, |x|)};</li>
 *   <li><b>log-det vs Jacobian</b>: the forward log-det against {@code log |det J|} of the full
 *       per-row Jacobian built by autodiff (one backward pass per output column);</li>
 *   <li><b>inverse log-det</b>: {@code logDet_inverse(f(x)) + logDet_forward(x) = 0};</li>
 *   <li><b>batch independence</b>: changing row j leaves every other row's output and log-det unchanged;</li>
 *   <li><b>parameter gradients</b>: a directional gradient check on the trainable (non-frozen) parameters
 *       {@code theta}. With seeded standard normal weights {@code w1} (the output's shape) and {@code w2} (one
 *       per row), {@code L(theta) = sum(w1 * f(x)) + sum(w2 * logDet(x))}, so that every output and the
 *       log-det matter, and a seeded direction {@code v} with standard normal entries over all trainable
 *       parameters jointly, scaled to {@code |v| = 1}, it compares {@code a = <dL/dtheta, v>} from the
 *       backward pass with the central difference {@code n = (L(theta + h v) - L(theta - h v)) / 2h}, evaluated
 *       with the parameters moved in place and restored exactly, for {@code h = 5e-6} and, if that one does not
 *       agree, {@code h = 1e-6} (for maps with a large third derivative); the better step is reported. It passes
 *       when {@code |a - n| <= tol + tol max(|a|, |n|)}, reported as the error
 *       {@code |a - n| / (1 + max(|a|, |n|))}, and every trainable parameter gets a finite gradient that is not
 *       all zero;</li>
 *   <li><b>extreme inputs</b>: outputs and log-dets stay finite at the domain's extremes (±10 for reals,
 *       {@code 1e-6} from the bounds of an open interval, the bounds themselves for a closed one,
 *       {@code 1e-4} and {@code 1e4} for the positive reals) in both directions;</li>
 *   <li><b>NaN input</b>: a NaN input raises IllegalArgumentException instead of returning NaN.</li>
 * </ol>
 * The transform is checked in evaluation mode (its mode is restored afterwards) unless
 * {@link #trainingMode(boolean)} says otherwise. With {@link #parameterNoise(double)} the checker first
 * adds seeded noise to every parameter, in place, so that zero-initialized layers (which start as the
 * identity) are exercised too. Errors are relative to {@code max(1, |value|)} (to {@code 1 + max(|a|, |n|)}
 * for the parameter gradients); the default tolerance is 1e-8. The central difference itself is off by about
 * 1e-9 for the ready-made flows at D = 3, so tolerances much below 1e-8 make that property fail spuriously.
 * Cost: about {@code D + 8} forward passes (two more when the second step is needed) and {@code D + 1}
 * backward passes of a small batch.
 */
public final class TransformChecker {
    private static final String PARAMETER_GRADIENTS = "parameter gradients";
    /**
     * Steps of the central difference along the unit direction, tried in order until one agrees. Its error is
     * about {@code h^2 |L'''| / 6} (truncation) plus {@code eps |L| / h} (rounding). Over the ready-made flows
     * at D = 3 (parameter noise 0.1, seeds 1-24, with and without context and LU) and Planar, Radial, BatchNorm
     * and ActNorm, the worst error measured was 3e-9 at 5e-6, against 6e-9 at 1e-5, 5e-9 at 3e-6 and 9e-9 at
     * 1e-6. A Planar layer close to non-invertibility has a large third derivative: 1.2e-8 at 5e-6, 5.5e-10 at
     * 1e-6 (truncation, falling as h^2), hence the second step.
     */
    private static final double[] GRADIENT_STEPS = {5e-6, 1e-6};
    private static final long GRADIENT_STREAM = 0x9E3779B97F4A7C15L;

    private double tolerance = 1e-8;
    private int batch = 6;
    private long seed = 1234;
    private double parameterNoise;
    private boolean trainingMode;

    /** A checker with the default settings. */
    public TransformChecker() {
    }

    /**
     * The library's transforms by name, each a fresh float64 instance on {@code d >= 2} features with seeded,
     * non-trivial parameters: for every type registered with {@link Parts} (by its type name, in name order),
     * its example if that is a transform (a network or an elementwise transformer type's example is the
     * transform it is embedded in), or the transform of a flow; a distribution's example has no transform and
     * is left out. Then the ready-made flows' transforms, {@code flow:KIND} for every {@link FlowSpec#KINDS kind}
     * and {@code flow:KIND+context} with a 2-feature context (2 steps, hidden layers of 16, seed 7),
     * {@code flow:planar} and {@code flow:radial} ({@link FlowSpec#VARIATIONAL_KINDS}, which take no context), and
     * {@code flow:glow}, {@code flow:realnvp-image} on 1x4x4 images (2 levels, 1 step per level, 4 channels). This is
     * the list {@code flows4j check} runs.
     */
    public static Map<String, Transform> builtinTransforms(int d) {
        if (d < 2) {
            throw new IllegalArgumentException("TransformChecker.builtinTransforms: needs d >= 2 (a coupling layer "
                    + "splits the features), got " + d);
        }
        Map<String, Transform> out = new LinkedHashMap<>();
        for (Parts.Type type : Parts.types()) {
            Object example = type.example() == null ? null : type.example().apply(d);
            if (example instanceof Transform t) {
                out.put(type.name(), t);
            } else if (example instanceof Flow f) {
                out.put(type.name(), f.transform());
            }
        }
        for (String kind : FlowSpec.KINDS) {
            out.put("flow:" + kind, presetTransform(kind, d, 0));
            out.put("flow:" + kind + "+context", presetTransform(kind, d, 2));
        }
        for (String kind : FlowSpec.VARIATIONAL_KINDS) {
            out.put("flow:" + kind, presetTransform(kind, d, 0));
        }
        for (String kind : FlowSpec.IMAGE_KINDS) {
            FlowSpec spec = FlowSpec.defaults(kind, new ImageShape(1, 4, 4), 2).withLayers(1).withHidden(4)
                    .withDtype(DType.FLOAT64).withSeed(7);
            out.put("flow:" + kind, Flows.build(spec).transform());
        }
        return out;
    }

    private static Transform presetTransform(String kind, int d, int context) {
        FlowSpec spec = FlowSpec.defaults(kind, d).withLayers(2).withHidden(16, 16).withContext(context)
                .withDtype(DType.FLOAT64).withSeed(7);
        return Flows.build(spec).transform();
    }

    /** Sets the tolerance on every numeric property (default 1e-8). */
    public TransformChecker tolerance(double tol) {
        if (!(tol > 0)) {
            throw new IllegalArgumentException("TransformChecker: tolerance must be positive, got " + tol);
        }
        this.tolerance = tol;
        return this;
    }

    /** Sets the number of test rows (default 6, at least 2). */
    public TransformChecker batch(int rows) {
        if (rows < 2) {
            throw new IllegalArgumentException("TransformChecker: batch must be at least 2, got " + rows);
        }
        this.batch = rows;
        return this;
    }

    /** Sets the seed of the test points. */
    public TransformChecker seed(long s) {
        this.seed = s;
        return this;
    }

    /** Adds N(0, scale^2) noise to every parameter before checking (in place; default 0, none). */
    public TransformChecker parameterNoise(double scale) {
        this.parameterNoise = scale;
        return this;
    }

    /** Checks in training mode instead of evaluation mode. */
    public TransformChecker trainingMode(boolean on) {
        this.trainingMode = on;
        return this;
    }

    /** Runs every check on {@code t} and returns the report; never throws for a failing property. */
    public CheckReport check(Transform t) {
        String name = t.getClass().getSimpleName() + "(D=" + t.features()
                + (t.contextFeatures() > 0 ? ", context=" + t.contextFeatures() : "") + ")";
        List<PropertyResult> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : t.parameters().entrySet()) {
            if (e.getValue().value().dtype() != DType.FLOAT64) {
                out.add(new PropertyResult("float64 parameters", false, Double.NaN, 0,
                        "parameter '" + e.getKey() + "' is " + e.getValue().value().dtype() + "; build the transform in FLOAT64"));
                return new CheckReport(name, out);
            }
        }
        boolean wasTraining = t.isTraining();
        t.train(trainingMode);
        try {
            Rng rng = new Rng(seed);
            if (parameterNoise > 0) {
                for (Parameter p : t.parameters().values()) {
                    Tensor v = p.value();
                    for (int i = 0; i < v.numel(); i++) {
                        v.set(i, v.get(i) + parameterNoise * rng.nextGaussian());
                    }
                }
            }
            Tensor x = sample(t.domain(), rng, batch, t.features());
            Variable ctx = t.contextFeatures() == 0 ? null
                    : Variable.constant(Tensor.randn(rng, DType.FLOAT64, batch, t.contextFeatures()));
            out.add(guard("round trip", () -> roundTrip(t, x, ctx)));
            out.add(guard("log-det vs Jacobian", () -> logDetVsJacobian(t, x, ctx)));
            out.add(guard("inverse log-det", () -> inverseLogDet(t, x, ctx)));
            out.add(guard("batch independence", () -> batchIndependence(t, x, ctx, rng)));
            out.add(guard(PARAMETER_GRADIENTS, () -> parameterGradients(t, x, ctx)));
            out.add(guard("extreme inputs", () -> extremes(t, ctx)));
            out.add(guard("NaN input", () -> nanInput(t, x, ctx)));
        } finally {
            t.zeroGrad();
            t.train(wasTraining);
        }
        return new CheckReport(name, out);
    }

    private PropertyResult guard(String property, Supplier<PropertyResult> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            return new PropertyResult(property, false, Double.NaN, tolerance,
                    "threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Tensor sample(Domain d, Rng rng, int n, int dim) {
        Tensor x = Tensor.zeros(DType.FLOAT64, n, dim);
        for (int i = 0; i < x.numel(); i++) {
            double g = rng.nextGaussian();
            switch (d) {
                case UNIT_INTERVAL:
                case CLOSED_UNIT_INTERVAL:
                    x.set(i, 0.05 + 0.9 * rng.nextDouble());
                    break;
                case SYMMETRIC_UNIT_INTERVAL:
                    x.set(i, -0.9 + 1.8 * rng.nextDouble());
                    break;
                case POSITIVE:
                    x.set(i, Math.exp(0.5 * g));
                    break;
                default:
                    x.set(i, g);
            }
        }
        return x;
    }

    private static Tensor extremesOf(Domain d, int n, int dim) {
        Tensor x = Tensor.zeros(DType.FLOAT64, n, dim);
        double[] values;
        switch (d) {
            case UNIT_INTERVAL:
                values = new double[] {1e-6, 1 - 1e-6};
                break;
            case CLOSED_UNIT_INTERVAL:
                values = new double[] {0, 1};
                break;
            case SYMMETRIC_UNIT_INTERVAL:
                values = new double[] {-1 + 1e-6, 1 - 1e-6};
                break;
            case POSITIVE:
                values = new double[] {1e-4, 1e4};
                break;
            default:
                values = new double[] {-10, 10};
        }
        for (int i = 0; i < x.numel(); i++) {
            int row = i / dim;
            int col = i % dim;
            int pick = row == 0 ? 0 : row == 1 ? 1 : (row + col) % 2;
            x.set(i, values[pick]);
        }
        return x;
    }

    private static double relErr(double a, double b) {
        return Math.abs(a - b) / Math.max(1.0, Math.abs(b));
    }

    private PropertyResult roundTrip(Transform t, Tensor x, Variable ctx) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor y = t.forward(Variable.constant(x), ctx).output().value();
            Tensor back = t.inverse(Variable.constant(y), ctx).output().value();
            double err = 0;
            for (int i = 0; i < x.numel(); i++) {
                err = nanMax(err, relErr(back.get(i), x.get(i)));
            }
            return numeric("round trip", err, "max |f^-1(f(x)) - x| / max(1, |x|)");
        }
    }

    private PropertyResult logDetVsJacobian(Transform t, Tensor x, Variable ctx) {
        int n = x.size(0);
        int d = x.size(1);
        Variable xv = Variable.parameter(x.copy());
        Transformed r;
        try (GradMode.Scope s = GradMode.enableGrad()) {
            r = t.forward(xv, ctx);
        }
        if (!r.output().requiresGrad()) {
            return new PropertyResult("log-det vs Jacobian", false, Double.NaN, tolerance,
                    "the output does not depend on the input through the graph");
        }
        double[][][] jac = new double[n][d][d];
        for (int j = 0; j < d; j++) {
            Tensor seedT = Tensor.zeros(DType.FLOAT64, n, d);
            for (int i = 0; i < n; i++) {
                seedT.set(i * d + j, 1.0);
            }
            xv.zeroGrad();
            r.output().backward(seedT, true);
            Tensor g = xv.grad();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    jac[i][j][k] = g == null ? 0.0 : g.get(i * d + k);
                }
            }
        }
        double err = 0;
        for (int i = 0; i < n; i++) {
            err = nanMax(err, relErr(r.logDet().value().get(i), DeterminantOps.logAbsDet(jac[i])));
        }
        return numeric("log-det vs Jacobian", err, "|logDet - log|det J|| per row, J by autodiff");
    }

    private PropertyResult inverseLogDet(Transform t, Tensor x, Variable ctx) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed f = t.forward(Variable.constant(x), ctx);
            Transformed b = t.inverse(f.output(), ctx);
            double err = 0;
            for (int i = 0; i < x.size(0); i++) {
                double a = f.logDet().value().get(i);
                err = nanMax(err, relErr(a + b.logDet().value().get(i), 0.0) / Math.max(1.0, Math.abs(a)));
            }
            return numeric("inverse log-det", err, "|logDet_inv(f(x)) + logDet_fwd(x)|");
        }
    }

    private PropertyResult batchIndependence(Transform t, Tensor x, Variable ctx, Rng rng) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed a = t.forward(Variable.constant(x), ctx);
            Tensor x2 = x.copy();
            Tensor fresh = sample(t.domain(), rng, 1, x.size(1));
            int changed = x.size(0) - 1;
            for (int k = 0; k < x.size(1); k++) {
                x2.set(changed * x.size(1) + k, fresh.get(k));
            }
            Transformed b = t.forward(Variable.constant(x2), ctx);
            double err = 0;
            int d = x.size(1);
            for (int i = 0; i < changed; i++) {
                for (int k = 0; k < d; k++) {
                    err = nanMax(err, relErr(b.output().value().get(i * d + k), a.output().value().get(i * d + k)));
                }
                err = nanMax(err, relErr(b.logDet().value().get(i), a.logDet().value().get(i)));
            }
            return numeric("batch independence", err, "change in rows 0.." + (changed - 1) + " when row " + changed
                    + " changes");
        }
    }

    private PropertyResult parameterGradients(Transform t, Tensor x, Variable ctx) {
        Map<String, Parameter> params = t.parameters();
        if (params.isEmpty()) {
            return new PropertyResult(PARAMETER_GRADIENTS, true, 0, 0, "no parameters");
        }
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isFrozen()) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        if (trainable.isEmpty()) {
            return new PropertyResult(PARAMETER_GRADIENTS, true, 0, 0, "every parameter is frozen");
        }
        Rng rng = new Rng(seed ^ GRADIENT_STREAM);
        Tensor w1;
        Tensor w2;
        t.zeroGrad();
        try (GradMode.Scope s = GradMode.enableGrad()) {
            Transformed r = t.forward(Variable.constant(x), ctx);
            w1 = Tensor.randn(rng, DType.FLOAT64, r.output().shape());
            w2 = Tensor.randn(rng, DType.FLOAT64, r.logDet().shape());
            Variable loss = ArithmeticOps.add(ReduceOps.sum(ArithmeticOps.mul(r.output(), Variable.constant(w1))),
                    ReduceOps.sum(ArithmeticOps.mul(r.logDet(), Variable.constant(w2))));
            if (loss.requiresGrad()) {
                loss.backward();
            }
        }
        List<Tensor> direction = new ArrayList<>();
        double norm2 = 0;
        for (Parameter p : trainable.values()) {
            Tensor v = Tensor.randn(rng, DType.FLOAT64, p.value().shape());
            for (int i = 0; i < v.numel(); i++) {
                norm2 += v.get(i) * v.get(i);
            }
            direction.add(v);
        }
        double invNorm = 1.0 / Math.sqrt(norm2);
        List<String> bad = new ArrayList<>();
        double analytic = 0;
        int k = 0;
        int elements = 0;
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            Tensor v = direction.get(k++);
            Tensor g = e.getValue().grad();
            elements += v.numel();
            if (g == null) {
                bad.add(e.getKey() + " (no gradient)");
                continue;
            }
            boolean nonZero = false;
            for (int i = 0; i < g.numel(); i++) {
                nonZero |= g.get(i) != 0.0;
                analytic += g.get(i) * v.get(i) * invNorm;
            }
            if (g.hasNonFinite()) {
                bad.add(e.getKey() + " (non-finite)");
            } else if (!nonZero) {
                bad.add(e.getKey() + " (all zero)");
            }
        }
        t.zeroGrad();
        List<Parameter> moved = new ArrayList<>(trainable.values());
        List<Tensor> saved = new ArrayList<>();
        for (Parameter p : moved) {
            saved.add(p.value().copy());
        }
        double err = Double.NaN;
        double numeric = Double.NaN;
        double step = Double.NaN;
        List<String> tried = new ArrayList<>();
        try {
            for (double h : GRADIENT_STEPS) {
                double up = lossAt(t, x, ctx, moved, saved, direction, h * invNorm, w1, w2);
                double down = lossAt(t, x, ctx, moved, saved, direction, -h * invNorm, w1, w2);
                double n = (up - down) / (2 * h);
                double e = Math.abs(analytic - n) / (1.0 + Math.max(Math.abs(analytic), Math.abs(n)));
                tried.add(String.format(Locale.ROOT, "%.2e at h %.0e", e, h));
                if (Double.isNaN(err) || e < err) {
                    err = e;
                    numeric = n;
                    step = h;
                }
                if (e <= tolerance) {
                    break;
                }
            }
        } finally {
            for (int j = 0; j < moved.size(); j++) {
                Tensor value = moved.get(j).value();
                for (int i = 0; i < value.numel(); i++) {
                    value.set(i, saved.get(j).get(i));
                }
            }
        }
        String what = String.format(Locale.ROOT, "<dL/dtheta, v> %.10g vs central difference %.10g (h %.0e)%s, %d"
                + " parameters in %d tensors", analytic, numeric, step,
                tried.size() > 1 ? " (errors " + String.join(", ", tried) + ")" : "", elements, trainable.size());
        boolean ok = bad.isEmpty() && !Double.isNaN(err) && err <= tolerance;
        return new PropertyResult(PARAMETER_GRADIENTS, ok, err, tolerance,
                bad.isEmpty() ? what + "; all finite and non-zero" : "bad: " + String.join(", ", bad) + "; " + what);
    }

    /**
     * {@code L = sum(w1 * y) + sum(w2 * logDet)} without a graph, with each parameter in {@code moved} set to
     * {@code saved + step * direction} in place; the caller restores the saved values.
     */
    private static double lossAt(Transform t, Tensor x, Variable ctx, List<Parameter> moved, List<Tensor> saved,
            List<Tensor> direction, double step, Tensor w1, Tensor w2) {
        for (int j = 0; j < moved.size(); j++) {
            Tensor value = moved.get(j).value();
            Tensor orig = saved.get(j);
            Tensor v = direction.get(j);
            for (int i = 0; i < value.numel(); i++) {
                value.set(i, orig.get(i) + step * v.get(i));
            }
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed r = t.forward(Variable.constant(x), ctx);
            return dot(w1, r.output().value()) + dot(w2, r.logDet().value());
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double sum = 0;
        for (int i = 0; i < a.numel(); i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    private PropertyResult extremes(Transform t, Variable ctx) {
        int n = batch;
        Tensor x = extremesOf(t.domain(), n, t.features());
        Tensor y = extremesOf(t.codomain(), n, t.features());
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed f = t.forward(Variable.constant(x), ctx);
            Transformed b = t.inverse(Variable.constant(y), ctx);
            List<String> bad = new ArrayList<>();
            if (f.output().value().hasNonFinite() || f.logDet().value().hasNonFinite()) {
                bad.add("forward");
            }
            if (b.output().value().hasNonFinite() || b.logDet().value().hasNonFinite()) {
                bad.add("inverse");
            }
            return new PropertyResult("extreme inputs", bad.isEmpty(), 0, 0, bad.isEmpty()
                    ? "finite outputs and log-dets at the domain's extremes"
                    : "non-finite output or log-det in " + String.join(" and ", bad));
        }
    }

    private PropertyResult nanInput(Transform t, Tensor x, Variable ctx) {
        Tensor bad = x.copy();
        bad.set(0, Double.NaN);
        try (GradMode.Scope s = GradMode.noGrad()) {
            Transformed r = t.forward(Variable.constant(bad), ctx);
            return new PropertyResult("NaN input", false, 0, 0, "returned " + (r.output().value().hasNonFinite()
                    ? "NaN output" : "a finite output") + " instead of raising IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            return new PropertyResult("NaN input", true, 0, 0, "raised: " + e.getMessage());
        }
    }

    private PropertyResult numeric(String property, double err, String what) {
        boolean ok = !Double.isNaN(err) && err <= tolerance;
        return new PropertyResult(property, ok, err, tolerance, what);
    }

    private static double nanMax(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }
}
