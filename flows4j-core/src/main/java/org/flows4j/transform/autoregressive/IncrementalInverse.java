package org.flows4j.transform.autoregressive;

import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.IncrementalMADE;
import org.flows4j.nn.MADE;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.Transformed;

/**
 * The inverse of an {@link AutoregressiveTransform} without gradients, one feature at a time: for
 * {@code i = 1..D} in degree order, {@code theta_i} from the {@link IncrementalMADE} (which by then knows
 * every feature of smaller degree), {@code x_i = tau^-1(z_i; theta_i)}, and
 * <pre>
 *   log |det dx/dz| = sum_i log |(tau^-1)'(z_i; theta_i)|          (summed in degree order)
 * </pre>
 * the same triangular-Jacobian sum as the {@code D}-pass loop, whose last pass applies the transformer to
 * every feature with these same parameters. Rows go in chunks of {@link #CHUNK_ELEMENTS} activations.
 */
final class IncrementalInverse {
    /** Activations per chunk of rows: about 512 KiB of float32, so a chunk stays in the L2 cache (larger chunks
     * mean fewer, larger products, which matters with several kernel threads). */
    static final int CHUNK_ELEMENTS = 1 << 17;

    private IncrementalInverse() {
    }

    /** {@code (x, log |det dx/dz|)} for {@code y = z [N, D]} and the context ({@code null} when none). */
    static Transformed run(MADE made, ElementwiseTransformer transformer, ConditionerInput input, Variable y,
            Variable context) {
        int n = y.size(0);
        int d = made.inFeatures();
        int p = made.outputsPerFeature();
        Tensor ctx = context == null ? null : context.value();
        int chunk = Math.max(1, Math.min(n, IncrementalMADE.chunkRows(made, CHUNK_ELEMENTS)));
        IncrementalMADE net = new IncrementalMADE(made, chunk);
        Tensor x = y.value().zerosLike(n, d);
        Tensor logDet = y.value().zerosLike(n);
        for (int from = 0; from < n; from += chunk) {
            int rows = Math.min(chunk, n - from);
            net.start(ctx, from, rows);
            Variable z = rows == n ? y : IndexOps.slice(y, 0, from, from + rows);
            for (int degree = 1; degree <= d; degree++) {
                int f = net.featureOfDegree(degree);
                Tensor theta = net.outputsOf(degree).reshape(rows, 1, p);
                Transformed t = transformer.inverse(IndexOps.slice(z, 1, f, f + 1), Variable.constant(theta));
                Tensor column = t.output().value();
                if (degree < d) {
                    net.setInput(degree, input.apply(column));
                }
                Tensor terms = t.logDet().value();
                for (int r = 0; r < rows; r++) {
                    x.set((from + r) * d + f, column.get(r));
                    logDet.set(from + r, logDet.get(from + r) + terms.get(r));
                }
            }
        }
        return new Transformed(Variable.constant(x), Variable.constant(logDet));
    }
}
