package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;

/**
 * Mirrors each image, left to right or top to bottom, with a given probability; made by
 * {@link Augmentations#horizontalFlip} and {@link Augmentations#verticalFlip}. For each row in order it
 * draws {@code rng.nextDouble()} and flips the image, every channel alike, when the draw is below the
 * probability (so a probability of 1 flips every image and 0 none, each still making its draw).
 */
final class Flip implements Augmentation {

    private final ImageShape shape;
    private final double probability;
    private final boolean horizontal;

    Flip(ImageShape shape, double probability, boolean horizontal) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(shape.call() + ": probability = " + probability
                    + " must be in [0, 1]; 0.5 flips half of the images");
        }
        this.shape = shape;
        this.probability = probability;
        this.horizontal = horizontal;
    }

    @Override
    public void apply(float[] inputs, int batch, int inputSize, Rng rng) {
        shape.check(inputs, batch, inputSize, rng);
        for (int r = 0; r < batch; r++) {
            if (rng.nextDouble() < probability) {
                if (horizontal) {
                    mirrorColumns(inputs, r * inputSize);
                } else {
                    mirrorRows(inputs, r * inputSize);
                }
            }
        }
    }

    /** Pixel {@code (c, y, x)} trades places with {@code (c, y, width - 1 - x)}. */
    private void mirrorColumns(float[] inputs, int offset) {
        int width = shape.width();
        int rows = shape.channels() * shape.height();
        for (int row = 0; row < rows; row++) {
            int left = offset + row * width;
            int right = left + width - 1;
            while (left < right) {
                float swapped = inputs[left];
                inputs[left++] = inputs[right];
                inputs[right--] = swapped;
            }
        }
    }

    /** Pixel {@code (c, y, x)} trades places with {@code (c, height - 1 - y, x)}. */
    private void mirrorRows(float[] inputs, int offset) {
        int width = shape.width();
        int height = shape.height();
        for (int c = 0; c < shape.channels(); c++) {
            int plane = offset + c * height * width;
            for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
                for (int x = 0; x < width; x++) {
                    int a = plane + top * width + x;
                    int b = plane + bottom * width + x;
                    float swapped = inputs[a];
                    inputs[a] = inputs[b];
                    inputs[b] = swapped;
                }
            }
        }
    }

    @Override
    public String toString() {
        return shape.call();
    }
}
