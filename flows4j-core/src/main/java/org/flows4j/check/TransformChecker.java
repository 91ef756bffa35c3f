package org.flows4j.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.DeterminantOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
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
 *   <li><b>parameter gradients</b>: every trainable parameter gets a finite, non-zero gradient from the
 *       loss {@code -mean(log N(f(x); 0, I) + logDet)};</li>
 *   <li><b>extreme inputs</b>: outputs and log-dets stay finite at the domain's extremes (±10 for reals,
 *       {@code 1e-6} from the bounds of an open interval, the bounds themselves for a closed one,
 *       {@code 1e-4} and {@code 1e4} for the positive reals) in both directions;</li>
 *   <li><b>NaN input</b>: a NaN input raises IllegalArgumentException instead of returning NaN.</li>
 * </ol>
 * The transform is checked in evaluation mode (its mode is restored afterwards) unless
 * {@link #trainingMode(boolean)} says otherwise. With {@link #parameterNoise(double)} the checker first
 * adds seeded noise to every parameter, in place, so that zero-initialized layers (which start as the
 * identity) are exercised too. Errors are relative to {@code max(1, |value|)}; the default tolerance is
 * 1e-8. Cost: about {@code D + 6} forward passes and {@code D + 1} backward passes of a small batch.
 */
public final class TransformChecker {
    private double tolerance = 1e-8;
    private int batch = 6;
    private long seed = 1234;
    private double parameterNoise;
    private boolean trainingMode;

    /** A checker with the default settings. */
    public TransformChecker() {
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
            out.add(guard("parameter gradients", () -> parameterGradients(t, x, ctx)));
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
            return new PropertyResult("parameter gradients", true, 0, 0, "no parameters");
        }
        t.zeroGrad();
        try (GradMode.Scope s = GradMode.enableGrad()) {
            Transformed r = t.forward(Variable.constant(x), ctx);
            Variable base = ArithmeticOps.mulScalar(ReduceOps.sum(ArithmeticOps.square(r.output()), 1, false), -0.5);
            Variable loss = ArithmeticOps.mulScalar(ReduceOps.mean(ArithmeticOps.add(base, r.logDet())), -1.0);
            loss.backward();
        }
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (e.getValue().isFrozen()) {
                continue;
            }
            Tensor g = e.getValue().grad();
            if (g == null) {
                bad.add(e.getKey() + " (no gradient)");
            } else if (g.hasNonFinite()) {
                bad.add(e.getKey() + " (non-finite)");
            } else {
                boolean nonZero = false;
                for (int i = 0; i < g.numel() && !nonZero; i++) {
                    nonZero = g.get(i) != 0.0;
                }
                if (!nonZero) {
                    bad.add(e.getKey() + " (all zero)");
                }
            }
        }
        t.zeroGrad();
        return new PropertyResult("parameter gradients", bad.isEmpty(), 0, 0,
                bad.isEmpty() ? params.size() + " parameters, all finite and non-zero" : "bad: " + String.join(", ", bad));
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
