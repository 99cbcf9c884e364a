package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;

/**
 * A random change to training samples, made afresh for every batch so that the model rarely sees the
 * same sample twice (data augmentation). Factories for images stored as rows are in
 * {@link Augmentations}.
 *
 * <p>A trainer applies it, in place, to each gathered training batch (never to validation or test data),
 * with its own seeded generator, so that a run is reproducible from its seed: given the same generator
 * state and the same batch, an augmentation makes the same change. Implementations allocate nothing per
 * call (any scratch space is allocated when they are made), and are not thread-safe.
 */
public interface Augmentation {

    /**
     * Changes {@code batch} samples in place: the rows {@code inputs[r * inputSize, (r + 1) * inputSize)}
     * for {@code r} in {@code [0, batch)}, row-major; values after the last row are left alone.
     *
     * @param inputs    the batch's features, e.g. {@link Batches#features()}
     * @param batch     the number of rows to change
     * @param inputSize the number of values per row
     * @param rng       the generator the random choices are drawn from
     * @throws IllegalArgumentException if {@code inputSize} does not fit the augmentation (e.g. an image
     *     shape whose size differs), {@code batch} is negative or {@code inputs} is too short
     */
    void apply(float[] inputs, int batch, int inputSize, Rng rng);
}
