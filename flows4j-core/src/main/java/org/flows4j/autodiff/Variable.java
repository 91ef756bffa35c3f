package org.flows4j.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.BinaryKernels;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;

/**
 * A tensor value in a define-by-run autodiff graph. Leaves are constants or parameters
 * ({@link #parameter}); every op on variables returns a new variable that remembers its inputs
 * and its {@link BackwardFn} when recording is on ({@link GradMode}) and some input requires a
 * gradient. {@link #backward()} walks the recorded graph in reverse topological order, applying
 * the chain rule {@code dL/dx = sum_y J_{y,x}^T dL/dy}, and adds the result into each parameter's
 * {@link #grad()}; gradients accumulate across calls until {@link #zeroGrad()}. After a backward
 * pass the graph's intermediates are released unless {@code retainGraph} is asked for.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private final String op;
    private Variable[] inputs;
    private BackwardFn backwardFn;
    private boolean released;
    private Tensor grad;

    private Variable(Tensor value, boolean requiresGrad, String op, Variable[] inputs, BackwardFn fn) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.op = op;
        this.inputs = inputs;
        this.backwardFn = fn;
    }

    /** A leaf that never receives a gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null, null, null);
    }

    /** A leaf whose gradient is accumulated by {@link #backward()}. */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null, null, null);
    }

    /**
     * The result of an op: records {@code fn} and {@code inputs} when recording is on and any input
     * requires a gradient; otherwise returns a constant. Custom fused ops use this too.
     */
    public static Variable fromOp(String op, Tensor value, BackwardFn fn, Variable... inputs) {
        if (GradMode.isEnabled()) {
            for (Variable in : inputs) {
                if (in.requiresGrad) {
                    return new Variable(value, true, op, inputs, fn);
                }
            }
        }
        return constant(value);
    }

    /** The value. Do not mutate it unless you own it (optimizers update parameters in place). */
    public Tensor value() {
        return value;
    }

    /** Whether a gradient flows to this variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this is a leaf (constant or parameter) rather than an op's result. */
    public boolean isLeaf() {
        return op == null;
    }

    /** The accumulated gradient of a parameter, or null before any backward pass. */
    public Tensor grad() {
        return grad;
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Shape of the value. */
    public int[] shape() {
        return value.shape();
    }

    /** Size of one axis of the value. */
    public int size(int axis) {
        return value.size(axis);
    }

    /** Rank of the value. */
    public int rank() {
        return value.rank();
    }

    /** Element type of the value. */
    public DType dtype() {
        return value.dtype();
    }

    /** The same value, cut from the graph: a constant. */
    public Variable detach() {
        return constant(value);
    }

    /** Backward pass from a one-element variable with seed gradient 1. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar (one-element) variable, got shape "
                    + Shape.str(value.shape()) + "; pass a seed gradient of that shape to backward(seed)");
        }
        backward(Tensor.ones(value.dtype(), value.shape()), false);
    }

    /** Backward pass with an explicit seed {@code dL/dthis}; releases the graph afterwards. */
    public void backward(Tensor seed) {
        backward(seed, false);
    }

    /**
     * Backward pass with an explicit seed {@code dL/dthis}. With {@code retainGraph} the graph stays
     * usable for another backward pass (the transform checker uses this to build Jacobians row by row).
     */
    public void backward(Tensor seed, boolean retainGraph) {
        backward(seed, retainGraph, null);
    }

    /**
     * Backward pass with an explicit seed that adds the gradients of the leaves reached into
     * {@code leafGradients} (a copy on the first arrival, then in place) instead of into the leaves'
     * {@link #grad()}, and releases the graph. The copies are {@link Tensor#scratchCopy() scratch
     * copies}: under a bound {@link org.flows4j.tensor.BufferPool} they are pool storage, to be merged
     * before the pool is reclaimed. Passes on different threads over graphs that share
     * parameters then write nothing in common; {@link #accumulateGrad} merges the results afterwards.
     */
    public void backwardInto(Tensor seed, Map<Variable, Tensor> leafGradients) {
        backward(seed, false, leafGradients);
    }

    /** Adds {@code g} to this variable's gradient, {@code grad = grad + g} (a copy of {@code g} when none yet). */
    public void accumulateGrad(Tensor g) {
        if (!Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalArgumentException("accumulateGrad: gradient shape " + Shape.str(g.shape())
                    + " does not match the variable's shape " + Shape.str(value.shape()));
        }
        accumulate(g);
    }

    private void backward(Tensor seed, boolean retainGraph, Map<Variable, Tensor> leafGradients) {
        if (!Arrays.equals(seed.shape(), value.shape())) {
            throw new IllegalArgumentException("backward: seed shape " + Shape.str(seed.shape())
                    + " does not match the variable's shape " + Shape.str(value.shape()));
        }
        value.requireSameDType(seed, "backward");
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this variable does not require a gradient "
                    + "(no parameter reaches it, or it was computed under GradMode.noGrad())");
        }
        List<Variable> order = topologicalOrder();
        Map<Variable, Tensor> grads = new IdentityHashMap<>();
        Set<Tensor> sums = Collections.newSetFromMap(new IdentityHashMap<>());
        grads.put(this, seed);
        for (int k = order.size() - 1; k >= 0; k--) {
            Variable v = order.get(k);
            Tensor g = grads.remove(v);
            if (g == null) {
                continue;
            }
            sums.remove(g);
            if (v.isLeaf()) {
                if (leafGradients == null) {
                    v.accumulate(g);
                } else {
                    Tensor sum = leafGradients.get(v);
                    if (sum == null) {
                        leafGradients.put(v, g.scratchCopy());
                    } else {
                        sum.addInPlace(g, 1.0);
                    }
                }
                continue;
            }
            if (v.released) {
                throw new IllegalStateException("backward: the graph through op '" + v.op
                        + "' was released by an earlier backward(); use backward(seed, true) to keep it");
            }
            Tensor[] gi = v.backwardFn.apply(g);
            for (int i = 0; i < v.inputs.length; i++) {
                Variable in = v.inputs[i];
                if (!in.requiresGrad || gi[i] == null) {
                    continue;
                }
                if (!Arrays.equals(gi[i].shape(), in.value.shape())) {
                    throw new IllegalStateException("backward rule of '" + v.op + "' returned a gradient of shape "
                            + Shape.str(gi[i].shape()) + " for input " + i + " of shape " + Shape.str(in.value.shape()));
                }
                Tensor prev = grads.get(in);
                if (prev == null) {
                    grads.put(in, gi[i]);
                } else if (sums.contains(prev)) {
                    prev.addInPlace(gi[i], 1.0);
                } else {
                    Tensor sum = BinaryKernels.zip(prev, gi[i], BinaryKernels.Op.ADD, "accumulate");
                    sums.add(sum);
                    grads.put(in, sum);
                }
            }
        }
        if (!retainGraph) {
            for (Variable v : order) {
                if (!v.isLeaf()) {
                    v.released = true;
                    v.inputs = null;
                    v.backwardFn = null;
                }
            }
        }
    }

    private void accumulate(Tensor g) {
        if (grad == null) {
            grad = g.copy();
        } else {
            grad.addInPlace(g, 1.0);
        }
    }

    /** Nodes reachable from this one that require a gradient, inputs before outputs. */
    private List<Variable> topologicalOrder() {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        stack.push(this);
        next.push(0);
        seen.put(this, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int i = next.pop();
            Variable[] ins = v.inputs;
            if (ins != null && i < ins.length) {
                next.push(i + 1);
                Variable child = ins[i];
                if (child.requiresGrad && seen.put(child, Boolean.TRUE) == null) {
                    stack.push(child);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        return "Variable(" + (op == null ? (requiresGrad ? "parameter" : "constant") : op) + ", " + value + ")";
    }
}
