package dev.kiln.runtime.data;

import java.util.Objects;

/**
 * A data set divided in two, by {@link Dataset#split}.
 *
 * @param train the samples to learn from
 * @param test  the held-out samples to measure on
 */
public record Split(Dataset train, Dataset test) {

    /** Checks that both parts are present. */
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
