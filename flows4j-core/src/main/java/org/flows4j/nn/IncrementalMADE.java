package org.flows4j.nn;

import java.util.Arrays;
import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * A {@link MADE} evaluated one degree at a time, without gradients, for the {@code D}-pass inverse of an
 * autoregressive flow: each hidden unit is computed once instead of once per pass.
 *
 * <p><b>Why it is exact.</b> A hidden unit of degree {@code d} reads only units (or inputs) of degree
 * {@code <= d} below it, so by induction it depends only on the inputs of degree {@code <= d}. Step
 * {@code i} ({@link #outputsOf}{@code (i)}, {@code i = 1..D}) runs once the inputs of degree {@code < i}
 * are final ({@link #setInput}): it computes, in every hidden layer from the first, the units of degree
 * exactly {@code i - 1}, {@code h_k = act(sum_{j: m(j) <= i-1} W[k, j] h'_j + b_k)}, whose inputs are
 * final (lower-layer units of degree {@code <= i - 1} were computed at steps {@code <= i}); units of
 * smaller degree were computed at earlier steps and never change. It then computes the outputs of the
 * feature of degree {@code i}, {@code theta_{i,p} = sum_{j: m(j) < i} W[o, j] h_j + b_o}, which read
 * only final last-layer units. The terms left out are exactly those the mask zeroes, so every value
 * equals the full forward pass's up to the summation order. Over the {@code D} steps each hidden unit is
 * computed once: the cost is about one masked forward pass plus {@code D} products of {@code P} outputs.
 *
 * <p><b>Layout.</b> The masked weights are gathered, per call, into dense blocks (units of degree
 * {@code d} by the units below of degree {@code <= d}, sorted by degree, context columns first with
 * degree 0), so that the weights in use at that moment are read. Activations are stored transposed,
 * {@code [units, rows]} sorted by degree, so the units a block reads are the leading rows of the layer
 * below and every product is one call of {@link MatMul#gemm} over the long row axis.
 *
 * <p>The rows are processed in chunks ({@link #start}), small enough for the activations of a chunk to stay
 * in cache between steps. An instance is scratch for one inverse call: it is mutable and not thread-safe;
 * create one per call (it reads the weights when created).
 */
public final class IncrementalMADE {
    private final int capacity;
    private final int features;
    private final int contextFeatures;
    private final int perFeature;
    private final DType dtype;
    private final Activation activation;
    private final int[] featureOfDegree;
    /** {@code acts[0]}: context and inputs by degree, {@code [C + D, rows]}; {@code acts[l + 1]}: hidden layer l. */
    private final Tensor[] acts;
    /** {@code first[l][d]}: position of the first unit of degree {@code d} in hidden layer l; {@code first[l][D]} = width. */
    private final int[][] first;
    private final Tensor[][] hiddenWeight;
    private final Tensor[][] hiddenBias;
    private final Tensor[] outWeight;
    private final Tensor[] outBias;
    private final Tensor scratch;
    private int rows;
    private int computed;
    private int known;

    /**
     * Prepares the blocks of {@code made}'s current weights and buffers for chunks of up to {@code capacity}
     * rows; {@link #start} begins each chunk.
     */
    public IncrementalMADE(MADE made, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("IncrementalMADE: capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.features = made.inFeatures();
        this.contextFeatures = made.contextFeatures();
        this.perFeature = made.outputsPerFeature();
        this.activation = made.activation();
        ModuleList<MaskedLinear> layers = made.layers();
        this.dtype = layers.get(0).weight().value().dtype();
        int[] degrees = made.inputDegrees();
        this.featureOfDegree = new int[features];
        for (int j = 0; j < features; j++) {
            featureOfDegree[degrees[j] - 1] = j;
        }
        int hidden = made.hiddenLayers();
        this.acts = new Tensor[hidden + 1];
        this.first = new int[hidden][];
        this.hiddenWeight = new Tensor[hidden][features];
        this.hiddenBias = new Tensor[hidden][features];
        acts[0] = Tensor.zeros(dtype, contextFeatures + features, capacity);
        int[] belowOrder = new int[contextFeatures + features];
        int[] belowUpTo = new int[features];
        for (int c = 0; c < contextFeatures; c++) {
            belowOrder[c] = features + c;
        }
        for (int d = 0; d < features; d++) {
            belowOrder[contextFeatures + d] = featureOfDegree[d];
            belowUpTo[d] = contextFeatures + d;
        }
        for (int l = 0; l < hidden; l++) {
            int[] unitDegrees = made.hiddenDegrees(l);
            first[l] = firstOfDegree(unitDegrees, features);
            int[] order = sortedByDegree(unitDegrees, first[l]);
            acts[l + 1] = Tensor.zeros(dtype, unitDegrees.length, capacity);
            MaskedLinear layer = layers.get(l);
            for (int d = 0; d < features; d++) {
                int[] units = Arrays.copyOfRange(order, first[l][d], first[l][d + 1]);
                if (units.length > 0) {
                    hiddenWeight[l][d] = gather(layer.weight().value(), units, belowOrder, belowUpTo[d]);
                    hiddenBias[l][d] = gather(layer.bias().value(), units);
                }
            }
            belowOrder = order;
            belowUpTo = Arrays.copyOfRange(first[l], 1, features + 1);
        }
        MaskedLinear last = layers.get(hidden);
        this.outWeight = new Tensor[features];
        this.outBias = new Tensor[features];
        for (int d = 0; d < features; d++) {
            int[] outs = new int[perFeature];
            for (int p = 0; p < perFeature; p++) {
                outs[p] = featureOfDegree[d] * perFeature + p;
            }
            outWeight[d] = gather(last.weight().value(), outs, belowOrder, belowUpTo[d]);
            outBias[d] = gather(last.bias().value(), outs);
        }
        this.scratch = Tensor.zeros(dtype, perFeature, capacity);
    }

    /**
     * Begins a chunk of {@code size} rows (at most the capacity) whose context is rows {@code [from, from + size)}
     * of {@code context} ({@code [N, C]}, null when the network takes no context); no input is known yet.
     */
    public void start(Tensor context, int from, int size) {
        if (size < 1 || size > capacity) {
            throw new IllegalArgumentException("IncrementalMADE: a chunk has 1.." + capacity + " rows, got " + size);
        }
        if (contextFeatures == 0 && context != null) {
            throw new IllegalArgumentException("IncrementalMADE: this network takes no context, got one of shape "
                    + Shape.str(context.shape()));
        }
        if (contextFeatures > 0 && (context == null || context.rank() != 2 || context.size(1) != contextFeatures
                || from < 0 || from + size > context.size(0))) {
            throw new ShapeMismatchException("IncrementalMADE: expected a context [N, " + contextFeatures
                    + "] with rows " + from + ".." + (from + size - 1) + ", got "
                    + (context == null ? "none" : Shape.str(context.shape())));
        }
        if (context != null && context.dtype() != dtype) {
            throw new IllegalArgumentException("IncrementalMADE: context dtype " + context.dtype()
                    + " differs from the network's " + dtype);
        }
        this.rows = size;
        this.computed = 0;
        this.known = 0;
        if (context != null) {
            copy(context, from * contextFeatures, contextFeatures, 1, acts[0], 0, 1, size, size, contextFeatures);
        }
    }

    /** The input column whose degree is {@code degree} ({@code 1..D}). */
    public int featureOfDegree(int degree) {
        checkDegree(degree);
        return featureOfDegree[degree - 1];
    }

    /**
     * The outputs {@code [rows, P]} of the feature of degree {@code degree}; steps must come in order
     * {@code 1, 2, ..., D}, each after the inputs of smaller degree were set.
     *
     * @throws IllegalStateException when called out of order
     */
    public Tensor outputsOf(int degree) {
        checkDegree(degree);
        if (degree != computed + 1 || known < degree - 1) {
            throw new IllegalStateException("IncrementalMADE: outputs of degree " + degree + " need steps 1.."
                    + (degree - 1) + " and the inputs of degree < " + degree + ", got " + computed
                    + " steps and " + known + " inputs");
        }
        int d = degree - 1;
        for (int l = 0; l < first.length; l++) {
            int count = first[l][d + 1] - first[l][d];
            if (count > 0) {
                product(hiddenWeight[l][d], hiddenBias[l][d], acts[l], acts[l + 1], first[l][d], activation);
            }
        }
        product(outWeight[d], outBias[d], acts[first.length], scratch, 0, Activation.IDENTITY);
        Tensor theta = Tensor.zeros(dtype, rows, perFeature);
        copy(scratch, 0, 1, rows, theta, 0, perFeature, 1, rows, perFeature);
        computed = degree;
        return theta;
    }

    /**
     * Sets the final values {@code [rows, 1]} of the input of degree {@code degree}; inputs must be set in
     * order {@code 1, 2, ...}.
     *
     * @throws IllegalStateException when called out of order
     */
    public void setInput(int degree, Tensor column) {
        checkDegree(degree);
        if (degree != known + 1) {
            throw new IllegalStateException("IncrementalMADE: expected the input of degree " + (known + 1)
                    + ", got degree " + degree);
        }
        if (column.numel() != rows || column.dtype() != dtype) {
            throw new ShapeMismatchException("IncrementalMADE: expected a " + dtype + " column of " + rows
                    + " values, got " + column.dtype() + " " + Shape.str(column.shape()));
        }
        copy(column, 0, 1, 1, acts[0], (contextFeatures + degree - 1) * rows, 1, 1, rows, 1);
        known = degree;
    }

    /** Rows of a chunk whose activations (inputs, context and hidden units) take about {@code elements} values, at least 16. */
    public static int chunkRows(MADE made, int elements) {
        int units = made.contextFeatures() + made.inFeatures();
        for (int l = 0; l < made.hiddenLayers(); l++) {
            units += made.hiddenDegrees(l).length;
        }
        return Math.max(16, elements / units);
    }

    private void checkDegree(int degree) {
        if (degree < 1 || degree > features) {
            throw new IllegalArgumentException("IncrementalMADE: degree must be in 1.." + features + ", got " + degree);
        }
    }

    /** Rows {@code [at, at + count)} of {@code dst} = {@code act(w . src[0, k) + b)}, with {@code w [count, k]}. */
    private void product(Tensor w, Tensor b, Tensor src, Tensor dst, int at, Activation act) {
        int count = b.numel();
        int k = w == null ? 0 : w.size(1);
        int off = at * rows;
        MatMul.RowEpilogue epilogue = (from, to) -> biasAndActivation(dst, off, from, to, b, act);
        if (k == 0) {
            if (dtype == DType.FLOAT32) {
                Arrays.fill(dst.floatData(), off, off + count * rows, 0f);
            } else {
                Arrays.fill(dst.doubleData(), off, off + count * rows, 0.0);
            }
            epilogue.apply(0, count);
        } else if (dtype == DType.FLOAT32) {
            MatMul.gemm(1, false, false, count, k, rows, w.floatData(), 0, 0, src.floatData(), 0, 0,
                    dst.floatData(), off, 0, false, epilogue);
        } else {
            MatMul.gemm(1, false, false, count, k, rows, w.doubleData(), 0, 0, src.doubleData(), 0, 0,
                    dst.doubleData(), off, 0, false, epilogue);
        }
    }

    /** {@code v = act(v + b[r])} on rows {@code [from, to)} of the block starting at {@code off}. */
    private void biasAndActivation(Tensor dst, int off, int from, int to, Tensor b, Activation act) {
        if (dtype == DType.FLOAT32) {
            float[] v = dst.floatData();
            float[] bias = b.floatData();
            for (int r = from; r < to; r++) {
                float br = bias[r];
                int start = off + r * rows;
                if (act == Activation.RELU) {
                    for (int j = start; j < start + rows; j++) {
                        v[j] = Math.max(v[j] + br, 0f);
                    }
                } else {
                    for (int j = start; j < start + rows; j++) {
                        v[j] = (float) act.apply(v[j] + br);
                    }
                }
            }
        } else {
            double[] v = dst.doubleData();
            double[] bias = b.doubleData();
            for (int r = from; r < to; r++) {
                double br = bias[r];
                int start = off + r * rows;
                for (int j = start; j < start + rows; j++) {
                    v[j] = act.apply(v[j] + br);
                }
            }
        }
    }

    /** {@code first[d]} = number of units of degree {@code < d}, for {@code d = 0..D}. */
    private static int[] firstOfDegree(int[] unitDegrees, int features) {
        int[] first = new int[features + 1];
        for (int m : unitDegrees) {
            first[m + 1]++;
        }
        for (int d = 0; d < features; d++) {
            first[d + 1] += first[d];
        }
        return first;
    }

    /** Unit indices sorted by degree (stable), given the first position of each degree. */
    private static int[] sortedByDegree(int[] unitDegrees, int[] first) {
        int[] next = first.clone();
        int[] order = new int[unitDegrees.length];
        for (int k = 0; k < unitDegrees.length; k++) {
            order[next[unitDegrees[k]]++] = k;
        }
        return order;
    }

    /** {@code block[r, c] = w[rowsOf[r], colsOf[c]]} for {@code c < k}; null when {@code k = 0}. */
    private Tensor gather(Tensor w, int[] rowsOf, int[] colsOf, int k) {
        if (k == 0) {
            return null;
        }
        int in = w.size(1);
        Tensor block = Tensor.zeros(dtype, rowsOf.length, k);
        for (int r = 0; r < rowsOf.length; r++) {
            for (int c = 0; c < k; c++) {
                block.set(r * k + c, w.get(rowsOf[r] * in + colsOf[c]));
            }
        }
        return block;
    }

    private Tensor gather(Tensor bias, int[] rowsOf) {
        Tensor out = Tensor.zeros(dtype, rowsOf.length);
        for (int r = 0; r < rowsOf.length; r++) {
            out.set(r, bias.get(rowsOf[r]));
        }
        return out;
    }

    /** {@code dst[dOff + r*dRow + c*dCol] = src[sOff + r*sRow + c*sCol]} for {@code r < nr, c < nc}. */
    private static void copy(Tensor src, int sOff, int sRow, int sCol, Tensor dst, int dOff, int dRow, int dCol,
            int nr, int nc) {
        if (src.dtype() == DType.FLOAT32) {
            float[] s = src.floatData();
            float[] t = dst.floatData();
            for (int r = 0; r < nr; r++) {
                for (int c = 0; c < nc; c++) {
                    t[dOff + r * dRow + c * dCol] = s[sOff + r * sRow + c * sCol];
                }
            }
        } else {
            double[] s = src.doubleData();
            double[] t = dst.doubleData();
            for (int r = 0; r < nr; r++) {
                for (int c = 0; c < nc; c++) {
                    t[dOff + r * dRow + c * dCol] = s[sOff + r * sRow + c * sCol];
                }
            }
        }
    }
}
