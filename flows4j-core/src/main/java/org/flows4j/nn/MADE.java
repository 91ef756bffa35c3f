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
 * Masked autoencoder for distribution estimation (Germain et al. 2015): an MLP of {@link MaskedLinear}
 * layers whose masks make output block {@code i} depend only on the input features that come before
 * feature {@code i} in a chosen order, plus an optional context read, unmasked, by every unit of the first
 * hidden layer.
 *
 * <p><b>Degrees.</b> Input feature {@code j} has degree {@code m(j)} in {@code 1..D}, a permutation
 * ({@link #naturalOrder}: {@code m(j) = j + 1}; {@link #randomOrder}: a seeded shuffle); context columns
 * have degree 0. Hidden unit {@code k} of every hidden layer has degree {@code m(k) = lo + (k mod (D - lo))},
 * cycling deterministically through {@code lo..D-1}, with {@code lo = 0} when there is a context (units of
 * degree 0 read only the context, so it reaches the outputs of the first feature too) and {@code lo = 1}
 * without one (a degree-0 unit would then be a constant; {@code lo = 0} also when {@code D = 1}). A hidden
 * unit {@code k} reads unit {@code j} of the layer below iff {@code m(k) >= m(j)}; output unit of
 * feature {@code i} reads unit {@code j} of the last hidden layer (or the input, with no hidden
 * layers) iff {@code m(i) > m(j)}. By induction every path from input {@code j} to output {@code i}
 * has {@code m(j) <= ... < m(i)}, so {@code d out_i / d x_j = 0} unless {@code m(j) < m(i)}: the
 * Jacobian is strictly triangular in the order given by the degrees. A hidden layer narrower than
 * {@code D - lo} leaves some degrees unused; the network stays autoregressive but sees less. With
 * {@code D = 1} and no context the output can depend on nothing: it is the bias chain, a constant, and the
 * hidden weights are all masked out (they never get a gradient).
 *
 * <p><b>Output layout.</b> {@code [N, D * P]} for {@code P = outputsPerFeature}, feature-major:
 * column {@code i * P + p} is output {@code p} of feature {@code i}, so {@code reshape(N, D, P)}
 * gives {@code [N, D, P]}. Feature indices are input columns, whatever the order.
 *
 * <p>Parameters: {@code layers.l.weight} and {@code layers.l.bias} for {@code l = 0..L} (L hidden
 * layers). Hidden layers start from {@link Init#forActivation}; the output layer from Xavier-uniform, or
 * from zeros with {@code zeroInitLast} so that a flow built on it starts as a fixed elementwise map (the
 * identity for the affine and additive transformers). Cost of a forward pass: as an MLP of the same
 * sizes plus one mask multiply per layer. Holds no mutable state during forward, except the call counter
 * that {@link Dropout} uses outside a key scope. {@link IncrementalMADE} evaluates it one degree at a time
 * for the sequential inverse of autoregressive flows.
 *
 * <p><b>Dropout.</b> Given a {@link Dropout}, a pass in training mode that records gradients multiplies
 * each hidden layer's activations by that layer's mask, {@code h_{l+1} = drop_l(act(h_l (M_l * W_l)^T + b_l))}.
 * A unit that is zeroed passes nothing on, so every path from input {@code j} to output {@code i} is still
 * one the degree masks allow and the network stays autoregressive. Passes without gradients (sampling,
 * {@link IncrementalMADE}) never drop units, so they compute the same function as evaluation mode.
 */
public final class MADE extends Network implements Part {
    private final int features;
    private final int contextFeatures;
    private final int outputsPerFeature;
    private final int[] inputDegrees;
    private final int[][] hiddenDegrees;
    private final Activation activation;
    private final Dropout dropout;
    private final ModuleList<MaskedLinear> layers;

    /** A MADE in the natural order, without context, whose output layer starts from Xavier-uniform weights. */
    public MADE(int features, int[] hidden, int outputsPerFeature, Activation activation, DType dtype, Rng rng) {
        this(features, 0, hidden, outputsPerFeature, activation, naturalOrder(features), false, dtype, rng);
    }

    /**
     * A MADE on {@code features} inputs with degrees {@code inputDegrees} (a permutation of {@code 1..D}),
     * a context of {@code contextFeatures} columns (0 for none) joined to the first layer without a mask,
     * the given hidden widths, and {@code outputsPerFeature} outputs per feature; with {@code zeroInitLast}
     * the output layer's weight and bias start at zero.
     */
    public MADE(int features, int contextFeatures, int[] hidden, int outputsPerFeature, Activation activation,
            int[] inputDegrees, boolean zeroInitLast, DType dtype, Rng rng) {
        this(features, contextFeatures, hidden, outputsPerFeature, activation, inputDegrees, zeroInitLast, Dropout.NONE,
                dtype, rng);
    }

    /**
     * As {@link #MADE(int, int, int[], int, Activation, int[], boolean, DType, Rng)}, with {@code dropout} on
     * the hidden activations in training; the initial weights do not depend on it.
     */
    public MADE(int features, int contextFeatures, int[] hidden, int outputsPerFeature, Activation activation,
            int[] inputDegrees, boolean zeroInitLast, Dropout dropout, DType dtype, Rng rng) {
        if (dropout == null) {
            throw new IllegalArgumentException("MADE: dropout must not be null (use Dropout.NONE)");
        }
        if (features < 1 || contextFeatures < 0 || outputsPerFeature < 1) {
            throw new IllegalArgumentException("MADE: features and outputsPerFeature must be positive and "
                    + "contextFeatures >= 0, got features=" + features + ", outputsPerFeature=" + outputsPerFeature
                    + ", contextFeatures=" + contextFeatures);
        }
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("MADE: hidden sizes must be positive, got "
                        + Arrays.toString(hidden));
            }
        }
        checkPermutation(inputDegrees, features);
        this.features = features;
        this.contextFeatures = contextFeatures;
        this.outputsPerFeature = outputsPerFeature;
        this.inputDegrees = inputDegrees.clone();
        this.activation = activation;
        this.dropout = dropout;
        this.layers = registerModule("layers", new ModuleList<>());
        this.hiddenDegrees = new int[hidden.length][];
        int[] below = new int[features + contextFeatures];
        System.arraycopy(inputDegrees, 0, below, 0, features);
        for (int l = 0; l < hidden.length; l++) {
            int[] degrees = hiddenDegrees(hidden[l], features, contextFeatures > 0 || features == 1 ? 0 : 1);
            hiddenDegrees[l] = degrees;
            layers.add(new MaskedLinear(mask(degrees, below, false), dtype, rng, Init.forActivation(activation)));
            below = degrees;
        }
        int[] outDegrees = new int[features * outputsPerFeature];
        for (int o = 0; o < outDegrees.length; o++) {
            outDegrees[o] = inputDegrees[o / outputsPerFeature];
        }
        layers.add(new MaskedLinear(mask(outDegrees, below, true), dtype, rng,
                zeroInitLast ? Init.zeros() : Init.xavierUniform()));
    }

    /** Degrees {@code 1, 2, ..., D}: feature {@code i} may depend on features {@code 0..i-1}. */
    public static int[] naturalOrder(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("MADE.naturalOrder: features must be at least 1, got " + features);
        }
        int[] d = new int[features];
        for (int i = 0; i < features; i++) {
            d[i] = i + 1;
        }
        return d;
    }

    /** A uniformly random permutation of {@code 1..D} drawn from {@code rng} (Fisher–Yates). */
    public static int[] randomOrder(int features, Rng rng) {
        int[] d = naturalOrder(features);
        rng.shuffle(d);
        return d;
    }

    /** Hidden degrees {@code lo + (k mod (D - lo))}, cycling through {@code lo..D-1}. */
    private static int[] hiddenDegrees(int width, int features, int lo) {
        int[] d = new int[width];
        for (int k = 0; k < width; k++) {
            d[k] = lo + k % (features - lo);
        }
        return d;
    }

    /** {@code M[k, j] = m(k) > m(j)} when {@code strict}, else {@code m(k) >= m(j)}. */
    private static Tensor mask(int[] outDegrees, int[] inDegrees, boolean strict) {
        Tensor m = Tensor.zeros(DType.FLOAT64, outDegrees.length, inDegrees.length);
        for (int k = 0; k < outDegrees.length; k++) {
            for (int j = 0; j < inDegrees.length; j++) {
                boolean on = strict ? outDegrees[k] > inDegrees[j] : outDegrees[k] >= inDegrees[j];
                m.set(k * inDegrees.length + j, on ? 1.0 : 0.0);
            }
        }
        return m;
    }

    private static void checkPermutation(int[] degrees, int features) {
        boolean ok = degrees != null && degrees.length == features;
        boolean[] seen = new boolean[features + 1];
        for (int i = 0; ok && i < features; i++) {
            int d = degrees[i];
            ok = d >= 1 && d <= features && !seen[d];
            if (ok) {
                seen[d] = true;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("MADE: input degrees must be a permutation of 1.." + features
                    + ", got " + Arrays.toString(degrees));
        }
    }

    /** The outputs {@code [N, D * P]} (feature-major) for {@code x [N, D]} and the context (null if none). */
    @Override
    public Variable forward(Variable x, Variable context) {
        x.value().requireRank(2, "MADE");
        if (x.size(1) != features) {
            throw new ShapeMismatchException("MADE: expected input [N, " + features + "], got " + Shape.str(x.shape()));
        }
        Variable h = ContextConcat.join("MADE", x, context, contextFeatures);
        int last = layers.size() - 1;
        if (!GradMode.isEnabled()) {
            Tensor t = h.value();
            for (int l = 0; l < last; l++) {
                MaskedLinear layer = layers.get(l);
                t = layer.evaluateInto(t, activation, HiddenScratch.take(l, t.dtype(), t.size(0), layer.outFeatures()));
            }
            return layers.get(last).forward(Variable.constant(t), Activation.IDENTITY);
        }
        boolean drop = dropout.isActive(this);
        long key = drop ? dropout.nextKey() : 0;
        for (int l = 0; l < last; l++) {
            h = layers.get(l).forward(h, activation);
            if (drop) {
                h = dropout.apply(h, key, l);
            }
        }
        return layers.get(last).forward(h, Activation.IDENTITY);
    }

    /** The dropout of the hidden activations ({@link Dropout#NONE} for none). */
    public Dropout dropout() {
        return dropout;
    }

    /** A copy of the input degrees: feature {@code i} may depend on the features of smaller degree. */
    public int[] inputDegrees() {
        return inputDegrees.clone();
    }

    /** The degrees of the units of hidden layer {@code layer} (shared array: callers must not modify it). */
    int[] hiddenDegrees(int layer) {
        return hiddenDegrees[layer];
    }

    /** Number of hidden layers. */
    int hiddenLayers() {
        return hiddenDegrees.length;
    }

    /** The hidden activation. */
    Activation activation() {
        return activation;
    }

    /** Number of outputs {@code P} per feature. */
    public int outputsPerFeature() {
        return outputsPerFeature;
    }

    /** The masked layers in order; the last one is the output layer. */
    public ModuleList<MaskedLinear> layers() {
        return layers;
    }

    @Override
    public int inFeatures() {
        return features;
    }

    @Override
    public int contextFeatures() {
        return contextFeatures;
    }

    @Override
    public int outFeatures() {
        return features * outputsPerFeature;
    }

    /**
     * Type {@code made}: {@code features}, {@code context_features}, {@code hidden}, {@code outputs_per_feature},
     * {@code activation}, {@code input_degrees}, {@code dropout} and {@code dropout_seed}, {@code dtype}.
     */
    @Override
    public PartConfig describe() {
        int[] hidden = new int[hiddenDegrees.length];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = hiddenDegrees[i].length;
        }
        return PartConfig.of("made").with("features", features).with("context_features", contextFeatures)
                .with("hidden", hidden).with("outputs_per_feature", outputsPerFeature).with("activation", activation)
                .with("input_degrees", inputDegrees).with("dropout", dropout.rate())
                .with("dropout_seed", dropout.seed()).with("dtype", Parts.dtypeOf(this));
    }
}
