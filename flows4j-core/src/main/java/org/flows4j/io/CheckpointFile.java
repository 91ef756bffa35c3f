package org.flows4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flows4j.flows.EpochStats;
import org.flows4j.train.TrainState;

/**
 * A {@link TrainState} on disk, so an interrupted training run can resume exactly: a zip of
 * {@code state.json} (epochs and steps done, the shuffling generator's four state words, the
 * early-stopping state, the epoch history and the optimizer's scalar entries) and three safetensors
 * files: {@code model.safetensors} (the weights), {@code optimizer.safetensors} (the optimizer's moment
 * tensors) and, when there is one, {@code best.safetensors} (the best epoch's weights). Doubles are
 * written with full precision (Jackson writes the shortest representation that reads back to the same
 * bits), so a loaded state equals the saved one exactly. Written through a temporary file and a rename.
 */
public final class CheckpointFile {
    private static final String FORMAT = "flows4j-checkpoint";
    private static final int VERSION = 1;

    private CheckpointFile() {
    }

    /** Writes {@code state} to {@code file}. */
    public static void save(TrainState state, Path file) throws IOException {
        ObjectNode root = CheckpointZip.root(FORMAT, VERSION);
        root.put("epochs_done", state.epochsDone());
        root.put("steps", state.steps());
        CheckpointZip.putLongs(root, "rng", state.rng());
        root.put("best_val_nll", state.bestValNll());
        root.put("best_epoch", state.bestEpoch());
        root.put("bad_epochs", state.badEpochs());
        ArrayNode history = root.putArray("history");
        for (EpochStats e : state.history()) {
            history.addArray().add(e.epoch()).add(e.steps()).add(e.trainLoss()).add(e.valNll()).add(e.lr()).add(e.seconds());
        }
        CheckpointZip.write(file, root, state.model(), state.optimizer(), state.best());
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static TrainState load(Path file) throws IOException {
        CheckpointZip.Contents c = CheckpointZip.read(file, FORMAT, VERSION);
        JsonNode root = c.root();
        try {
            List<EpochStats> history = new ArrayList<>();
            for (JsonNode h : root.get("history")) {
                history.add(new EpochStats(h.get(0).intValue(), h.get(1).longValue(), h.get(2).asDouble(),
                        h.get(3).asDouble(), h.get(4).asDouble(), h.get(5).asDouble()));
            }
            return new TrainState(root.get("epochs_done").intValue(), root.get("steps").longValue(), c.model(),
                    c.optimizer(), CheckpointZip.longs(root.get("rng")), c.best(), root.get("best_val_nll").asDouble(),
                    root.get("best_epoch").intValue(), root.get("bad_epochs").intValue(), history);
        } catch (NullPointerException | ClassCastException e) {
            throw CheckpointZip.incomplete(file, e);
        }
    }
}
