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

/** Small hand-written transforms for checker tests: one correct, and three deliberately broken. */
final class TestTransforms {
    private TestTransforms() {
    }

    /** y = x e^s + b with log-det sum(s); {@code sign} -1 reports the wrong sign. */
    static final class ScaleShift extends Transform {
        private final Parameter s;
        private final Parameter b;
        private final double sign;

        ScaleShift(int d, double sign) {
            super(d, 0);
            Rng rng = new Rng(7);
            this.s = registerParameter("s", Tensor.rand(rng, DType.FLOAT64, -0.5, 0.5, d));
            this.b = registerParameter("b", Tensor.randn(rng, DType.FLOAT64, d));
            this.sign = sign;
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
}
