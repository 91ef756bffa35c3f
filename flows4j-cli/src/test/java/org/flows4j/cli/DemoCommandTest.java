package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: {@code flows4j demo} trains, writes the model and both pictures, and reports the gap. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoTrainsWritesItsFilesAndReachesTheEntropy() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--out", dir.toString(),
                "--threads", "2");
        String text = out + err.toString();
        assertEquals(0, code, text);
        assertTrue(Files.exists(dir.resolve("model.flow")) && Files.exists(dir.resolve("density.png"))
                && Files.exists(dir.resolve("samples.png")), "demo outputs in " + dir);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("gap (-?[0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(Double.parseDouble(m.group(1)) < 0.03, "gap to the true entropy: " + text);
    }
}
