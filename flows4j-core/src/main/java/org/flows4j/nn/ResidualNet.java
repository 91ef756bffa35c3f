package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;

/**
 * Residual network as in nflows' {@code ResidualNet}: an initial linear layer
 * {@code h_0 = [x | context] W_in^T + b_in} to {@code hidden} features, {@code numBlocks} residual
 * blocks {@code h_{i+1} = h_i + L_{i,1}(drop_i(act(L_{i,0}(act(h_i)))))}, and a final linear layer
 * {@code y = h_B W_out^T + b_out} without activation. The last layer of each block starts near
 * zero (uniform on {@code ±1e-3}) so every block starts near the identity. {@code drop_i} is the
 * identity unless the net was given a {@link Dropout} and a pass in training mode records gradients;
 * then it is inverted dropout of block {@code i}'s inner activations, where nflows applies its dropout.
 *
 * <p>Parameter names follow nflows: {@code initial_layer.*}, {@code blocks.i.linear_layers.0.*},
 * {@code blocks.i.linear_layers.1.*}, {@code final_layer.*}. Unlike nflows, the context is only
 * joined to the input (no per-block gated context layer), and there is no batch norm.
 * Cost of a forward pass: {@code N * hidden * ((in + context) + 2 * numBlocks * hidden + out)}
 * multiply-adds. Holds no mutable state during forward, except the call counter that {@link Dropout}
 * uses outside a key scope.
 */
public final class ResidualNet extends Network implements Part {
    private final int in;
    private final int contextFeatures;
    private final int out;
    private final Activation activation;
    private final Dropout dropout;
    private final Linear initialLayer;
    private final ModuleList<ResidualBlock> blocks;
    private final Linear finalLayer;

    /** A residual net without context whose final layer starts from Xavier-uniform weights. */
    public ResidualNet(int in, int out, int hidden, int numBlocks, Activation activation, DType dtype, Rng rng) {
        this(in, 0, out, hidden, numBlocks, activation, false, dtype, rng);
    }

    /**
     * A residual net whose initial layer also reads a context of {@code contextFeatures} columns
     * (0 for none); with {@code zeroInitLast} the final layer's weight and bias start at zero.
     */
    public ResidualNet(int in, int contextFeatures, int out, int hidden, int numBlocks, Activation activation,
            boolean zeroInitLast, DType dtype, Rng rng) {
        this(in, contextFeatures, out, hidden, numBlocks, activation, zeroInitLast, Dropout.NONE, dtype, rng);
    }

    /**
     * As {@link #ResidualNet(int, int, int, int, int, Activation, boolean, DType, Rng)}, with {@code dropout}
     * inside every block in training; the initial weights do not depend on it.
     */
    public ResidualNet(int in, int contextFeatures, int out, int hidden, int numBlocks, Activation activation,
            boolean zeroInitLast, Dropout dropout, DType dtype, Rng rng) {
        if (dropout == null) {
            throw new IllegalArgumentException("ResidualNet: dropout must not be null (use Dropout.NONE)");
        }
        if (in <= 0 || out <= 0 || hidden <= 0 || numBlocks < 0 || contextFeatures < 0) {
            throw new IllegalArgumentException("ResidualNet: in, out and hidden must be positive and numBlocks, "
                    + "contextFeatures >= 0, got in=" + in + ", out=" + out + ", hidden=" + hidden + ", numBlocks="
                    + numBlocks + ", contextFeatures=" + contextFeatures);
        }
        this.in = in;
        this.contextFeatures = contextFeatures;
        this.out = out;
        this.activation = activation;
        this.dropout = dropout;
        this.initialLayer = registerModule("initial_layer",
                new Linear(in + contextFeatures, hidden, true, dtype, rng, Init.forActivation(activation)));
        this.blocks = registerModule("blocks", new ModuleList<>());
        for (int b = 0; b < numBlocks; b++) {
            blocks.add(new ResidualBlock(hidden, activation, dtype, rng));
        }
        this.finalLayer = registerModule("final_layer",
                new Linear(hidden, out, true, dtype, rng, zeroInitLast ? Init.zeros() : Init.xavierUniform()));
    }

    /** The output {@code [N, out]} for {@code x [N, in]} and {@code context [N, contextFeatures]}. */
    @Override
    public Variable forward(Variable x, Variable context) {
        x.value().requireRank(2, "ResidualNet");
        if (x.size(1) != in) {
            throw new ShapeMismatchException("ResidualNet: expected input [N, " + in + "], got "
                    + Shape.str(x.shape()));
        }
        Variable h = initialLayer.forward(ContextConcat.join("ResidualNet", x, context, contextFeatures));
        boolean drop = dropout.isActive(this);
        long key = drop ? dropout.nextKey() : 0;
        for (int b = 0; b < blocks.size(); b++) {
            h = blocks.get(b).forward(h, activation, drop ? dropout : null, key, b);
        }
        return finalLayer.forward(h);
    }

    /** The dropout inside the blocks ({@link Dropout#NONE} for none). */
    public Dropout dropout() {
        return dropout;
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
     * Type {@code resnet}: {@code in}, {@code context_features}, {@code out}, {@code hidden} (the block width),
     * {@code blocks}, {@code activation}, {@code dropout} and {@code dropout_seed}, {@code dtype}.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("resnet").with("in", in).with("context_features", contextFeatures).with("out", out)
                .with("hidden", initialLayer.outFeatures()).with("blocks", blocks.size()).with("activation", activation)
                .with("dropout", dropout.rate()).with("dropout_seed", dropout.seed())
                .with("dtype", Parts.dtypeOf(this));
    }
}
