package org.flows4j.vi;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.Elementwise;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * The pieces the built-in targets are written with: a column of a batch, a Gaussian exponent, a
 * log-sum-exp of two terms, {@code sin} (which the engine lacks), and the restriction to a box.
 */
final class TargetOps {
    private TargetOps() {
    }

    /** Throws unless {@code x} is {@code [N, features]}, naming the target and both shapes. */
    static void checkRows(String target, int features, Variable x) {
        if (x.rank() != 2 || x.size(1) != features) {
            throw new ShapeMismatchException("target " + target + ": expected rows of shape [N, " + features
                    + "], got " + Shape.str(x.shape()));
        }
    }

    /** Column {@code j} of {@code x [N, D]} as {@code [N]}. */
    static Variable column(Variable x, int j) {
        return ShapeOps.reshape(IndexOps.slice(x, 1, j, j + 1), x.size(0));
    }

    /** {@code -(a / s)^2 / 2} element by element. */
    static Variable gaussianExponent(Variable a, double s) {
        return ArithmeticOps.mulScalar(ArithmeticOps.square(a), -0.5 / (s * s));
    }

    /** {@code log(e^a + e^b)} of two {@code [N]} variables, with the larger term factored out (no overflow). */
    static Variable logSumExp(Variable a, Variable b) {
        int n = a.size(0);
        Variable pair = IndexOps.concat(1, ShapeOps.reshape(a, n, 1), ShapeOps.reshape(b, n, 1));
        return ReduceOps.logSumExp(pair, 1, false);
    }

    /** {@code sin a}, backward {@code g cos a}. */
    static Variable sin(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("sin", Elementwise.map(av, Math::sin),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u * Math.cos(x), "sin")}, a);
    }

    /**
     * {@code logp} where the row of {@code x} lies in the closed box, {@code -infinity} where some coordinate is
     * below its lower or above its upper bound (a NaN coordinate keeps {@code logp}, so it stays visible).
     * Closed, so that a flow whose last step saturates onto the boundary still gets a finite value there.
     */
    static Variable restrict(Box box, Variable x, Variable logp) {
        Tensor xv = x.value();
        double[] low = box.low();
        double[] high = box.high();
        int n = xv.size(0);
        int d = xv.size(1);
        Tensor inside = Tensor.zeros(DType.FLOAT64, n);
        for (int i = 0; i < n; i++) {
            boolean in = true;
            for (int j = 0; j < d && in; j++) {
                double v = xv.get(i * d + j);
                in = !(v < low[j] || v > high[j]);
            }
            inside.set(i, in ? 1.0 : 0.0);
        }
        Variable outside = Variable.constant(Tensor.scalar(logp.dtype(), Double.NEGATIVE_INFINITY));
        return IndexOps.where(inside, logp, outside);
    }
}
