package org.flows4j.train;

import java.util.Locale;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;

/**
 * A rough lower bound on the heap a training run needs, so that a model that cannot fit is refused in one
 * line before it is built (instead of an {@link OutOfMemoryError} halfway through). With {@code P} parameters
 * of {@code b} bytes each ({@code b} = 4 for float32, 8 for float64):
 * <pre>
 *   parameterBytes = P b
 *   trainingBytes  = 5 P b                                      weights, gradients, the optimizer's two moment
 *                                                               estimates (Adam), the best epoch's weights
 *                  + 2 batch L (D + sum_i hidden_i) b           each step's activations and their gradients:
 *                                                               one value per row and unit of every step
 * </pre>
 * with {@code L} steps on {@code D} features. The activation term needs the architecture, so it is 0 for a
 * flow given without its {@link FlowSpec}. The data and Java's object headers come on top: the real need is
 * larger, never smaller, so refusing when the estimate exceeds the heap never refuses a run that would fit.
 *
 * <p>{@code P} of a spec is counted without building the whole flow: the flows of one and two steps are built
 * and {@code P(L) = P(1) + (L - 1)(P(2) - P(1))}, exact because every step after the first adds the same
 * layers (the step and the mixing before it). When even two steps' hidden-to-hidden weights,
 * {@code 2 sum_i hidden_i hidden_(i+1)}, would not fit the heap ({@code 5 b} bytes each), nothing is built
 * and {@code P} is counted from those weights alone, {@code L sum_i hidden_i hidden_(i+1)}: smaller than the
 * true count, but enough to refuse the model.
 *
 * @param parameters     the number of parameter values {@code P} (at least)
 * @param parameterBytes {@code P b}
 * @param trainingBytes  the lower bound on the heap a training run needs (see above)
 */
public record MemoryEstimate(long parameters, long parameterBytes, long trainingBytes) {
    /** Copies of the weights a run keeps: weights, gradients, two optimizer moments, best weights. */
    private static final int WEIGHT_COPIES = 5;

    /** The estimate for training the flow {@code spec} builds with minibatches of {@code batchSize} rows. */
    public static MemoryEstimate of(FlowSpec spec, int batchSize) {
        int[] h = spec.hidden();
        double hiddenToHidden = 0;
        double units = spec.features();
        for (int i = 0; i < h.length; i++) {
            units += h[i];
            hiddenToHidden += i + 1 < h.length ? (double) h[i] * h[i + 1] : 0;
        }
        double activations = 2.0 * batchSize * spec.layers() * units;
        if (2 * hiddenToHidden * spec.dtype().bytes() * WEIGHT_COPIES > Runtime.getRuntime().maxMemory()) {
            return of(saturate(spec.layers() * hiddenToHidden), spec.dtype().bytes(), activations);
        }
        long one = Flows.build(spec.withLayers(1)).numParameters();
        long perStep = spec.layers() == 1 ? 0 : Flows.build(spec.withLayers(2)).numParameters() - one;
        return of(saturate(one + (spec.layers() - 1.0) * perStep), spec.dtype().bytes(), activations);
    }

    /** The estimate for training {@code flow}, whose architecture is unknown: its weights only. */
    public static MemoryEstimate of(Flow flow) {
        return of(flow.numParameters(), flow.dtype().bytes(), 0);
    }

    private static MemoryEstimate of(long parameters, int bytes, double activationValues) {
        return new MemoryEstimate(parameters, saturate((double) parameters * bytes),
                saturate(((double) WEIGHT_COPIES * parameters + activationValues) * bytes));
    }

    /**
     * Throws unless {@code trainingBytes <= heapBytes} (usually {@code Runtime.getRuntime().maxMemory()}).
     *
     * @throws IllegalArgumentException naming the model's size and the heap's
     */
    public void requireFits(long heapBytes) {
        if (trainingBytes > heapBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the model would have at least %,d parameters (%s of "
                    + "weights) and training needs at least %s, but the Java heap is at most %s: use fewer layers or "
                    + "hidden units, or a larger heap (java -Xmx)", parameters, size(parameterBytes), size(trainingBytes),
                    size(heapBytes)));
        }
    }

    /** {@code bytes} in binary units with one decimal: {@code 512 B}, {@code 3.2 MiB}, {@code 6.0 GiB}. */
    public static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static long saturate(double v) {
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }
}
