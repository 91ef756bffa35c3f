package org.flows4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flows4j.vi.HeldOutCheck;
import org.flows4j.vi.ImportanceEstimate;
import org.flows4j.vi.SampleCounts;
import org.flows4j.vi.StepStats;
import org.flows4j.vi.ViState;

/**
 * A {@link ViState} on disk, so an interrupted variational-inference run can resume exactly: the layout of
 * {@link CheckpointFile} (format {@code flows4j-vi-checkpoint}, version 1) with, in {@code state.json}, the steps
 * taken, the sample generator's state, the early-stopping state, every step's statistics as an array
 * {@code [step, loss, elbo, beta, lr, gradNorm, total, nonFinite, invalid, outside, refused]} and every held-out
 * check as {@code [step, samples, logZ, stderr, ess, essFraction, elbo, total, nonFinite, invalid, outside,
 * improved]} (booleans as 0 or 1). Doubles read back to the same bits.
 */
public final class ViCheckpointFile {
    private static final String FORMAT = "flows4j-vi-checkpoint";
    private static final int VERSION = 1;

    private ViCheckpointFile() {
    }

    /** Writes {@code state} to {@code file}. */
    public static void save(ViState state, Path file) throws IOException {
        ObjectNode root = CheckpointZip.root(FORMAT, VERSION);
        root.put("steps", state.steps());
        CheckpointZip.putLongs(root, "rng", state.rng());
        root.put("best_elbo", state.bestElbo());
        root.put("best_step", state.bestStep());
        root.put("bad_checks", state.badChecks());
        ArrayNode history = root.putArray("history");
        for (StepStats s : state.history()) {
            addCounts(history.addArray().add(s.step()).add(s.loss()).add(s.elbo()).add(s.beta()).add(s.lr())
                    .add(s.gradNorm()), s.counts()).add(s.refused() ? 1 : 0);
        }
        ArrayNode checks = root.putArray("checks");
        for (HeldOutCheck c : state.checks()) {
            ImportanceEstimate e = c.estimate();
            addCounts(checks.addArray().add(c.step()).add(e.samples()).add(e.logZ()).add(e.stderr()).add(e.ess())
                    .add(e.essFraction()).add(e.elbo()), e.counts()).add(c.improved() ? 1 : 0);
        }
        CheckpointZip.write(file, root, state.model(), state.optimizer(), state.best());
    }

    private static ArrayNode addCounts(ArrayNode a, SampleCounts c) {
        return a.add(c.total()).add(c.nonFinite()).add(c.invalid()).add(c.outside());
    }

    private static SampleCounts counts(JsonNode a, int from) {
        return new SampleCounts(a.get(from).intValue(), a.get(from + 1).intValue(), a.get(from + 2).intValue(),
                a.get(from + 3).intValue());
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static ViState load(Path file) throws IOException {
        CheckpointZip.Contents c = CheckpointZip.read(file, FORMAT, VERSION);
        JsonNode root = c.root();
        try {
            List<StepStats> history = new ArrayList<>();
            for (JsonNode h : root.get("history")) {
                history.add(new StepStats(h.get(0).longValue(), h.get(1).asDouble(), h.get(2).asDouble(),
                        h.get(3).asDouble(), h.get(4).asDouble(), h.get(5).asDouble(), counts(h, 6),
                        h.get(10).intValue() == 1));
            }
            List<HeldOutCheck> checks = new ArrayList<>();
            for (JsonNode h : root.get("checks")) {
                checks.add(new HeldOutCheck(h.get(0).longValue(), new ImportanceEstimate(h.get(1).intValue(),
                        h.get(2).asDouble(), h.get(3).asDouble(), h.get(4).asDouble(), h.get(5).asDouble(),
                        h.get(6).asDouble(), counts(h, 7)), h.get(11).intValue() == 1));
            }
            return new ViState(root.get("steps").longValue(), c.model(), c.optimizer(),
                    CheckpointZip.longs(root.get("rng")), c.best(), root.get("best_elbo").asDouble(),
                    root.get("best_step").longValue(), root.get("bad_checks").intValue(), history, checks);
        } catch (NullPointerException | ClassCastException e) {
            throw CheckpointZip.incomplete(file, e);
        }
    }
}
