package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helpers: files under {@code src/test/resources/fixtures/} written by past releases. */
final class Fixtures {
    private static final String DIR = "fixtures/";

    private Fixtures() {
    }

    /** The path of {@code fixtures/NAME}; fails the test if it is missing. */
    static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(DIR + name);
        assertNotNull(url, "missing test resource " + DIR + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The numeric rows of the CSV {@code fixtures/NAME}, which has a header line. */
    static List<double[]> csv(String name) throws IOException {
        List<String> lines = Files.readAllLines(resource(name), StandardCharsets.UTF_8);
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
            }
        }
        return rows;
    }
}
