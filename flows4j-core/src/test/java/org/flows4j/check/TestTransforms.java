package org.flows4j.check;

import org.flows4j.autodiff.ActivationOps;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/** Small hand-written transforms for checker tests: correct ones, and deliberately broken ones. */
final class TestTransforms {
    private TestTransforms() {
    }

    /**
     * y = x e^s + b with log-det sum(s); {@code sign} -1 reports the wrong sign. With {@code unused} it also
     * registers a parameter "unused" that the map never reads, so it never gets a gradient.
     */
    static final class ScaleShift extends Transform {
        private final Parameter s;
        private final Parameter b;
        private final double sign;

        ScaleShift(int d, double sign) {
            this(d, sign, false);
        }

        ScaleShift(int d, double sign, boolean unused) {
            super(d, 0);
            Rng rng = new Rng(7);
            this.s = registerParameter("s", Tensor.rand(rng, DType.FLOAT64, -0.5, 0.5, d));
            this.b = registerParameter("b", Tensor.randn(rng, DType.FLOAT64, d));
            this.sign = sign;
            if (unused) {
                registerParameter("unused", Tensor.randn(rng, DType.FLOAT64, d));
            }
        }

        private Variable logDet(int n) {
            Variable per = ReduceOps.sum(s.variable());
            Variable rows = ArithmeticOps.add(Variable.constant(Tensor.zeros(DType.FLOAT64, n)), per);
            return ArithmeticOps.mulScalar(rows, sign);
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            Variable y = ArithmeticOps.add(ArithmeticOps.mul(x, ActivationOps.exp(s.variable())), b.variable());
            return new Transformed(y, logDet(x.size(0)));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            Variable x = ArithmeticOps.mul(ArithmeticOps.sub(y, b.variable()), ActivationOps.exp(ArithmeticOps.neg(s.variable())));
            return new Transformed(x, ArithmeticOps.neg(logDet(y.size(0))));
        }
    }

    /** Collapses every row onto the diagonal: y = (x1 + x2, x1 + x2), claiming log-det 0. */
    static final class Collapse extends Transform {
        Collapse() {
            super(2, 0);
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            Variable s = ReduceOps.sum(x, 1, true);
            return new Transformed(IndexOps.concat(1, s, s), Variable.constant(Tensor.zeros(x.dtype(), x.size(0))));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            return new Transformed(ArithmeticOps.mulScalar(y, 0.5), Variable.constant(Tensor.zeros(y.dtype(), y.size(0))));
        }
    }

    /** Adds a tenth of the batch mean to every row: invertible per batch but not row by row. */
    static final class RowMixing extends Transform {
        RowMixing(int d) {
            super(d, 0);
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            Variable mean = ReduceOps.mean(x, 0, true);
            return new Transformed(ArithmeticOps.add(x, ArithmeticOps.mulScalar(mean, 0.1)),
                    Variable.constant(Tensor.zeros(x.dtype(), x.size(0))));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            Variable mean = ReduceOps.mean(y, 0, true);
            return new Transformed(ArithmeticOps.sub(y, ArithmeticOps.mulScalar(mean, 0.1 / 1.1)),
                    Variable.constant(Tensor.zeros(y.dtype(), y.size(0))));
        }
    }

    /**
     * y = x e^a + b (log-det sum(a) per row) as one custom op whose backward rule is written by hand: exact
     * for x and b, and for a it returns {@code aGradFactor} times the true gradient. With {@code logDetOnGraph}
     * false the log-det is a constant computed from a's value, so the loss's dependence on a through the
     * log-det is lost. Values, the inverse and the gradient with respect to x are right in every setting.
     */
    static final class HandWrittenScaleShift extends Transform {
        private final Parameter a;
        private final Parameter b;
        private final double aGradFactor;
        private final boolean logDetOnGraph;

        HandWrittenScaleShift(int d, double aGradFactor, boolean logDetOnGraph) {
            super(d, 0);
            Rng rng = new Rng(11);
            this.a = registerParameter("a", Tensor.rand(rng, DType.FLOAT64, -0.5, 0.5, d));
            this.b = registerParameter("b", Tensor.randn(rng, DType.FLOAT64, d));
            this.aGradFactor = aGradFactor;
            this.logDetOnGraph = logDetOnGraph;
        }

        private Variable logDet(int n, double sign) {
            Variable rows = ArithmeticOps.add(Variable.constant(Tensor.zeros(DType.FLOAT64, n)),
                    ReduceOps.sum(a.variable()));
            Variable signed = ArithmeticOps.mulScalar(rows, sign);
            return logDetOnGraph ? signed : signed.detach();
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            int n = x.size(0);
            int d = x.size(1);
            Tensor xv = x.value();
            Tensor av = a.variable().value();
            Tensor bv = b.variable().value();
            Tensor y = Tensor.zeros(DType.FLOAT64, n, d);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    y.set(i * d + k, xv.get(i * d + k) * Math.exp(av.get(k)) + bv.get(k));
                }
            }
            Variable out = Variable.fromOp("handWrittenScaleShift", y, g -> {
                Tensor gx = Tensor.zeros(DType.FLOAT64, n, d);
                Tensor ga = Tensor.zeros(DType.FLOAT64, d);
                Tensor gb = Tensor.zeros(DType.FLOAT64, d);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d; k++) {
                        double gy = g.get(i * d + k);
                        double scale = Math.exp(av.get(k));
                        gx.set(i * d + k, gy * scale);
                        ga.set(k, ga.get(k) + aGradFactor * gy * xv.get(i * d + k) * scale);
                        gb.set(k, gb.get(k) + gy);
                    }
                }
                return new Tensor[] {gx, ga, gb};
            }, x, a.variable(), b.variable());
            return new Transformed(out, logDet(n, 1.0));
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            Variable x = ArithmeticOps.mul(ArithmeticOps.sub(y, b.variable()),
                    ActivationOps.exp(ArithmeticOps.neg(a.variable())));
            return new Transformed(x, logDet(y.size(0), -1.0));
        }
    }
}
