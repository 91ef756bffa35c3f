package org.flows4j.train;

import java.util.Arrays;
import org.flows4j.distribution.Distribution;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Tensor;

/**
 * Training rows {@code [N, D]}, optional context rows {@code [N, C]}, optional validation rows
 * (with context when the training data has it), and optionally {@link EpochRows} that give the training
 * rows of each epoch afresh (dequantization noise drawn per epoch); without them every epoch sees
 * {@code train}. Tensors are used as given (not copied).
 */
public record TrainData(Tensor train, Tensor trainContext, Tensor validation, Tensor validationContext,
                        EpochRows epochRows) {

    /**
     * The training rows of each epoch, for data that changes between epochs. The rows of every epoch are
     * shaped and typed like {@link #train()} and keep its order, so row {@code i} still goes with context row
     * {@code i}.
     */
    @FunctionalInterface
    public interface EpochRows {
        /**
         * The training rows of the 1-based {@code epoch}. A pure function of {@code epoch}, so that a run
         * resumed from a {@link TrainState} sees the rows the uninterrupted run would have seen.
         */
        Tensor rows(int epoch);
    }

    /** Training, context and validation rows; every epoch sees {@code train}. */
    public TrainData(Tensor train, Tensor trainContext, Tensor validation, Tensor validationContext) {
        this(train, trainContext, validation, validationContext, null);
    }

    /** Checks ranks and row counts. */
    public TrainData {
        if (train == null || train.rank() != 2 || train.size(0) == 0) {
            throw new IllegalArgumentException("TrainData: training data must be a non-empty [N, D] tensor, got "
                    + (train == null ? "null" : Shape.str(train.shape())));
        }
        checkContext("training", train, trainContext);
        if (validation != null) {
            if (validation.rank() != 2 || validation.size(1) != train.size(1) || validation.size(0) == 0) {
                throw new ShapeMismatchException("TrainData: validation data must be [M, " + train.size(1) + "], got "
                        + Shape.str(validation.shape()));
            }
            if ((trainContext == null) != (validationContext == null)) {
                throw new IllegalArgumentException("TrainData: training and validation data must both have a context or neither");
            }
            checkContext("validation", validation, validationContext);
        }
    }

    /** Training rows only, no context, no validation. */
    public static TrainData of(Tensor train) {
        return new TrainData(train, null, null, null);
    }

    /** Training and validation rows, no context. */
    public static TrainData of(Tensor train, Tensor validation) {
        return new TrainData(train, null, validation, null);
    }

    /** This data with the training rows of each epoch given by {@code rows} (null: {@link #train()} every epoch). */
    public TrainData withEpochRows(EpochRows rows) {
        return new TrainData(train, trainContext, validation, validationContext, rows);
    }

    /**
     * The training rows of the 1-based {@code epoch}: {@link #train()}, or the {@link EpochRows}' rows, checked
     * to be shaped and typed like it.
     */
    public Tensor trainRows(int epoch) {
        if (epochRows == null) {
            return train;
        }
        Tensor t = epochRows.rows(epoch);
        if (t == null || !Arrays.equals(t.shape(), train.shape()) || t.dtype() != train.dtype()) {
            throw new ShapeMismatchException("TrainData: the rows of epoch " + epoch + " must be "
                    + Shape.str(train.shape()) + " " + train.dtype() + " like the training rows, got "
                    + (t == null ? "null" : Shape.str(t.shape()) + " " + t.dtype()));
        }
        return t;
    }

    /** Whether validation rows are present. */
    public boolean hasValidation() {
        return validation != null;
    }

    void requireCompatible(Distribution model) {
        if (model.features() != train.size(1)) {
            throw new ShapeMismatchException("Trainer: the model has " + model.features() + " features, the data "
                    + train.size(1) + " columns");
        }
        int c = trainContext == null ? 0 : trainContext.size(1);
        if (model.contextFeatures() != c) {
            throw new ShapeMismatchException("Trainer: the model needs " + model.contextFeatures()
                    + " context columns, the data has " + c);
        }
        if (model.dtype() != train.dtype()) {
            throw new IllegalArgumentException("Trainer: the model is " + model.dtype() + ", the data " + train.dtype());
        }
    }

    private static void checkContext(String what, Tensor x, Tensor ctx) {
        if (ctx != null && (ctx.rank() != 2 || ctx.size(0) != x.size(0))) {
            throw new ShapeMismatchException("TrainData: " + what + " context must be [" + x.size(0) + ", C], got "
                    + Shape.str(ctx.shape()));
        }
    }
}
