package org.flows4j.cli;

import static org.flows4j.cli.CliEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flows4j.cli.CliEndToEndTest.Run;
import org.flows4j.data.Standardizer;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.flows.Preprocessing;
import org.flows4j.io.ModelFile;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eval and score take a CSV file's columns by the model's column names when the file has a header (any
 * order, extra columns ignored) and by position when it has none; a missing column is one line and exit 2.
 */
class ModelColumnsCliTest {
    @TempDir
    static Path dir;
    static Path modelFile;
    static FlowModel model;
    /** Rows as {@code a, b, c} and their context {@code t}. */
    static final double[][] X = {{10.5, -4.0, 0.3}, {9.0, -6.5, -0.2}, {11.2, -5.1, 0.9}, {10.0, -3.0, 0.0}};
    static final double[][] T = {{1.5}, {-0.5}, {0.2}, {2.0}};

    /** A conditional maf on columns a, b, c given t, with random weights and unequal standardization per column. */
    @BeforeAll
    static void buildModel() throws IOException {
        FlowSpec spec = FlowSpec.defaults("maf", 3).withContext(1).withLayers(2).withHidden(8);
        Flow flow = Flows.build(spec);
        Rng rng = new Rng(11);
        for (Parameter p : flow.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, 0.3 * rng.nextGaussian());
            }
        }
        Preprocessing pre = new Preprocessing(new Standardizer(new double[] {10, -5, 0}, new double[] {1, 2, 0.5}),
                new Standardizer(new double[] {0.5}, new double[] {1.5}), 0);
        model = FlowModel.of(spec, flow).withPreprocessing(pre).withColumns(List.of("a", "b", "c"), List.of("t"));
        modelFile = dir.resolve("abc-t.flow");
        ModelFile.save(model, modelFile);
    }

    /** Writes X and T with the columns in {@code order} under {@code header} (null: no header); {@code label} is text, other names filler numbers. */
    static Path csv(String name, List<String> header, List<String> order) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (header != null) {
            sb.append(String.join(",", header)).append('\n');
        }
        for (int i = 0; i < X.length; i++) {
            StringBuilder row = new StringBuilder();
            for (String col : order) {
                if (row.length() > 0) {
                    row.append(',');
                }
                row.append(switch (col) {
                    case "a" -> Double.toString(X[i][0]);
                    case "b" -> Double.toString(X[i][1]);
                    case "c" -> Double.toString(X[i][2]);
                    case "t" -> Double.toString(T[i][0]);
                    case "label" -> "class" + i;
                    default -> Double.toString(i * 100.0);
                });
            }
            sb.append(row).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, sb);
        return file;
    }

    static double[] scores(Run r) {
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals("log_prob", lines.get(0));
        return lines.stream().skip(1).mapToDouble(Double::parseDouble).toArray();
    }

    @Test
    void aReorderedHeaderWithExtraColumnsGivesTheScoresOfTheModelsOrder() throws IOException {
        double[] expected = model.logProb(X, T);
        double[][] swapped = new double[X.length][];
        for (int i = 0; i < X.length; i++) {
            swapped[i] = new double[] {X[i][2], X[i][0], X[i][1]};
        }
        double[] byPosition = model.logProb(swapped, T);
        for (int i = 0; i < X.length; i++) {
            assertTrue(Math.abs(expected[i] - byPosition[i]) > 1e-3,
                    "the test needs columns whose order matters: row " + i + " " + expected[i] + " vs " + byPosition[i]);
        }
        List<String> same = List.of("a", "b", "c", "t");
        List<String> shuffled = List.of("c", "label", "a", "t", "extra", "b");
        Path inOrder = csv("in-order.csv", same, same);
        Path reordered = csv("reordered.csv", shuffled, shuffled);

        double[] a = scores(run("score", "--model", modelFile.toString(), "--data", inOrder.toString()));
        double[] b = scores(run("score", "--model", modelFile.toString(), "--data", reordered.toString()));
        for (int i = 0; i < X.length; i++) {
            assertEquals(expected[i], a[i], 0.0);
            assertEquals(expected[i], b[i], 0.0);
        }
        Run evalA = run("eval", "--model", modelFile.toString(), "--data", inOrder.toString());
        Run evalB = run("eval", "--model", modelFile.toString(), "--data", reordered.toString());
        assertEquals(0, evalB.code(), evalB.err());
        double nll = -(expected[0] + expected[1] + expected[2] + expected[3]) / 4;
        assertEquals(nll, new ObjectMapper().readTree(evalA.out()).get("nll").asDouble(), 1e-9);
        assertEquals(nll, new ObjectMapper().readTree(evalB.out()).get("nll").asDouble(), 1e-9);
    }

    @Test
    void aMissingColumnIsOneLineNamingItAndTheFilesColumns() throws IOException {
        List<String> cols = List.of("a", "c", "t", "x9");
        Path file = csv("no-b.csv", cols, cols);
        for (String command : List.of("score", "eval")) {
            Run r = run(command, "--model", modelFile.toString(), "--data", file.toString());
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("missing: b)"), r.err());
            assertTrue(r.err().contains("the file has a, c, t, x9"), r.err());
            assertTrue(r.err().contains("a, b, c (context: t)"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aHeaderNamingOtherColumnsIsNoLongerReadByPosition() throws IOException {
        Path file = csv("renamed.csv", List.of("x0", "x1", "x2", "x3"), List.of("a", "b", "c", "t"));
        Run r = run("score", "--model", modelFile.toString(), "--data", file.toString());
        assertEquals(2, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("missing: a, b, c, t)"), r.err());
    }

    @Test
    void aHeaderlessFileIsReadByPositionWhenItHasTheModelsWidth() throws IOException {
        Path good = csv("headerless.csv", null, List.of("a", "b", "c", "t"));
        double[] expected = model.logProb(X, T);
        double[] got = scores(run("score", "--model", modelFile.toString(), "--data", good.toString()));
        for (int i = 0; i < X.length; i++) {
            assertEquals(expected[i], got[i], 0.0);
        }
        Path narrow = csv("headerless-narrow.csv", null, List.of("a", "b", "c"));
        Run r = run("eval", "--model", modelFile.toString(), "--data", narrow.toString());
        assertEquals(2, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("expected 4 columns") && r.err().contains("got 3"), r.err());
    }
}
