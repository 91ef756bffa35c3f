package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.data.Toys;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.flows.EpochStats;
import org.flows4j.train.TrainConfig;
import org.flows4j.train.TrainData;
import org.flows4j.train.TrainListener;
import org.flows4j.train.TrainResult;
import org.flows4j.train.TrainState;
import org.flows4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir
    Path dir;

    private static TrainData data() {
        Tensor x = Tensor.of(Toys.generate("8gaussians", 600, 5)).to(DType.FLOAT32);
        Tensor v = Tensor.of(Toys.generate("8gaussians", 200, 6)).to(DType.FLOAT32);
        return TrainData.of(x, v);
    }

    private static Flow flow(long seed) {
        return Flows.build(FlowSpec.defaults("realnvp", 2).withLayers(2).withHidden(16).withSeed(seed));
    }

    @Test
    void aRunResumedFromACheckpointFileEndsBitForBitLikeTheUninterruptedRun() throws IOException {
        TrainConfig cfg = TrainConfig.defaults().withEpochs(5).withBatchSize(100).withLearningRate(5e-3).withSeed(2);
        Flow straight = flow(1);
        TrainResult full = new Trainer(cfg).fit(straight, data(), null);

        Path file = dir.resolve("run.ckpt");
        new Trainer(cfg).fit(flow(1), data(), new TrainListener() {
            @Override
            public void onEpochEnd(EpochStats stats, Supplier<TrainState> checkpoint) {
                if (stats.epoch() == 3) {
                    try {
                        CheckpointFile.save(checkpoint.get(), file);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        Flow resumed = flow(99);
        TrainResult rest = new Trainer(cfg).fit(resumed, data(), null, CheckpointFile.load(file));

        assertEquals(full.bestEpoch(), rest.bestEpoch());
        assertEquals(full.history().size(), rest.history().size());
        for (int e = 0; e < full.history().size(); e++) {
            assertEquals(full.history().get(e).valNll(), rest.history().get(e).valNll(), 0.0, "epoch " + (e + 1));
        }
        Map<String, Tensor> a = straight.stateDict();
        Map<String, Tensor> b = resumed.stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsRefused() throws IOException {
        Path file = dir.resolve("bad.ckpt");
        Files.writeString(file, "not a zip");
        assertThrows(InvalidModelFileException.class, () -> CheckpointFile.load(file));
    }
}
