package org.flows4j.vi;

import java.util.function.UnaryOperator;
import org.flows4j.autodiff.Variable;

/**
 * A built-in target: a name, a dimension, a known {@code log Z}, an optional box, and {@code log p~} as a function
 * of a checked batch written with the engine's ops. On a box, rows outside get {@code -infinity}
 * ({@link TargetOps#restrict}).
 */
final class FormulaTarget implements Target {
    private final String name;
    private final int features;
    private final double logNormalizer;
    private final Box support;
    private final UnaryOperator<Variable> formula;

    FormulaTarget(String name, int features, double logNormalizer, Box support, UnaryOperator<Variable> formula) {
        this.name = name;
        this.features = features;
        this.logNormalizer = logNormalizer;
        this.support = support;
        this.formula = formula;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public Variable logDensity(Variable x) {
        TargetOps.checkRows(name, features, x);
        Variable logp = formula.apply(x);
        return support == null ? logp : TargetOps.restrict(support, x, logp);
    }

    @Override
    public Box support() {
        return support;
    }

    @Override
    public double logNormalizer() {
        return logNormalizer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "target " + name + " (D = " + features + (support == null ? "" : ", on a box") + ", log Z = "
                + logNormalizer + ")";
    }
}
