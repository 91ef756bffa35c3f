package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpExitsZeroAndUnknownCommandExitsNonZero() {
        assertEquals(0, Main.run("--help"));
        assertNotEquals(0, Main.run("no-such-command"));
    }
}
