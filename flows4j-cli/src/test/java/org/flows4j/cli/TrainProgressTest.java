package org.flows4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.flows4j.flows.EpochStats;
import org.junit.jupiter.api.Test;

class TrainProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainModePrintsTheDocumentedEpochLine() {
        try (TrainProgress p = new TrainProgress(out, false)) {
            p.onStart(2000, 40);
            p.onEpochEnd(new EpochStats(3, 120, 1.2344, 1.30111, 9.5e-4, 2.06), null);
        }
        assertEquals("epoch 3/50  step 120/2000  loss 1.234  val_nll 1.301  lr 9.5e-04  2.1s" + System.lineSeparator(),
                text());
    }

    @Test
    void plainModePrintsNothingPerStepAndOneLinePerEpoch() {
        TrainProgress p = new TrainProgress(out, false);
        p.onStart(30, 10);
        for (int step = 1; step <= 10; step++) {
            p.onStep(1, step, 2.0);
        }
        assertEquals("", text());
        p.onEpochEnd(new EpochStats(1, 10, 2.0, Double.NaN, 1e-3, 0.5), null);
        for (int step = 11; step <= 20; step++) {
            p.onStep(2, step, 1.5);
        }
        p.close();
        String expected = "epoch 1/3  step 10/30  loss 2.000  val_nll -  lr 1.0e-03  0.5s" + System.lineSeparator();
        assertEquals(expected, text());
        assertFalse(p.isInteractive());
    }

    @Test
    void epochCountRoundsUpWhenTotalIsNotAMultiple() {
        TrainProgress p = new TrainProgress(out, false);
        p.onStart(25, 10);
        p.onEpochEnd(new EpochStats(3, 25, 0.25, 0.5, 1e-2, 10.0), null);
        assertTrue(text().startsWith("epoch 3/3  step 25/25  loss 0.250  val_nll 0.500  lr 1.0e-02  10.0s"), text());
    }

    @Test
    void interactiveModeDrawsABarWithEpochLossAndValidation() {
        TrainProgress p = new TrainProgress(out, true);
        p.onStart(10, 5);
        for (int step = 1; step <= 10; step++) {
            int epoch = (step - 1) / 5 + 1;
            p.onStep(epoch, step, 1.0 / epoch);
            if (step % 5 == 0) {
                p.onEpochEnd(new EpochStats(epoch, step, 1.0 / epoch, 0.75, 1e-3, 0.1), null);
            }
        }
        p.close();
        p.close();
        String shown = text();
        assertTrue(p.isInteractive());
        assertTrue(shown.contains("10/10"), shown);
        assertTrue(shown.contains("epoch 2/2 loss 0.500 val 0.750"), shown);
        assertFalse(shown.contains("val_nll"), shown);
    }

    @Test
    void interactiveRunningLossIsTheMeanOfTheEpochSoFar() {
        TrainProgress p = new TrainProgress(out, true);
        p.onStart(4, 4);
        p.onStep(1, 1, 1.0);
        p.onStep(1, 2, 2.0);
        p.onStep(1, 3, 6.0);
        p.close();
        assertTrue(text().contains("epoch 1/1 loss 3.000 val -"), text());
    }

    @Test
    void rejectsImpossibleRunSizes() {
        TrainProgress p = new TrainProgress(out, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.onStart(10, 0));
        assertTrue(e.getMessage().contains("TrainProgress.onStart") && e.getMessage().contains("0"), e.getMessage());
    }
}
