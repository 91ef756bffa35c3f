package org.flows4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.flows4j.flows.FlowModel;

/**
 * Scores one partition: the input rows, each with {@code log p(x | c)} (and optionally the latent vector)
 * appended, in input order. Rows are read in chunks of {@code chunk}; each chunk's usable rows are evaluated at
 * once by the JVM's shared model ({@link ModelCache}) without gradients, through {@link ExecutorCompute}. An
 * unusable row (missing, NaN or infinite value) fails the task naming it, or, when skipping, keeps its place
 * with a null log-density and latent. Lazy: holds one chunk at a time.
 */
final class ScorePartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> model;
    private final RowColumns columns;
    private final int chunk;
    private final boolean skip;
    private final boolean latent;

    ScorePartition(Broadcast<byte[]> model, RowColumns columns, int chunk, boolean skip, boolean latent) {
        this.model = model;
        this.columns = columns;
        this.chunk = chunk;
        this.skip = skip;
        this.latent = latent;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        FlowModel m = ModelCache.get(model);
        int partition = TaskContext.get() == null ? 0 : TaskContext.getPartitionId();
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>();
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                out.clear();
                next = 0;
                if (!rows.hasNext()) {
                    return false;
                }
                fill();
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }

            private void fill() {
                List<Row> in = new ArrayList<>(chunk);
                while (in.size() < chunk && rows.hasNext()) {
                    in.add(rows.next());
                }
                int d = columns.features();
                int k = columns.contextFeatures();
                double[][] x = new double[in.size()][d];
                double[][] c = k == 0 ? null : new double[in.size()][k];
                boolean[] ok = new boolean[in.size()];
                int good = 0;
                double[] cb = new double[k];
                for (int i = 0; i < in.size(); i++) {
                    String where = "row " + (seen + i) + " of partition " + partition;
                    String bad = columns.read(in.get(i), where, x[good], c == null ? cb : c[good]);
                    if (bad != null) {
                        if (!skip) {
                            throw columns.invalid(where, bad);
                        }
                        continue;
                    }
                    ok[i] = true;
                    good++;
                }
                seen += in.size();
                double[][] xs = trim(x, good);
                double[][] cs = c == null ? null : trim(c, good);
                double[] lp = good == 0 ? new double[0] : ExecutorCompute.run(() -> m.logProb(xs, cs));
                double[][] z = latent && good > 0 ? ExecutorCompute.run(() -> m.toLatent(xs)) : null;
                int g = 0;
                for (int i = 0; i < in.size(); i++) {
                    Row r = in.get(i);
                    int w = r.length();
                    Object[] vals = new Object[w + (latent ? 2 : 1)];
                    for (int j = 0; j < w; j++) {
                        vals[j] = r.get(j);
                    }
                    if (ok[i]) {
                        vals[w] = lp[g];
                        if (latent) {
                            vals[w + 1] = Vectors.dense(z[g]);
                        }
                        g++;
                    }
                    out.add(RowFactory.create(vals));
                }
            }
        };
    }

    private static double[][] trim(double[][] rows, int n) {
        if (n == rows.length) {
            return rows;
        }
        double[][] out = new double[n][];
        System.arraycopy(rows, 0, out, 0, n);
        return out;
    }
}
