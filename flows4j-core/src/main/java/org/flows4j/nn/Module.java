package org.flows4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Base of every layer: holds named {@link Parameter}s, named buffers (non-trainable tensors that
 * belong to the state, such as running statistics) and named child modules, each in insertion order.
 *
 * <p>Registration happens in the subclass constructor; afterwards the structure is fixed, so
 * forward passes may run from several threads at once (in no-grad mode) as long as subclasses keep
 * no mutable scratch state. Names are non-empty, contain no dot and are unique within a module;
 * the collected names are dotted paths such as {@code layers.0.weight}. Collection visits a
 * module's own parameters, then its buffers, then its children recursively (pre-order), and lists a
 * parameter shared between modules once, under the first name it is reached by.
 *
 * <p>A module starts in training mode; {@link #train(boolean)} sets the mode of the whole tree.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private volatile boolean training = true;

    /** An empty module; subclasses register their parts in their constructor. */
    protected Module() {
    }

    /** Registers a new trainable parameter owning {@code value} under {@code name}; returns it. */
    protected final Parameter registerParameter(String name, Tensor value) {
        return registerParameter(name, new Parameter(name, value));
    }

    /** Registers an existing parameter (possibly shared with another module) under {@code name}. */
    protected final Parameter registerParameter(String name, Parameter parameter) {
        checkNewName(name);
        if (parameter == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name + "' is null");
        }
        params.put(name, parameter);
        return parameter;
    }

    /** Registers a non-trainable tensor that is part of the state dict; returns it. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkNewName(name);
        if (value == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' is null");
        }
        buffers.put(name, value);
        return value;
    }

    /** Registers {@code module} as a child under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName(name);
        if (module == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": child module '" + name + "' is null");
        }
        if (((Module) module).contains(this)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": registering '" + name
                    + "' would make the module tree cyclic");
        }
        children.put(name, module);
        return module;
    }

    private boolean contains(Module m) {
        if (this == m) {
            return true;
        }
        for (Module c : children.values()) {
            if (c.contains(m)) {
                return true;
            }
        }
        return false;
    }

    private void checkNewName(String name) {
        String owner = getClass().getSimpleName();
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(owner + ": a name must be non-empty and contain no '.', got '"
                    + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(owner + ": the name '" + name + "' is already registered");
        }
    }

    /** The direct children, by name, in registration order (read-only). */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All parameters of this module and its descendants by dotted name, each distinct parameter once. */
    public final LinkedHashMap<String, Parameter> parameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out, new IdentityHashMap<>());
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out, Map<Parameter, Boolean> seen) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (seen.put(e.getValue(), Boolean.TRUE) == null) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectParameters(prefix + e.getKey() + ".", out, seen);
        }
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : parameters().values()) {
            p.zeroGrad();
        }
    }

    /** Total number of elements over all distinct parameters (frozen ones included). */
    public final long numParameters() {
        long n = 0;
        for (Parameter p : parameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /** Sets training ({@code true}) or evaluation mode on this module and all descendants; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /**
     * Whether a forward pass in the current mode reads statistics of the whole batch or changes this
     * module's state from it (batch normalization in training, an ActNorm not yet initialized): such a
     * pass must see the batch at once, so it cannot be split into shards. Here: whether any child does.
     */
    public boolean dependsOnBatch() {
        for (Module c : children.values()) {
            if (c.dependsOnBatch()) {
                return true;
            }
        }
        return false;
    }

    /** Evaluation mode, the same as {@code train(false)}; returns this. */
    public final Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Copies of every parameter value and buffer by dotted name, in collection order. */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : liveState().entrySet()) {
            out.put(e.getKey(), e.getValue().copy());
        }
        return out;
    }

    /**
     * Copies {@code state} into this module's parameters and buffers, in place (optimizers keep
     * working on the same tensors). Every name must match exactly (none missing, none unexpected),
     * then every shape, then every dtype; all are checked before anything is copied, so on error the
     * module is unchanged.
     *
     * @throws IllegalArgumentException listing the missing and unexpected names, or the dtype mismatches
     * @throws ShapeMismatchException listing the shape mismatches
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        String owner = getClass().getSimpleName();
        Map<String, Tensor> live = liveState();
        List<String> missing = new ArrayList<>();
        for (String name : live.keySet()) {
            if (state.get(name) == null) {
                missing.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : state.keySet()) {
            if (!live.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(owner + ".loadStateDict: names do not match"
                    + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected)
                    + "; expected " + live.keySet());
        }
        List<String> shapes = new ArrayList<>();
        List<String> dtypes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            Tensor mine = e.getValue();
            Tensor given = state.get(e.getKey());
            if (!Arrays.equals(mine.shape(), given.shape())) {
                shapes.add("'" + e.getKey() + "' expected " + Shape.str(mine.shape()) + ", got "
                        + Shape.str(given.shape()));
            } else if (mine.dtype() != given.dtype()) {
                dtypes.add("'" + e.getKey() + "' expected " + mine.dtype() + ", got " + given.dtype());
            }
        }
        if (!shapes.isEmpty()) {
            throw new ShapeMismatchException(owner + ".loadStateDict: shapes do not match: "
                    + String.join("; ", shapes));
        }
        if (!dtypes.isEmpty()) {
            throw new IllegalArgumentException(owner + ".loadStateDict: dtypes do not match: "
                    + String.join("; ", dtypes)
                    + " (convert with Tensor.to(DType))");
        }
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            e.getValue().copyFrom(state.get(e.getKey()));
        }
    }

    private Map<String, Tensor> liveState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out, new IdentityHashMap<>());
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out, Map<Object, Boolean> seen) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (seen.put(e.getValue(), Boolean.TRUE) == null) {
                out.put(prefix + e.getKey(), e.getValue().value());
            }
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            if (seen.put(e.getValue(), Boolean.TRUE) == null) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectState(prefix + e.getKey() + ".", out, seen);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + numParameters() + " parameters)";
    }
}
