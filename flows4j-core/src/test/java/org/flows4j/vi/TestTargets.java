package org.flows4j.vi;

import java.util.function.UnaryOperator;
import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Affine;

/** Targets with a known log-normalizer, written with the engine's ops, for the tests of this package. */
final class TestTargets {
    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);

    private TestTargets() {
    }

    /**
     * {@code log p~(x) = log N(x; mu, L L^T) + logZ}: a Gaussian with lower-triangular Cholesky factor {@code L},
     * scaled by {@code Z}.
     */
    static Target gaussian(double[] mu, double[][] chol, double logZ, DType dtype) {
        int d = mu.length;
        double[][] wt = new double[d][d]; // wt[i][j] = (L^-1)[j][i]: row i is column i of L^-1
        double logDetL = 0;
        for (int i = 0; i < d; i++) {
            logDetL += Math.log(chol[i][i]);
            double[] e = new double[d];
            e[i] = 1;
            double[] col = forwardSolve(chol, e);
            for (int j = 0; j < d; j++) {
                wt[i][j] = col[j];
            }
        }
        Tensor mean = Tensor.of(mu, d).to(dtype);
        Tensor inverseT = Tensor.of(wt).to(dtype);
        double constant = logZ - 0.5 * d * LOG_TWO_PI - logDetL;
        return of(d, logZ, x -> {
            Variable y = LinalgOps.matmul(ArithmeticOps.sub(x, Variable.constant(mean)), Variable.constant(inverseT));
            Variable sq = ReduceOps.sum(ArithmeticOps.square(y), 1, false);
            return ArithmeticOps.addScalar(ArithmeticOps.mulScalar(sq, -0.5), constant);
        });
    }

    /** {@code log p~(x) = log sum_k w_k N(x; mu_k, s_k^2 I) + logZ}: an isotropic Gaussian mixture scaled by {@code Z}. */
    static Target mixture(double[] weights, double[][] means, double[] sds, double logZ, DType dtype) {
        int d = means[0].length;
        return of(d, logZ, x -> {
            int n = x.size(0);
            Variable[] parts = new Variable[weights.length];
            for (int k = 0; k < weights.length; k++) {
                Variable z = ArithmeticOps.mulScalar(ArithmeticOps.sub(x, Variable.constant(Tensor.of(means[k], d)
                        .to(dtype))), 1 / sds[k]);
                Variable sq = ReduceOps.sum(ArithmeticOps.square(z), 1, false);
                double c = Math.log(weights[k]) - 0.5 * d * LOG_TWO_PI - d * Math.log(sds[k]) + logZ;
                parts[k] = ShapeOps.reshape(ArithmeticOps.addScalar(ArithmeticOps.mulScalar(sq, -0.5), c), n, 1);
            }
            return ReduceOps.logSumExp(IndexOps.concat(1, parts), 1, false);
        });
    }

    /** The target on {@code d} features with {@code log p~ = logDensity(x)} and the given {@code log Z} (NaN: unknown). */
    static Target of(int d, double logZ, UnaryOperator<Variable> logDensity) {
        return new Target() {
            @Override
            public int features() {
                return d;
            }

            @Override
            public Variable logDensity(Variable x) {
                return logDensity.apply(x);
            }

            @Override
            public double logNormalizer() {
                return logZ;
            }
        };
    }

    /** {@code log(x_0 + c)} of each row, NaN where {@code x_0 < -c}. */
    static Variable logOfFirstPlus(Variable x, double c) {
        Variable x0 = IndexOps.slice(x, 1, 0, 1);
        return ReduceOps.sum(ActivationOps.log(ArithmeticOps.addScalar(x0, c)), 1, false);
    }

    /**
     * The flow {@code z = shift + e^s x} (data to latent) on a standard normal: {@code x ~ N(-shift e^-s, e^-2s)}
     * per coordinate, with learnable {@code shift} and {@code s}.
     */
    static Flow affineFlow(double[] shift, double[] logScale) {
        Affine a = Affine.learnable(shift.length, DType.FLOAT64);
        for (int j = 0; j < shift.length; j++) {
            a.parameters().get("shift").value().set(j, shift[j]);
            a.parameters().get("logScale").value().set(j, logScale[j]);
        }
        return new Flow(a, new StandardNormal(shift.length, DType.FLOAT64));
    }

    /** The target that {@link #affineFlow} equals, scaled by {@code Z}. */
    static Target affineFlowTarget(double[] shift, double[] logScale, double logZ) {
        int d = shift.length;
        double[] mean = new double[d];
        double[][] chol = new double[d][d];
        for (int j = 0; j < d; j++) {
            mean[j] = -shift[j] * Math.exp(-logScale[j]);
            chol[j][j] = Math.exp(-logScale[j]);
        }
        return gaussian(mean, chol, logZ, DType.FLOAT64);
    }

    /** Adds {@code scale} times a standard normal draw to every parameter of {@code m}, so no layer is the identity. */
    static void perturb(org.flows4j.nn.Module m, long seed, double scale) {
        Rng rng = new Rng(seed);
        for (Parameter p : m.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, v.get(i) + scale * rng.nextGaussian());
            }
        }
    }

    private static double[] forwardSolve(double[][] l, double[] b) {
        int d = b.length;
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int j = 0; j < i; j++) {
                s -= l[i][j] * x[j];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
