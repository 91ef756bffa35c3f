package org.flows4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.flows4j.data.Dequantizer;
import org.flows4j.flows.FlowModel;
import org.flows4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j eval}: the mean negative log-likelihood of a data set under a model, in nats per row
 * and in bits per dimension ({@code nll / (D ln 2)}, plus {@code log2 256} per dimension for 8-bit
 * images, whose density is on the dequantized [0, 1) scale), with the standard error of the mean
 * ({@code sd / sqrt(n)}), printed as one JSON object: {@code n, nll, nll_stderr, bits_per_dim}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Print the mean NLL of a data set as JSON.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model file written by train.")
    Path model;

    @Option(names = "--data", required = true, description = "file.csv, file.idx[.gz] or toy:NAME. A CSV header must name the model's columns (any order, others ignored); without a header the columns are taken by position.")
    String data;

    @Option(names = "--rows", defaultValue = "20000", description = "Rows to generate for toy data (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for toy data and dequantization (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N rows of the data; 0 for "
            + "all (default).")
    int limit;

    @Override
    public Integer call() throws Exception {
        Options.requirePositive("--rows", rows);
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0 (0 for all rows), got " + limit);
        }
        FlowModel m = ModelOptions.load(model);
        Dataset d = ModelOptions.rowsFor(m, data, rows, seed);
        if (limit > 0 && limit < d.x().length) {
            d = new Dataset(d.source(), Arrays.copyOf(d.x(), limit), d.context() == null ? null
                    : Arrays.copyOf(d.context(), limit), d.columns(), d.contextColumns(), d.levels(), d.image());
        }
        if (d.x().length == 0) {
            throw new IllegalArgumentException(data + ": no rows to evaluate");
        }
        Evaluation.Nll nll = Evaluation.Nll.of(m.logProb(d.x(), d.context()));
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("n", nll.n());
        o.put("nll", nll.mean());
        o.put("nll_stderr", nll.stderr());
        o.put("bits_per_dim", Dequantizer.bitsPerDim(nll.mean(), d.features(), Math.max(1, d.levels())));
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(o));
        return 0;
    }
}
