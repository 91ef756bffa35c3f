package org.flows4j.autodiff;

import org.flows4j.tensor.Elementwise;
import org.flows4j.tensor.Tensor;

/**
 * Binary arithmetic with broadcasting of size-1 axes: {@code a + b}, {@code a - b}, {@code a * b},
 * {@code a / b}, and their scalar forms. Gradients of broadcast operands are summed back to the
 * operand's shape ({@link Elementwise#sumToShape}).
 *
 * <p>Backward rules: d(a+b) = (g, g); d(a-b) = (g, -g); d(ab) = (g b, g a);
 * d(a/b) = (g / b, -g a / b^2).
 */
public final class ArithmeticOps {
    private ArithmeticOps() {
    }

    /** {@code a + b}. */
    public static Variable add(Variable a, Variable b) {
        Tensor out = Elementwise.zip(a.value(), b.value(), Double::sum, "add");
        return Variable.fromOp("add", out, g -> new Tensor[] {
            Elementwise.sumToShape(g, a.shape()), Elementwise.sumToShape(g, b.shape())}, a, b);
    }

    /** {@code a - b}. */
    public static Variable sub(Variable a, Variable b) {
        Tensor out = Elementwise.zip(a.value(), b.value(), (x, y) -> x - y, "sub");
        return Variable.fromOp("sub", out, g -> new Tensor[] {
            Elementwise.sumToShape(g, a.shape()),
            b.requiresGrad() ? Elementwise.sumToShape(Elementwise.map(g, v -> -v), b.shape()) : null}, a, b);
    }

    /** {@code a * b} element by element. */
    public static Variable mul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Elementwise.zip(av, bv, (x, y) -> x * y, "mul");
        return Variable.fromOp("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? Elementwise.sumToShape(Elementwise.zip(g, bv, (x, y) -> x * y, "mul"), a.shape()) : null,
            b.requiresGrad() ? Elementwise.sumToShape(Elementwise.zip(g, av, (x, y) -> x * y, "mul"), b.shape()) : null},
            a, b);
    }

    /** {@code a / b} element by element. */
    public static Variable div(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Elementwise.zip(av, bv, (x, y) -> x / y, "div");
        return Variable.fromOp("div", out, g -> new Tensor[] {
            a.requiresGrad() ? Elementwise.sumToShape(Elementwise.zip(g, bv, (x, y) -> x / y, "div"), a.shape()) : null,
            b.requiresGrad() ? Elementwise.sumToShape(
                    Elementwise.zip(Elementwise.zip(g, out, (x, y) -> -x * y, "div"), bv, (x, y) -> x / y, "div"),
                    b.shape()) : null},
            a, b);
    }

    /** {@code a + c} for a constant scalar {@code c}. */
    public static Variable addScalar(Variable a, double c) {
        return Variable.fromOp("addScalar", Elementwise.map(a.value(), x -> x + c), g -> new Tensor[] {g}, a);
    }

    /** {@code c * a} for a constant scalar {@code c}. */
    public static Variable mulScalar(Variable a, double c) {
        return Variable.fromOp("mulScalar", Elementwise.map(a.value(), x -> c * x),
                g -> new Tensor[] {Elementwise.map(g, v -> c * v)}, a);
    }

    /** {@code a^2}, backward {@code 2 a g}. */
    public static Variable square(Variable a) {
        Tensor av = a.value();
        return Variable.fromOp("square", Elementwise.map(av, x -> x * x),
                g -> new Tensor[] {Elementwise.zip(g, av, (u, x) -> 2 * x * u, "square")}, a);
    }
}
