package org.flows4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.flows.EpochStats;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.TrainState;
import org.flows4j.vi.HeldOutCheck;
import org.flows4j.vi.ImportanceEstimate;
import org.flows4j.vi.SampleCounts;
import org.flows4j.vi.StepStats;
import org.flows4j.vi.ViState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViCheckpointFileTest {
    @TempDir
    Path dir;

    @Test
    void aStateReadsBackExactlyNonFiniteValuesIncluded() throws IOException {
        Map<String, Tensor> model = Map.of("w", Tensor.of(new double[] {0.1, -2.5e-300, 7}, 3));
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("lr", 0.001);
        optimizer.put("steps", 12L);
        optimizer.put("m.w", Tensor.of(new float[] {1.5f, -0.25f, 3e-7f}, 3));
        List<StepStats> history = List.of(
                new StepStats(1, 0.3, -0.2, 0.01, 1e-3, 4.25, new SampleCounts(64, 0, 3, 1), false),
                new StepStats(2, Double.NaN, Double.NaN, 0.02, 1e-3, Double.NaN, new SampleCounts(64, 2, 40, 0), true));
        List<HeldOutCheck> checks = List.of(new HeldOutCheck(2, new ImportanceEstimate(10, Double.NEGATIVE_INFINITY,
                Double.NaN, 0, 0, -3.5, new SampleCounts(12, 1, 1, 10)), false));
        ViState state = new ViState(2, model, optimizer, new long[] {1, -2, 3, Long.MIN_VALUE, 1, 42}, null, Double.NaN,
                0, 1, history, checks);
        Path file = dir.resolve("s.ckpt");
        ViCheckpointFile.save(state, file);
        ViState back = ViCheckpointFile.load(file);

        assertEquals(2, back.steps());
        assertArrayEquals(state.rng(), back.rng());
        assertNull(back.best());
        assertTrue(Double.isNaN(back.bestElbo()));
        assertEquals(1, back.badChecks());
        assertEquals(history, back.history());
        assertEquals(checks, back.checks());
        assertArrayEquals(model.get("w").toDoubleArray(), back.model().get("w").toDoubleArray(), 0.0);
        assertEquals(0.001, (Double) back.optimizer().get("lr"), 0.0);
        assertEquals(12L, back.optimizer().get("steps"));
        assertArrayEquals(((Tensor) optimizer.get("m.w")).toFloatArray(), ((Tensor) back.optimizer().get("m.w"))
                .toFloatArray(), 0f);
    }

    @Test
    void aMaximumLikelihoodCheckpointIsNotTakenForAVariationalOne() throws IOException {
        Path file = dir.resolve("ml.ckpt");
        CheckpointFile.save(new TrainState(1, 5, Map.of("w", Tensor.of(new double[] {1}, 1)), Map.<String, Object>of("lr", 0.1),
                new long[] {1, 2, 3, 4, 0, 0}, null, Double.NaN, 0, 0, List.<EpochStats>of()), file);
        InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> ViCheckpointFile.load(file));
        assertTrue(e.getMessage().contains("flows4j-vi-checkpoint") && e.getMessage().contains("got flows4j-checkpoint"),
                e.getMessage());
        assertEquals(5, CheckpointFile.load(file).steps());
    }
}
