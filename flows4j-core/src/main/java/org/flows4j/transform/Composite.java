package org.flows4j.transform;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.Variable;

/**
 * A chain {@code f = f_K o ... o f_1}: forward applies {@code f_1} first and adds the log-dets,
 * {@code log |det df/dx| = sum_k log |det df_k/dh_{k-1}|}; inverse applies the inverses in reverse
 * order. The context, if any, is passed to every step. Cost: the sum of the steps' costs.
 */
public final class Composite extends Transform implements Part {
    private final List<Transform> steps;

    /** A chain of {@code steps}, applied in the given order in the forward direction. */
    public Composite(List<? extends Transform> steps) {
        super(checkSteps(steps), maxContext(steps));
        this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
        for (int i = 0; i < steps.size(); i++) {
            registerModule(Integer.toString(i), steps.get(i));
        }
    }

    /** A chain of the given steps. */
    public Composite(Transform... steps) {
        this(List.of(steps));
    }

    private static int checkSteps(List<? extends Transform> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("Composite: needs at least one transform, got none");
        }
        int d = steps.get(0).features();
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).features() != d) {
                throw new IllegalArgumentException("Composite: step " + i + " (" + steps.get(i).getClass().getSimpleName()
                        + ") has " + steps.get(i).features() + " features, expected " + d + " like step 0");
            }
        }
        return d;
    }

    private static int maxContext(List<? extends Transform> steps) {
        int c = 0;
        for (Transform t : steps) {
            c = Math.max(c, t.contextFeatures());
        }
        return c;
    }

    /** The steps in forward order (read-only). */
    public List<Transform> steps() {
        return steps;
    }

    @Override
    public Domain domain() {
        return steps.get(0).domain();
    }

    @Override
    public Domain codomain() {
        return steps.get(steps.size() - 1).codomain();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable h = x;
        Variable total = null;
        for (Transform t : steps) {
            Transformed r = t.applyForward(h, context);
            h = r.output();
            total = total == null ? r.logDet() : ArithmeticOps.add(total, r.logDet());
        }
        return new Transformed(h, total);
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        Variable h = y;
        Variable total = null;
        for (int k = steps.size() - 1; k >= 0; k--) {
            Transformed r = steps.get(k).applyInverse(h, context);
            h = r.output();
            total = total == null ? r.logDet() : ArithmeticOps.add(total, r.logDet());
        }
        return new Transformed(h, total);
    }

    /** Type {@code composite}: {@code steps}, the steps' configs in forward order. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("composite").with("steps", Parts.describeAll(steps));
    }
}
