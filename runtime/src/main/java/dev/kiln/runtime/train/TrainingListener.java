package dev.kiln.runtime.train;

import java.io.PrintStream;

/**
 * Told about each epoch as {@link Trainer#fit} finishes it, e.g. to print progress or record curves: the
 * simplest {@link Callback}, its {@code onEpochEnd} alone, as a lambda. {@link Trainer#listener} calls it
 * among the callbacks, in the order both were added.
 */
@FunctionalInterface
public interface TrainingListener {

    /** Called after each epoch, with what it measured. */
    void onEpoch(EpochStats stats);

    /** A listener that prints {@link EpochStats#format()}, one line per epoch, to {@code out}. */
    static TrainingListener printing(PrintStream out) {
        return stats -> out.println(stats.format());
    }
}
