package org.flows4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.flows4j.data.Dequantizer;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.Rng;

/** Loading a model and rows for it, shared by eval, score, sample and plot. */
final class ModelOptions {
    private ModelOptions() {
    }

    static FlowModel load(Path file) throws IOException {
        return ModelFile.load(file);
    }

    /** Rows of {@code data} in the model's units (IDX pixels dequantized to {@code (x + u) / 256} with the seed). */
    static Dataset rowsFor(FlowModel model, String data, int toyRows, long seed) throws IOException {
        Dataset d = DataLoader.forModel(data, model, toyRows, seed);
        if (d.levels() > 0) {
            double[][] x = new Dequantizer(d.levels()).dequantize(d.x(), new Rng(seed));
            return new Dataset(d.source(), x, d.context(), d.columns(), d.contextColumns(), d.levels(), d.image());
        }
        return d;
    }
}
