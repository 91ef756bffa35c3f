package org.flows4j.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.flows.Flow;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Runs the user guide's worked example and checks that the guide shows exactly this code. */
class UserGuideExampleTest {

    @Test
    void theExamplePassesTheChecker() {
        ContextScaleShift t = new ContextScaleShift(3, 2, DType.FLOAT64, new Rng(1));
        CheckReport report = new TransformChecker().check(t);
        assertTrue(report.passed(), report::toString);
    }

    @Test
    void theExampleFlowGivesTheHandComputedDensity() {
        ContextScaleShift t = new ContextScaleShift(2, 1, DType.FLOAT64, new Rng(5));
        Flow flow = new Flow(t, new StandardNormal(2, DType.FLOAT64));
        Tensor w = t.stateDict().get("net.weight");
        Tensor b = t.stateDict().get("net.bias");
        double[][] x = {{0.3, -1.2}, {2.0, 0.5}};
        double[][] c = {{0.7}, {-1.4}};
        double[] got = flow.logProb(x, c);
        for (int r = 0; r < 2; r++) {
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double mu = w.at(i, 0) * c[r][0] + b.get(i);
                double s = w.at(i + 2, 0) * c[r][0] + b.get(i + 2);
                double z = (x[r][i] - mu) * Math.exp(-s);
                expected += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - s;
            }
            assertEquals(expected, got[r], 1e-12);
        }
    }

    @Test
    void theGuideShowsThisExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/org/flows4j/guide/ContextScaleShift.java"));
        String classBody = source.substring(source.indexOf("public final class ContextScaleShift"));
        String guide = Files.readString(Path.of("../docs/USER_GUIDE.md"));
        assertTrue(guide.contains(classBody.strip()),
                "docs/USER_GUIDE.md must contain the class body of ContextScaleShift.java exactly");
    }
}
