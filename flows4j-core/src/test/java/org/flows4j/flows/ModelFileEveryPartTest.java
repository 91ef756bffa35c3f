package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.flows4j.io.ModelFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered part type goes through a model file: its example flow (a transform over a standard normal, or a
 * distribution under a mixing transform) saved with {@link ModelFile#encode} and read back gives the same
 * log-densities bit for bit, with context rows for conditional parts.
 */
class ModelFileEveryPartTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.flows4j.flows.PartsRoundTripTest#allTypes")
    void theExampleOfEveryTypeSavesAndLoadsBitIdentically(String type) throws IOException {
        Flow f = PartsRoundTripTest.exampleFlow(type);
        FlowModel m = FlowModel.of(f);
        FlowModel back = ModelFile.decode(ModelFile.encode(m), type + ".flow");
        double[][] x = PartsRoundTripTest.points(f.transform().domain(), f.features());
        double[][] c = PartsRoundTripTest.contexts(f.contextFeatures());
        assertEquals(f.numParameters(), back.flow().numParameters());
        assertArrayEquals(m.logProb(x, c), back.logProb(x, c));
    }
}
