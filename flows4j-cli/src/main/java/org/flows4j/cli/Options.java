package org.flows4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.tensor.Parallel;

/** Checks and small adapters shared by the commands. */
final class Options {
    private Options() {
    }

    /** Throws unless {@code out} can be written: its directory exists and it is not itself a directory. */
    static void requireWritableTarget(Path out) {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("cannot write " + out + ": it is a directory");
        }
    }

    /** Sets the thread count of the default compute context, which the commands use; 0 keeps the default (every processor). */
    static void setThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (threads > 0) {
            Parallel.setThreads(threads);
        }
    }

    static void requirePositive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be > 0, got " + value);
        }
    }

    /** A print stream that forwards each flushed chunk of text to {@code w}. */
    static PrintStream printStream(PrintWriter w) {
        OutputStream forward = new OutputStream() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buf.write(b);
            }

            @Override
            public void flush() {
                w.write(buf.toString(StandardCharsets.UTF_8));
                buf.reset();
                w.flush();
            }
        };
        return new PrintStream(forward, true, StandardCharsets.UTF_8);
    }
}
