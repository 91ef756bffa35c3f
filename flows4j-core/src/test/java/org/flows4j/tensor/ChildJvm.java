package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test main class in a child JVM started without {@code --add-modules jdk.incubator.vector}. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The child's combined output; asserts that it finished within a minute with exit code 0. */
    public static String run(Class<?> main) throws Exception {
        return run(main, List.of());
    }

    /** As {@link #run(Class)}, with extra JVM options (such as {@code -Xint}) before the class name. */
    public static String run(Class<?> main, List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        return exec(command);
    }

    /** The path of the {@code java} launcher of the running JVM. */
    public static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** Runs {@code command}; returns its combined output and asserts that it finished within a minute with exit code 0. */
    public static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            out = buf.toString(StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
