package org.flows4j.cli;

import static org.flows4j.cli.CliEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flows4j.cli.CliEndToEndTest.Run;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file with a NaN weight is refused when loaded, in one line naming the tensor, not at first use. */
class NanWeightsCliTest {
    @TempDir
    Path dir;

    @Test
    void evalAndScoreNameTheTensorHoldingNaN() throws Exception {
        FlowSpec spec = FlowSpec.defaults("maf", 2).withLayers(2).withHidden(8);
        Flow flow = Flows.build(spec);
        String name = "transform.2.made.layers.1.bias";
        flow.parameters().get(name).value().set(3, Double.NaN);
        Path model = dir.resolve("nan.flow");
        ModelFile.save(FlowModel.of(spec, flow), model);
        Path data = dir.resolve("rows.csv");
        Files.writeString(data, "x0,x1\n0.5,1.0\n-1.0,0.2\n");
        for (String command : new String[] {"eval", "score"}) {
            Run r = run(command, "--model", model.toString(), "--data", data.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("'" + name + "'") && r.err().contains("NaN"), r.err());
        }
    }
}
