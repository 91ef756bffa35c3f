package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flows4j.cli.CliEndToEndTest.Run;
import org.flows4j.train.MemoryEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flows4j train} with values it cannot use: negative or zero epochs, batches and the like are refused
 * before the data is read, a model too large for the heap before it is built, and running out of memory on
 * the way is one line too; each is one line on stderr naming the value, exit code 2, and no model file.
 */
class TrainBadInputCliTest {
    @TempDir
    Path dir;

    private static Run run(String... args) {
        return CliEndToEndTest.run(args);
    }

    private void assertOneLine(Run r, String what, String... words) {
        assertEquals(2, r.code(), what + " -> " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String w : words) {
            assertTrue(r.err().contains(w), "'" + w + "' in: " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("bad.flow")), "no model file");
    }

    @Test
    void badTrainingNumbersAreRefusedBeforeTheDataIsRead() {
        String[][] cases = {
            {"--epochs", "-1"}, {"--epochs", "3", "--batch", "0"}, {"--batch", "-5"}, {"--patience", "-1"},
            {"--lr", "0"}, {"--clip", "-1"}, {"--shards", "0"}, {"--val-fraction", "0.6", "--test-fraction", "0.5"}};
        String[][] expected = {
            {"epochs must be >= 1", "got -1"}, {"batchSize must be >= 1, got 0"}, {"batchSize must be >= 1, got -5"},
            {"patience must be >= 0, got -1"}, {"learningRate", "got 0.0"}, {"clipNorm", "got -1.0"},
            {"shards must be >= 1, got 0"}, {"0.6", "0.5"}};
        for (int i = 0; i < cases.length; i++) {
            String[] args = {"train", "--data", "toy:nosuchtoy", "--out", dir.resolve("bad.flow").toString()};
            args = Arrays.copyOf(args, args.length + cases[i].length);
            System.arraycopy(cases[i], 0, args, args.length - cases[i].length, cases[i].length);
            Run r = run(args);
            assertOneLine(r, String.join(" ", cases[i]), expected[i]);
            assertFalse(r.err().contains("nosuchtoy"), "checked before the data is read: " + r.err());
        }
    }

    @Test
    void aModelThatCannotFitTheHeapIsRefusedBeforeItIsBuilt() {
        Run r = run("train", "--data", "toy:moons", "--rows", "200", "--layers", "100000000", "--out",
                dir.resolve("bad.flow").toString());
        assertOneLine(r, "--layers 100000000", "parameters", "the Java heap is at most "
                + MemoryEstimate.size(Runtime.getRuntime().maxMemory()));
        assertTrue(r.err().matches("(?s)train: the model would have at least [0-9,]+ parameters \\(.*\\).*"), r.err());
    }

    @Test
    void runningOutOfMemoryIsOneLineAndExitCodeTwo() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--data", "toy:moons", "--rows", "4000000", "--out",
                dir.resolve("bad.flow").toString());
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err;
        try (InputStream in = p.getErrorStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            err = buf.toString(StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertOneLine(new Run(p.exitValue(), "", err), "-Xmx32m --rows 4000000", "out of memory reading the data",
                "the Java heap is at most", "-Xmx");
    }
}
