package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;
import java.util.Objects;

/**
 * Augmentations of images stored as rows, as the IDX reader and most image data sets give them: each
 * sample a row of {@code channels * height * width} values, channel by channel, each channel row by row
 * (PyTorch's {@code (C, H, W)} order: pixel {@code (c, y, x)} at {@code (c * height + y) * width + x}).
 * <pre>{@code
 * Augmentation augment = Augmentations.sequence(         // Fashion-MNIST: 1 x 28 x 28 images
 *         Augmentations.randomShift(1, 28, 28, 2),          // up to 2 pixels in each direction
 *         Augmentations.horizontalFlip(1, 28, 28, 0.5));    // half of the garments mirrored
 * augment.apply(batches.features(), batches.size(), 784, rng);
 * }</pre>
 * Each draws its random choices from the generator it is given, sample by sample in order, as its
 * factory documents, so a seeded run is reproducible. Each checks on every call that the rows have
 * {@code channels * height * width} values, and allocates nothing per call: what it needs is allocated by
 * its factory.
 */
public final class Augmentations {

    private Augmentations() {
    }

    /**
     * Shifts each image by {@code dy} rows down and {@code dx} columns right, both drawn uniformly from
     * {@code [-maxShift, maxShift]} for each sample ({@code dy} first, each as
     * {@code rng.nextInt(2 * maxShift + 1) - maxShift}), the same for every channel; pixels shifted out are
     * lost and those shifted in are 0: the background of images scaled to [0, 1] such as MNIST's (and the
     * mean of standardized ones). Teaches a model that an object a pixel or two away is the same object.
     *
     * @throws IllegalArgumentException naming the argument, if a dimension is not positive or
     *     {@code maxShift} is not in {@code [0, min(height, width) - 1]}
     */
    public static Augmentation randomShift(int channels, int height, int width, int maxShift) {
        ImageShape shape = new ImageShape("randomShift(" + channels + ", " + height + ", " + width + ", " + maxShift
                + ")", channels, height, width);
        return new RandomShift(shape, maxShift);
    }

    /**
     * Mirrors each image left to right ({@code x -> width - 1 - x}, every channel) with probability
     * {@code probability}: for each sample it draws {@code rng.nextDouble()} and flips when the draw is
     * below {@code probability}. Right for photographs of things that have no handedness; wrong for
     * digits and letters.
     *
     * @throws IllegalArgumentException naming the argument, if a dimension is not positive or
     *     {@code probability} is not in {@code [0, 1]}
     */
    public static Augmentation horizontalFlip(int channels, int height, int width, double probability) {
        return new Flip(new ImageShape("horizontalFlip(" + channels + ", " + height + ", " + width + ", "
                + probability + ")", channels, height, width), probability, true);
    }

    /**
     * Mirrors each image top to bottom ({@code y -> height - 1 - y}, every channel) with probability
     * {@code probability}, drawn as for {@link #horizontalFlip}. For images with no up and down, such as
     * aerial or microscope images.
     *
     * @throws IllegalArgumentException naming the argument, if a dimension is not positive or
     *     {@code probability} is not in {@code [0, 1]}
     */
    public static Augmentation verticalFlip(int channels, int height, int width, double probability) {
        return new Flip(new ImageShape("verticalFlip(" + channels + ", " + height + ", " + width + ", "
                + probability + ")", channels, height, width), probability, false);
    }

    /**
     * The augmentations applied one after the other, in the order given, each drawing from the same
     * generator.
     *
     * @throws IllegalArgumentException if no augmentation is given
     * @throws NullPointerException     if an augmentation is null
     */
    public static Augmentation sequence(Augmentation... augmentations) {
        Objects.requireNonNull(augmentations, "augmentations");
        if (augmentations.length == 0) {
            throw new IllegalArgumentException("sequence() needs at least one augmentation, e.g."
                    + " sequence(randomShift(1, 28, 28, 2), horizontalFlip(1, 28, 28, 0.5))");
        }
        for (int i = 0; i < augmentations.length; i++) {
            Objects.requireNonNull(augmentations[i], "augmentation " + i + " of sequence(...) is null");
        }
        return new Sequence(augmentations.clone());
    }

    /** Several augmentations in order. */
    private record Sequence(Augmentation[] augmentations) implements Augmentation {

        @Override
        public void apply(float[] inputs, int batch, int inputSize, Rng rng) {
            for (Augmentation augmentation : augmentations) {
                augmentation.apply(inputs, batch, inputSize, rng);
            }
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("sequence(");
            for (int i = 0; i < augmentations.length; i++) {
                text.append(i == 0 ? "" : ", ").append(augmentations[i]);
            }
            return text.append(')').toString();
        }
    }
}
