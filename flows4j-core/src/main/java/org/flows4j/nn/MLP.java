package org.flows4j.nn;

import java.util.Arrays;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Multi-layer perceptron {@code in (+ context) -> hidden[0] -> ... -> hidden[k-1] -> out}:
 * {@code h_0 = [x | context]}, {@code h_{i+1} = drop_i(act(h_i W_i^T + b_i))} for each hidden layer (one
 * fused op per layer), and the output {@code h_k W_k^T + b_k} without activation. {@code drop_i} is the
 * identity unless the MLP was given a {@link Dropout} and a pass in training mode records gradients; then
 * it is inverted dropout of hidden layer {@code i}.
 *
 * <p>Parameters are {@code layers.i.weight} and {@code layers.i.bias}, {@code i = 0..k}. Hidden
 * layers start from {@link Init#forActivation}, the last layer from Xavier-uniform, or from zeros
 * when {@code zeroInitLast} is set so that a flow's conditioner starts by outputting zero (the
 * identity transform). Cost of a forward pass: {@code N * sum_i fanIn_i * fanOut_i}
 * multiply-adds. Holds no mutable state during forward, except the call counter that {@link Dropout}
 * uses outside a key scope.
 */
public final class MLP extends Network implements Part {
    private final int in;
    private final int contextFeatures;
    private final int out;
    private final Activation activation;
    private final Dropout dropout;
    private final ModuleList<Linear> layers;

    /** An MLP without context whose last layer starts from Xavier-uniform weights. */
    public MLP(int in, int[] hidden, int out, Activation activation, DType dtype, Rng rng) {
        this(in, 0, hidden, out, activation, false, dtype, rng);
    }

    /**
     * An MLP whose first layer also reads a context of {@code contextFeatures} columns (0 for none);
     * with {@code zeroInitLast} the last layer's weight and bias start at zero.
     */
    public MLP(int in, int contextFeatures, int[] hidden, int out, Activation activation, boolean zeroInitLast,
            DType dtype, Rng rng) {
        this(in, contextFeatures, hidden, out, activation, zeroInitLast, Dropout.NONE, dtype, rng);
    }

    /**
     * As {@link #MLP(int, int, int[], int, Activation, boolean, DType, Rng)}, with {@code dropout} on the
     * hidden activations in training; the initial weights do not depend on it.
     */
    public MLP(int in, int contextFeatures, int[] hidden, int out, Activation activation, boolean zeroInitLast,
            Dropout dropout, DType dtype, Rng rng) {
        if (dropout == null) {
            throw new IllegalArgumentException("MLP: dropout must not be null (use Dropout.NONE)");
        }
        if (in <= 0 || out <= 0 || contextFeatures < 0) {
            throw new IllegalArgumentException("MLP: in and out must be positive and contextFeatures >= 0, got in="
                    + in + ", out=" + out + ", contextFeatures=" + contextFeatures);
        }
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("MLP: hidden sizes must be positive, got "
                        + Arrays.toString(hidden));
            }
        }
        this.in = in;
        this.contextFeatures = contextFeatures;
        this.out = out;
        this.activation = activation;
        this.dropout = dropout;
        this.layers = registerModule("layers", new ModuleList<>());
        int fanIn = in + contextFeatures;
        for (int h : hidden) {
            layers.add(new Linear(fanIn, h, true, dtype, rng, Init.forActivation(activation)));
            fanIn = h;
        }
        layers.add(new Linear(fanIn, out, true, dtype, rng, zeroInitLast ? Init.zeros() : Init.xavierUniform()));
    }

    /** The output {@code [N, out]} for {@code x [N, in]} and {@code context [N, contextFeatures]}. */
    @Override
    public Variable forward(Variable x, Variable context) {
        x.value().requireRank(2, "MLP");
        if (x.size(1) != in) {
            throw new ShapeMismatchException("MLP: expected input [N, " + in + "], got " + Shape.str(x.shape()));
        }
        Variable h = ContextConcat.join("MLP", x, context, contextFeatures);
        int last = layers.size() - 1;
        if (!GradMode.isEnabled()) {
            Tensor t = h.value();
            for (int i = 0; i < last; i++) {
                Linear layer = layers.get(i);
                t = layer.evaluateInto(t, activation, HiddenScratch.take(i, t.dtype(), t.size(0), layer.outFeatures()));
            }
            return layers.get(last).forward(Variable.constant(t));
        }
        boolean drop = dropout.isActive(this);
        long key = drop ? dropout.nextKey() : 0;
        for (int i = 0; i < last; i++) {
            h = layers.get(i).forward(h, activation);
            if (drop) {
                h = dropout.apply(h, key, i);
            }
        }
        return layers.get(last).forward(h);
    }

    /** The dropout of the hidden activations ({@link Dropout#NONE} for none). */
    public Dropout dropout() {
        return dropout;
    }

    /** The layers in order; the last one has no activation. */
    public ModuleList<Linear> layers() {
        return layers;
    }

    /** The widths of the hidden layers, in order (empty for a single linear layer). */
    public int[] hidden() {
        int[] hidden = new int[layers.size() - 1];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = layers.get(i).outFeatures();
        }
        return hidden;
    }

    /** Number of input features (without the context). */
    @Override
    public int inFeatures() {
        return in;
    }

    /** Number of context features (0 for none). */
    @Override
    public int contextFeatures() {
        return contextFeatures;
    }

    /** Number of output features. */
    @Override
    public int outFeatures() {
        return out;
    }

    /**
     * Type {@code mlp}: {@code in}, {@code context_features}, {@code hidden}, {@code out}, {@code activation},
     * {@code dropout} and {@code dropout_seed}, {@code dtype}.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("mlp").with("in", in).with("context_features", contextFeatures).with("hidden", hidden())
                .with("out", out).with("activation", activation).with("dropout", dropout.rate())
                .with("dropout_seed", dropout.seed()).with("dtype", Parts.dtypeOf(this));
    }
}
