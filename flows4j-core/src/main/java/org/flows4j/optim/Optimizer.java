package org.flows4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Base of the optimizers: a fixed, named set of parameters, a learning rate that a schedule may
 * change between steps, and per-parameter state slots allocated once at construction and reused.
 *
 * <p>{@link #step()} applies the subclass's update to every parameter that has a gradient and is
 * not frozen, in place on the parameter's tensor; others are skipped (their state is untouched).
 * The caller runs {@code zeroGrad(); loss.backward(); step();} in a loop.
 *
 * <p>{@link #state()} is a plain map, ready for a checkpoint: {@code "lr"} (Double), {@code "steps"}
 * (Long, the number of {@code step()} calls), and for each slot and parameter {@code "slot.name"}
 * (a Tensor copy, or a Long for counters). {@link #loadState} restores it exactly. Hyperparameters
 * other than the learning rate belong to the constructor, not to the state.
 *
 * <p>Not thread-safe: one thread steps an optimizer.
 */
public abstract class Optimizer {
    private final String kind;
    private final String[] names;
    private final Parameter[] params;
    private final Map<String, Tensor[]> tensorSlots = new LinkedHashMap<>();
    private final Map<String, long[]> counterSlots = new LinkedHashMap<>();
    private double learningRate;
    private long steps;

    /**
     * An optimizer over {@code params} (usually {@code module.parameters()}); {@code kind} names it
     * in error messages.
     */
    protected Optimizer(String kind, Map<String, Parameter> params, double learningRate) {
        this.kind = kind;
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(kind + ": the parameter map is empty");
        }
        this.names = params.keySet().toArray(new String[0]);
        this.params = params.values().toArray(new Parameter[0]);
        for (int i = 0; i < this.params.length; i++) {
            if (this.params[i] == null) {
                throw new IllegalArgumentException(kind + ": parameter '" + names[i] + "' is null");
            }
        }
        setLearningRate(learningRate);
    }

    /**
     * Updates parameter {@code index} in place from its gradient {@code grad} (same shape and dtype
     * as {@code param}) with learning rate {@code lr}. Called concurrently for different indices: an
     * implementation may touch only the state of {@code index}.
     */
    protected abstract void update(int index, Tensor param, Tensor grad, double lr);

    /** Scalar operations per parameter element in an update, for {@link Parallel#forRange}'s work estimate. */
    private static final int PARAMETER_WORK = 20;

    /**
     * One optimization step over every parameter that has a gradient and is not frozen. Parameters
     * are independent, so they are spread over the kernel threads ({@link Parallel}); each one's update
     * is the same loop whatever the split. (Splitting one parameter's elements instead made the JIT
     * give up vectorizing the loop, which ran 3x slower.)
     */
    public final void step() {
        long work = 0;
        for (Parameter p : params) {
            work += (long) PARAMETER_WORK * p.numel();
        }
        double lr = learningRate;
        Parallel.forRange(params.length, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                Parameter p = params[i];
                Tensor g = p.grad();
                if (g != null && !p.isFrozen()) {
                    update(i, p.value(), g, lr);
                }
            }
        });
        steps++;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /** The learning rate the next step uses. */
    public final double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate for the following steps (a schedule calls this before each step). */
    public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(kind + ": learning rate must be finite and >= 0, got " + lr);
        }
        this.learningRate = lr;
    }

    /** Number of {@link #step()} calls so far. */
    public final long steps() {
        return steps;
    }

    /** A copy of the parameter map, by name in the order given. */
    public final Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            out.put(names[i], params[i]);
        }
        return out;
    }

    /** Allocates a per-parameter slot of zero tensors shaped like the parameters; call from constructors. */
    protected final Tensor[] addTensorSlot(String slot) {
        checkNewSlot(slot);
        Tensor[] t = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            t[i] = params[i].value().zerosLike();
        }
        tensorSlots.put(slot, t);
        return t;
    }

    /** Allocates a per-parameter counter slot starting at 0; call from constructors. */
    protected final long[] addCounterSlot(String slot) {
        checkNewSlot(slot);
        long[] c = new long[params.length];
        counterSlots.put(slot, c);
        return c;
    }

    private void checkNewSlot(String slot) {
        if (slot.isEmpty() || slot.contains(".") || slot.equals("lr") || slot.equals("steps")
                || tensorSlots.containsKey(slot) || counterSlots.containsKey(slot)) {
            throw new IllegalArgumentException(kind + ": bad or duplicate state slot name '" + slot + "'");
        }
    }

    /** The full state as plain values: Double, Long and Tensor copies (see the class comment). */
    public final LinkedHashMap<String, Object> state() {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("lr", learningRate);
        out.put("steps", steps);
        for (Map.Entry<String, Tensor[]> e : tensorSlots.entrySet()) {
            for (int i = 0; i < params.length; i++) {
                out.put(e.getKey() + "." + names[i], e.getValue()[i].copy());
            }
        }
        for (Map.Entry<String, long[]> e : counterSlots.entrySet()) {
            for (int i = 0; i < params.length; i++) {
                out.put(e.getKey() + "." + names[i], e.getValue()[i]);
            }
        }
        return out;
    }

    /**
     * Restores a state produced by {@link #state()} of an optimizer of the same kind over the same
     * parameter names. Every key must be present and none unexpected; numbers must be numbers
     * (counters whole), tensors must have the slot's shape and dtype. Everything is checked before
     * anything changes.
     *
     * @throws IllegalArgumentException naming the offending keys
     * @throws ShapeMismatchException for a state tensor of the wrong shape
     */
    public final void loadState(Map<String, ?> state) {
        LinkedHashMap<String, Object> expected = state();
        List<String> missing = new ArrayList<>();
        for (String key : expected.keySet()) {
            if (state.get(key) == null) {
                missing.add(key);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(kind + ".loadState: keys do not match"
                    + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected));
        }
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            checkEntry(e.getKey(), e.getValue(), state.get(e.getKey()));
        }
        learningRate = ((Number) state.get("lr")).doubleValue();
        steps = ((Number) state.get("steps")).longValue();
        for (Map.Entry<String, Tensor[]> e : tensorSlots.entrySet()) {
            for (int i = 0; i < params.length; i++) {
                e.getValue()[i].copyFrom((Tensor) state.get(e.getKey() + "." + names[i]));
            }
        }
        for (Map.Entry<String, long[]> e : counterSlots.entrySet()) {
            for (int i = 0; i < params.length; i++) {
                e.getValue()[i] = ((Number) state.get(e.getKey() + "." + names[i])).longValue();
            }
        }
    }

    private void checkEntry(String key, Object mine, Object given) {
        String where = kind + ".loadState: '" + key + "'";
        if (mine instanceof Tensor) {
            if (!(given instanceof Tensor)) {
                throw new IllegalArgumentException(where + " expected a Tensor, got "
                        + given.getClass().getSimpleName());
            }
            Tensor m = (Tensor) mine;
            Tensor g = (Tensor) given;
            if (!Arrays.equals(m.shape(), g.shape())) {
                throw new ShapeMismatchException(where + " expected shape " + Shape.str(m.shape()) + ", got "
                        + Shape.str(g.shape()));
            }
            if (m.dtype() != g.dtype()) {
                throw new IllegalArgumentException(where + " expected dtype " + m.dtype() + ", got " + g.dtype());
            }
            return;
        }
        if (!(given instanceof Number)) {
            throw new IllegalArgumentException(where + " expected a number, got " + given.getClass().getSimpleName());
        }
        double v = ((Number) given).doubleValue();
        if (key.equals("lr")) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(where + " must be finite and >= 0, got " + v);
            }
        } else if (v < 0 || v != Math.rint(v)) {
            throw new IllegalArgumentException(where + " must be a whole number >= 0, got " + given);
        }
    }
}
