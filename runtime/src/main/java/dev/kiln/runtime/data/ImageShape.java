package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;
import java.util.Objects;

/**
 * The shape of the images an augmentation works on: {@code channels} planes of {@code height} rows of
 * {@code width} pixels, stored in a sample's row channel by channel, each plane row by row, as PyTorch
 * stores a {@code (C, H, W)} image: pixel {@code (c, y, x)} is value {@code (c * height + y) * width + x}.
 *
 * @param call the factory call that made the augmentation, which starts every message
 */
record ImageShape(String call, int channels, int height, int width) {

    /**
     * Checks the dimensions.
     *
     * @throws IllegalArgumentException naming the dimension, if one is not positive or the image has more
     *     than {@code Integer.MAX_VALUE} values
     */
    ImageShape {
        positive(call, "channels", channels);
        positive(call, "height", height);
        positive(call, "width", width);
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(call + ": an image of " + channels + " x " + height + " x " + width
                    + " has more than " + Integer.MAX_VALUE + " values");
        }
    }

    private static void positive(String call, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(call + ": " + name + " = " + value + " must be positive");
        }
    }

    /** The values per image: {@code channels * height * width}. */
    int size() {
        return channels * height * width;
    }

    /**
     * Checks the arguments of {@link Augmentation#apply}.
     *
     * @throws IllegalArgumentException if {@code inputSize} is not this shape's size, {@code batch} is
     *     negative or {@code inputs} is too short for the batch
     * @throws NullPointerException     if {@code inputs} or {@code rng} is null
     */
    void check(float[] inputs, int batch, int inputSize, Rng rng) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(rng, "rng");
        if (inputSize != size()) {
            throw new IllegalArgumentException(call + ": images of " + channels + " x " + height + " x " + width
                    + " (channels x height x width) have " + size() + " values, but the rows have inputSize = "
                    + inputSize + "; give the shape of the data's images, whose product is the number of features");
        }
        if (batch < 0) {
            throw new IllegalArgumentException(call + ": batch = " + batch + " must not be negative");
        }
        if ((long) batch * inputSize > inputs.length) {
            throw new IllegalArgumentException(call + ": a batch of " + batch + " rows of " + inputSize
                    + " values needs " + (long) batch * inputSize + ", but the inputs array has " + inputs.length);
        }
    }
}
