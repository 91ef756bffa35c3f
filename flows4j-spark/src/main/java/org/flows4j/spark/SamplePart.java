package org.flows4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.flows4j.flows.FlowModel;
import org.flows4j.tensor.Rng;

/**
 * Draws part {@code p} of {@code n} samples ({@code n (p + 1) / P - n p / P} rows) from the broadcast model with
 * a generator seeded by the seed and {@code p}, as rows of doubles or of one vector, followed by the context.
 */
final class SamplePart implements FlatMapFunction<Integer, Row> {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 4096;

    private final Broadcast<byte[]> model;
    private final long n;
    private final int parts;
    private final long seed;
    private final double[] context;
    private final boolean vector;

    SamplePart(Broadcast<byte[]> model, long n, int parts, long seed, double[] context, boolean vector) {
        this.model = model;
        this.n = n;
        this.parts = parts;
        this.seed = seed;
        this.context = context;
        this.vector = vector;
    }

    @Override
    public Iterator<Row> call(Integer part) {
        FlowModel m = ModelCache.get(model);
        long from = n * part / parts;
        long to = n * (part + 1) / parts;
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + part);
        List<Row> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i += CHUNK) {
            int k = (int) Math.min(CHUNK, to - i);
            double[][] x = ExecutorCompute.run(() -> m.sample(k, context, rng));
            for (double[] row : x) {
                out.add(row(row));
            }
        }
        return out.iterator();
    }

    private Row row(double[] x) {
        int k = context == null ? 0 : context.length;
        Object[] vals = new Object[(vector ? 1 : x.length) + k];
        int at = 0;
        if (vector) {
            vals[at++] = Vectors.dense(x);
        } else {
            for (double v : x) {
                vals[at++] = v;
            }
        }
        for (int j = 0; j < k; j++) {
            vals[at++] = context[j];
        }
        return RowFactory.create(vals);
    }
}
