package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;
import java.util.Arrays;

/**
 * Shifts each image by a random whole number of pixels in each direction, filling what comes in at the
 * edges with zeros; made by {@link Augmentations#randomShift}. For each row in order it draws
 * {@code dy = rng.nextInt(2 m + 1) - m} and then {@code dx} the same way ({@code m} the largest shift),
 * and moves the content {@code dy} pixels down and {@code dx} right (negative: up, left), every channel
 * alike: the new pixel {@code (c, y, x)} is the old {@code (c, y - dy, x - dx)}, or 0 where that lies
 * outside the image. A row with no shift is left untouched (but its draws are made all the same).
 */
final class RandomShift implements Augmentation {

    private final ImageShape shape;
    private final int maxShift;
    /** A copy of the row being shifted. */
    private final float[] scratch;

    RandomShift(ImageShape shape, int maxShift) {
        if (maxShift < 0 || maxShift >= Math.min(shape.height(), shape.width())) {
            throw new IllegalArgumentException(shape.call() + ": maxShift = " + maxShift + " must be in [0, "
                    + (Math.min(shape.height(), shape.width()) - 1) + "]: at least 0, and less than the image's"
                    + " height (" + shape.height() + ") and width (" + shape.width() + "), so that some of the image"
                    + " stays in view");
        }
        this.shape = shape;
        this.maxShift = maxShift;
        this.scratch = new float[shape.size()];
    }

    @Override
    public void apply(float[] inputs, int batch, int inputSize, Rng rng) {
        shape.check(inputs, batch, inputSize, rng);
        int span = 2 * maxShift + 1;
        for (int r = 0; r < batch; r++) {
            int dy = rng.nextInt(span) - maxShift;
            int dx = rng.nextInt(span) - maxShift;
            if (dy != 0 || dx != 0) {
                shift(inputs, r * inputSize, dy, dx);
            }
        }
    }

    /** Shifts the image at {@code inputs[offset]} by {@code dy} rows down and {@code dx} columns right. */
    void shift(float[] inputs, int offset, int dy, int dx) {
        int height = shape.height();
        int width = shape.width();
        System.arraycopy(inputs, offset, scratch, 0, scratch.length);
        // In each row, the columns x in [from, to) come from x - dx; the others are zero.
        int from = Math.max(0, dx);
        int to = Math.min(width, width + dx);
        for (int c = 0; c < shape.channels(); c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int target = offset + plane + y * width;
                int sourceY = y - dy;
                if (sourceY < 0 || sourceY >= height) {
                    Arrays.fill(inputs, target, target + width, 0f);
                    continue;
                }
                Arrays.fill(inputs, target, target + from, 0f);
                System.arraycopy(scratch, plane + sourceY * width + from - dx, inputs, target + from, to - from);
                Arrays.fill(inputs, target + to, target + width, 0f);
            }
        }
    }

    @Override
    public String toString() {
        return shape.call();
    }
}
