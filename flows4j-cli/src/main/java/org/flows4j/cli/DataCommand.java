package org.flows4j.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flows4j.data.Fmnist49;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j data fmnist49 --out DIR}: builds the public real-data benchmark tables
 * ({@link Fmnist49}) from Debian's {@code dataset-fashion-mnist} and writes {@code fmnist49-train.csv}
 * (10,000 rows) and {@code fmnist49-test.csv} (5,000 rows), 49 columns {@code b0..b48}, each file
 * atomically.
 */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Build a public benchmark data set as CSV files.")
final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "The data set: fmnist49.")
    String name;

    @Option(names = "--out", required = true, description = "The directory to write the CSV files to (created if missing).")
    Path out;

    @Option(names = "--source", description = "Directory of the Fashion-MNIST IDX files (default: "
            + "/usr/share/datasets/fashion-mnist, from the Debian package dataset-fashion-mnist).")
    Path source = Fmnist49.DEBIAN_DIR;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the dequantization noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!name.equals("fmnist49")) {
            throw new IllegalArgumentException("data: expected the data set fmnist49, got '" + name + "'");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: expected a directory, got the file " + out);
        }
        Files.createDirectories(out);
        double[][][] tables = Fmnist49.build(source, seed);
        PrintWriter w = spec.commandLine().getOut();
        String[] names = {"fmnist49-train.csv", "fmnist49-test.csv"};
        for (int i = 0; i < 2; i++) {
            Path file = out.resolve(names[i]);
            writeCsv(file, tables[i]);
            w.printf(Locale.ROOT, "wrote %s (%d rows, %d columns)%n", file, tables[i].length, Fmnist49.COLUMNS);
        }
        return 0;
    }

    private static void writeCsv(Path file, double[][] rows) throws IOException {
        AtomicFiles.write(file, "data", os -> {
            Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < Fmnist49.COLUMNS; j++) {
                sb.append(j == 0 ? "" : ",").append('b').append(j);
            }
            w.write(sb.append('\n').toString());
            for (double[] row : rows) {
                sb.setLength(0);
                for (int j = 0; j < row.length; j++) {
                    sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9f", row[j]));
                }
                w.write(sb.append('\n').toString());
            }
            w.flush();
        });
    }
}
