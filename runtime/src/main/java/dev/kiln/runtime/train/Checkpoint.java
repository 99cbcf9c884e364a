package dev.kiln.runtime.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Checkpoints#restore} read besides the tensors.
 *
 * @param epoch    the epochs completed when the checkpoint was saved: give it to
 *                 {@link Trainer#initialEpoch} to continue the run
 * @param metadata every metadata entry of the file, in its order
 */
public record Checkpoint(int epoch, Map<String, String> metadata) {

    /** Copies the metadata, keeping its order. */
    public Checkpoint {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
