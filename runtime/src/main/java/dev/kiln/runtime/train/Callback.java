package dev.kiln.runtime.train;

/**
 * Told about the progress of {@link Trainer#fit}, to report it, act on it or stop it: a progress bar
 * ({@link ProgressBar}), early stopping ({@link EarlyStopping}), checkpoints
 * ({@link Checkpoints#callback}). Every method does nothing unless overridden. The calls, for a run of
 * epochs {@code 1..E} with {@code S} batches each:
 * <pre>
 * onTrainBegin
 *   onEpochBegin, onBatchEnd x S, onEpochEnd      for each epoch
 * onTrainEnd                                       also when training stops early, not after an exception
 * </pre>
 * Each receives the run's {@link TrainingContext}, the same object throughout (its values change), with
 * the model, the epoch and batch, the running measures and, from {@code onEpochEnd} on, the epoch's
 * {@link TrainingContext#logs()}; any of them may call {@link TrainingContext#requestStop(String)}.
 * Callbacks are called in the order they were given to the trainer.
 *
 * <p>{@code onBatchEnd} runs at every step: it should be cheap and allocate nothing in the common case
 * (the progress bar redraws at most every 100 ms).
 */
public interface Callback {

    /** Before the first epoch. */
    default void onTrainBegin(TrainingContext context) {
    }

    /** Before each epoch's first batch; {@link TrainingContext#epoch()} is the epoch about to run. */
    default void onEpochBegin(TrainingContext context) {
    }

    /** After each batch's optimizer step (and constraints); {@link TrainingContext#step()} is the batch. */
    default void onBatchEnd(TrainingContext context) {
    }

    /** After each epoch has been measured; {@link TrainingContext#logs()} holds its measures. */
    default void onEpochEnd(TrainingContext context) {
    }

    /** After the last epoch, or the epoch in which a stop was requested. */
    default void onTrainEnd(TrainingContext context) {
    }
}
