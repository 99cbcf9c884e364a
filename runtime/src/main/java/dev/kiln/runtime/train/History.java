package dev.kiln.runtime.train;

import java.util.List;

/**
 * What a {@link Trainer#fit} run measured, epoch by epoch.
 *
 * @param epochs one entry per epoch, in order
 */
public record History(List<EpochStats> epochs) {

    /** Copies the list; a history has at least one epoch. */
    public History {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a history has at least one epoch");
        }
    }

    /** The last epoch's measures. */
    public EpochStats last() {
        return epochs.getLast();
    }
}
