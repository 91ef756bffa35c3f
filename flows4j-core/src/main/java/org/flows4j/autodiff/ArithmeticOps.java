package org.flows4j.autodiff;

import org.flows4j.tensor.kernel.BinaryKernels;
import org.flows4j.tensor.kernel.Elementwise;
import org.flows4j.tensor.Tensor;

/**
 * Binary arithmetic with broadcasting of size-1 axes: {@code a + b}, {@code a - b}, {@code a * b},
 * {@code a / b}, and their scalar forms. Gradients of broadcast operands are summed back to the
 * operand's shape ({@link Elementwise#sumToShape}).
 *
 * <p>Backward rules: d(a+b) = (g, g); d(a-b) = (g, -g); d(ab) = (g b, g a);
 * d(a/b) = (g / b, -g a / b^2). The unary ops ({@link #neg}, {@link #pow}, {@link #abs},
 * {@link #sqrt}, {@link #clamp}) state their rules in their own documentation.
 */
public final class ArithmeticOps {
    private ArithmeticOps() {
    }

    /** {@code a + b}. */
    public static Variable add(Variable a, Variable b) {
        Tensor out = BinaryKernels.zip(a.value(), b.value(), BinaryKernels.Op.ADD, "add");
        return Variable.fromOp("add", out, g -> new Tensor[] {
            Elementwise.sumToShape(g, a.shape()), Elementwise.sumToShape(g, b.shape())}, a, b);
    }

    /** {@code a - b}. */
    public static Variable sub(Variable a, Variable b) {
        Tensor out = BinaryKernels.zip(a.value(), b.value(), BinaryKernels.Op.SUB, "sub");
        return Variable.fromOp("sub", out, g -> new Tensor[] {
            Elementwise.sumToShape(g, a.shape()),
            b.requiresGrad() ? Elementwise.sumToShape(BinaryKernels.mulScalar(g, -1.0), b.shape()) : null}, a, b);
    }

    /** {@code a * b} element by element. */
    public static Variable mul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = BinaryKernels.zip(av, bv, BinaryKernels.Op.MUL, "mul");
        return Variable.fromOp("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? Elementwise.sumToShape(BinaryKernels.zip(g, bv, BinaryKernels.Op.MUL, "mul"), a.shape()) : null,
            b.requiresGrad() ? Elementwise.sumToShape(BinaryKernels.zip(g, av, BinaryKernels.Op.MUL, "mul"), b.shape()) : null},
            a, b);
    }

    /** {@code a / b} element by element. */
    public static Variable div(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = BinaryKernels.zip(av, bv, BinaryKernels.Op.DIV, "div");
        return Variable.fromOp("div", out, g -> new Tensor[] {
            a.requiresGrad() ? Elementwise.sumToShape(BinaryKernels.zip(g, bv, BinaryKernels.Op.DIV, "div"), a.shape()) : null,
            b.requiresGrad() ? Elementwise.sumToShape(
                    Elementwise.zip(Elementwise.zip(g, out, (x, y) -> -x * y, "div"), bv, (x, y) -> x / y, "div"),
                    b.shape()) : null},
            a, b);
    }

    /** {@code a + c} for a constant scalar {@code c}. */
    public static Variable addScalar(Variable a, double c) {
        return Variable.fromOp("addScalar", BinaryKernels.addScalar(a.value(), c), g -> new Tensor[] {g}, a);
    }

    /** {@code c * a} for a constant scalar {@code c}. */
    public static Variable mulScalar(Variable a, double c) {
        return Variable.fromOp("mulScalar", BinaryKernels.mulScalar(a.value(), c),
                g -> new Tensor[] {BinaryKernels.mulScalar(g, c)}, a);
    }

    /** {@code a^2}, backward {@code 2 a g}. */
    public static Variable square(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("square", Elementwise.map(av, x -> x * x),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> 2 * x * u, "square")}, a);
    }

    /** {@code -a}, backward {@code -g}. */
    public static Variable neg(Variable a) {
        return Variable.fromOp("neg", BinaryKernels.mulScalar(a.value(), -1.0),
                g -> new Tensor[] {BinaryKernels.mulScalar(g, -1.0)}, a);
    }

    /**
     * {@code a^p} element by element, as {@link Math#pow} defines it (a negative base with a
     * non-integer {@code p} gives NaN). Backward {@code g p a^(p-1)}, and 0 for {@code p = 0}.
     */
    public static Variable pow(Variable a, double p) {
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException("pow: the exponent must be a number, got NaN");
        }
        Tensor av = a.value();
        return Variable.fromOp("pow", Elementwise.map(av, x -> Math.pow(x, p)),
                g -> new Tensor[] {p == 0.0 ? g.zerosLike()
                        : Elementwise.zip(g, av, (u, x) -> u * p * Math.pow(x, p - 1.0), "pow")}, a);
    }

    /** {@code |a|}, backward {@code g sign(a)} (0 at {@code a = 0}, a subgradient). */
    public static Variable abs(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("abs", Elementwise.map(av, Math::abs),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> u * Math.signum(x), "abs")}, a);
    }

    /**
     * {@code sqrt(a)} (NaN for negative entries), backward {@code g / (2 sqrt(a))}, which is
     * infinite at {@code a = 0}.
     */
    public static Variable sqrt(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::sqrt);
        return Variable.fromOp("sqrt", y,
                g -> new Tensor[] {Elementwise.zip(g, y, (u, s) -> u / (2.0 * s), "sqrt")}, a);
    }

    /**
     * {@code min(max(a, lo), hi)} element by element. Backward {@code g} where
     * {@code lo <= a <= hi} and 0 outside. Requires {@code lo <= hi} (either may be infinite).
     */
    public static Variable clamp(Variable a, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: expected lo <= hi, got lo = " + lo + ", hi = " + hi);
        }
        Tensor av = a.value();
        return Variable.fromOp("clamp", Elementwise.map(av, x -> Math.min(Math.max(x, lo), hi)),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> x >= lo && x <= hi ? u : 0.0, "clamp")}, a);
    }
}
