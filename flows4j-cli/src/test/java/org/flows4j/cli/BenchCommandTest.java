package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flows4j.tensor.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final List<String> FIELDS = List.of("lib", "model", "threads", "params", "train_steps_per_s",
            "logprob_rows_per_s", "sample_rows_per_s", "peak_heap_mb", "live_heap_start_mb", "live_heap_end_mb");
    private static final Pattern PAIR = Pattern.compile("\"([a-z_]+)\":(\"[^\"]*\"|[0-9.eE+-]+)");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    private int oldThreads;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        oldThreads = Parallel.threads();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        Parallel.setThreads(oldThreads);
    }

    private static List<String> lines(ByteArrayOutputStream s) {
        List<String> lines = new ArrayList<>();
        for (String l : s.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static Map<String, String> parse(String json) {
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(json);
        int consumed = 0;
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
            consumed += m.group().length() + 1;
        }
        assertEquals(json.length() - 1, consumed, () -> "every character is a field, a comma or a brace: " + json);
        return fields;
    }

    @Test
    void allModelsPrintOneLineEachWithEveryFieldPositive() {
        int code = Main.run("bench", "--model", "all", "--dim", "3", "--layers", "2", "--hidden", "8", "--batch", "16",
                "--eval-batch", "40", "--threads", "1", "--warmup-seconds", "0.1");
        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
        List<String> lines = lines(out);
        assertEquals(BenchCommand.MODELS.size(), lines.size(), lines::toString);
        for (int i = 0; i < lines.size(); i++) {
            Map<String, String> f = parse(lines.get(i));
            assertEquals(FIELDS, new ArrayList<>(f.keySet()), lines.get(i));
            assertEquals("\"flows4j\"", f.get("lib"));
            assertEquals("\"" + BenchCommand.MODELS.get(i) + "\"", f.get("model"));
            assertEquals("1", f.get("threads"));
            for (String k : FIELDS.subList(3, FIELDS.size())) {
                double v = Double.parseDouble(f.get(k));
                assertTrue(v > 0 && Double.isFinite(v), k + " = " + v + " in " + lines.get(i));
            }
            double peak = Double.parseDouble(f.get("peak_heap_mb"));
            for (String live : List.of("live_heap_start_mb", "live_heap_end_mb")) {
                assertTrue(Double.parseDouble(f.get(live)) <= peak, live + " above the peak in " + lines.get(i));
            }
        }
    }

    @Test
    void paramsCountTheFlowsWeights() {
        assertEquals(0, Main.run("bench", "--model", "realnvp", "--dim", "2", "--layers", "1", "--hidden", "3",
                "--batch", "4", "--eval-batch", "4", "--threads", "1", "--warmup-seconds", "0"));
        // One coupling on 2 features: an MLP 1 -> 3 -> 3 -> 2 (scale and shift of one feature), weights and biases,
        // and the free scale and shift of the pass-through feature (both halves are transformed).
        long expected = (1 * 3 + 3) + (3 * 3 + 3) + (3 * 2 + 2) + 2;
        assertEquals(String.valueOf(expected), parse(lines(out).get(0)).get("params"));
    }

    @Test
    void classicBuildsTheFirstReleasesCouplingWithoutThePassThroughParameters() {
        assertEquals(0, Main.run("bench", "--model", "realnvp", "--dim", "2", "--layers", "1", "--hidden", "3",
                "--batch", "4", "--eval-batch", "4", "--threads", "1", "--warmup-seconds", "0", "--classic"));
        // The same coupling as paramsCountTheFlowsWeights without the pass-through feature's free scale and shift.
        long expected = (1 * 3 + 3) + (3 * 3 + 3) + (3 * 2 + 2);
        assertEquals(String.valueOf(expected), parse(lines(out).get(0)).get("params"));
    }

    @Test
    void unknownModelPrintsOneLineAndExitsTwo() {
        assertEquals(2, Main.run("bench", "--model", "flowy"));
        assertBadInput("flowy");
    }

    @Test
    void imageLevelsThatDoNotFitTheImagePrintOneLineAndExitTwo() {
        assertEquals(2, Main.run("bench", "--model", "glow", "--levels", "3"));
        assertBadInput("--levels");
    }

    @Test
    void negativeDimPrintsOneLineAndExitsTwo() {
        assertEquals(2, Main.run("bench", "--model", "maf", "--dim", "-3"));
        assertBadInput("-3");
    }

    @Test
    void unparsableNumberPrintsOneLineAndExitsTwo() {
        assertEquals(2, Main.run("bench", "--threads", "two"));
        assertBadInput("two");
    }

    @Test
    void badDtypeAndTooFewTrainStepsExitTwo() {
        assertEquals(2, Main.run("bench", "--dtype", "float16"));
        assertBadInput("float16");
        err.reset();
        assertEquals(2, Main.run("bench", "--train-steps", "5"));
        assertBadInput("5");
        err.reset();
        assertEquals(2, Main.run("bench", "--shards", "0"));
        assertBadInput("--shards");
        err.reset();
        assertEquals(2, Main.run("bench", "--warmup-seconds", "-1"));
        assertBadInput("-1");
    }

    private void assertBadInput(String named) {
        List<String> e = lines(err);
        assertEquals(1, e.size(), e::toString);
        assertTrue(e.get(0).contains(named), e.get(0));
        assertTrue(lines(out).isEmpty(), out::toString);
    }
}
