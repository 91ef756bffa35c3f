package org.flows4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.Preprocessing;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Rng;

/** Small models and tables for the tests: flows with weights moved off their (often identity) initial values. */
final class Fixtures {
    private Fixtures() {
    }

    /** A small realnvp on {@code d} columns and {@code c} context columns, weights perturbed, with standardization. */
    static FlowModel model(int d, int c, long seed) {
        FlowSpec spec = FlowSpec.defaults("realnvp", d).withContext(c).withLayers(2).withHidden(8, 8).withSeed(seed);
        Flow flow = Flows.build(spec);
        Rng rng = new Rng(seed);
        for (Parameter p : flow.parameters().values()) {
            float[] v = p.value().floatData();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.1 * rng.nextGaussian());
            }
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = j + 0.5;
            scale[j] = 1.5 + j;
        }
        Standardizer ctx = c == 0 ? null : new Standardizer(new double[c], filled(c, 2.0));
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("x" + j);
        }
        return FlowModel.of(spec, flow).withPreprocessing(new Preprocessing(new Standardizer(mean, scale), ctx, 0))
                .withColumns(names, FlowModel.names("c", c));
    }

    static double[] filled(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** {@code n} rows of {@code d} correlated Gaussian columns {@code x0..}, seeded. */
    static double[][] rows(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            double shared = rng.nextGaussian();
            for (int j = 0; j < d; j++) {
                row[j] = j + 0.8 * shared + 0.6 * rng.nextGaussian() * (1 + j);
            }
        }
        return x;
    }

    /** A DataFrame of double columns named {@code names} holding {@code x}, in {@code parts} partitions. */
    static Dataset<Row> frame(double[][] x, String[] names, int parts) {
        List<Row> rows = new ArrayList<>();
        for (double[] r : x) {
            Object[] vals = new Object[r.length];
            for (int j = 0; j < r.length; j++) {
                vals[j] = Double.isNaN(r[j]) ? null : r[j];
            }
            rows.add(RowFactory.create(vals));
        }
        StructField[] fields = new StructField[names.length];
        for (int j = 0; j < names.length; j++) {
            fields[j] = DataTypes.createStructField(names[j], DataTypes.DoubleType, true);
        }
        return TestSpark.session().createDataFrame(rows, new StructType(fields)).repartition(parts);
    }

    static String[] names(String prefix, int n) {
        return FlowModel.names(prefix, n).toArray(new String[0]);
    }
}
