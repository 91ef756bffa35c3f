package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesANewFileAndReplacesAnOldOne() throws IOException {
        Path out = dir.resolve("f.bin");
        AtomicFiles.write(out, "test", os -> os.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out));
        AtomicFiles.write(out, "test", os -> os.write(new byte[] {9}));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(out));
        assertEquals(List.of(out), PlotsTest.listing(dir));
    }

    @Test
    void failureHalfwayKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path out = dir.resolve("f.png");
        Files.writeString(out, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(out, "test", os -> {
            os.write("partial new content".getBytes(StandardCharsets.UTF_8));
            os.flush();
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(out));
        assertEquals(List.of(out), PlotsTest.listing(dir));
    }

    @Test
    void failureOnANewFileLeavesNothing() throws IOException {
        Path out = dir.resolve("new.png");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(out, "test", os -> {
            os.write(1);
            throw new IllegalStateException("encoder crashed");
        }));
        assertEquals(List.of(), PlotsTest.listing(dir));
    }

    @Test
    void refusesADirectoryAsTarget() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(sub, "test", os -> os.write(1)));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }
}
