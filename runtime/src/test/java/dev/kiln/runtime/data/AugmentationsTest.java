package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Augmentations}: shifts and flips of small images checked pixel by pixel, the random choices
 * against the documented draws, sequences, determinism, no allocation, and every argument error.
 */
class AugmentationsTest {

    /** The 3 x 4 image 1..12, row by row, then the same plus 100 as a second channel. */
    private static float[] twoChannels() {
        return new float[] {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            101, 102, 103, 104,
            105, 106, 107, 108,
            109, 110, 111, 112};
    }

    private static float[] shifted(int dy, int dx) {
        float[] image = twoChannels();
        new RandomShift(new ImageShape("test", 2, 3, 4), 2).shift(image, 0, dy, dx);
        return image;
    }

    @Test
    void aShiftDownMovesRowsDownAndZeroFillsTheTop() {
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            1, 2, 3, 4,
            5, 6, 7, 8,
            0, 0, 0, 0,
            101, 102, 103, 104,
            105, 106, 107, 108}, shifted(1, 0));
    }

    @Test
    void aShiftLeftMovesColumnsLeftAndZeroFillsTheRight() {
        assertArrayEquals(new float[] {
            2, 3, 4, 0,
            6, 7, 8, 0,
            10, 11, 12, 0,
            102, 103, 104, 0,
            106, 107, 108, 0,
            110, 111, 112, 0}, shifted(0, -1));
    }

    @Test
    void aShiftUpAndRightMovesBoth() {
        assertArrayEquals(new float[] {
            0, 0, 5, 6,
            0, 0, 9, 10,
            0, 0, 0, 0,
            0, 0, 105, 106,
            0, 0, 109, 110,
            0, 0, 0, 0}, shifted(-1, 2));
    }

    @Test
    void aShiftOfTheImageAtAnOffsetLeavesTheOtherRowsAlone() {
        float[] batch = new float[36];
        Arrays.fill(batch, -1f);
        System.arraycopy(twoChannels(), 0, batch, 6, 24);
        new RandomShift(new ImageShape("test", 2, 3, 4), 2).shift(batch, 6, 1, 1);

        float[] expected = new float[36];
        Arrays.fill(expected, -1f);
        System.arraycopy(new float[] {
            0, 0, 0, 0,
            0, 1, 2, 3,
            0, 5, 6, 7,
            0, 0, 0, 0,
            0, 101, 102, 103,
            0, 105, 106, 107}, 0, expected, 6, 24);
        assertArrayEquals(expected, batch);
    }

    @Test
    void eachSampleIsShiftedByTheDocumentedDrawsAndEveryShiftOccurs() {
        // 1 x 5 x 5 images, each a single lit pixel in the middle: where it lands is the shift
        int samples = 300;
        float[] batch = new float[samples * 25];
        for (int s = 0; s < samples; s++) {
            batch[s * 25 + 12] = 1f;
        }
        Augmentations.randomShift(1, 5, 5, 2).apply(batch, samples, 25, new Rng(7));

        Rng twin = new Rng(7);
        Set<Integer> seen = new HashSet<>();
        for (int s = 0; s < samples; s++) {
            int dy = twin.nextInt(5) - 2;
            int dx = twin.nextInt(5) - 2;
            float[] expected = new float[25];
            expected[(2 + dy) * 5 + 2 + dx] = 1f;
            assertArrayEquals(expected, Arrays.copyOfRange(batch, s * 25, s * 25 + 25), "sample " + s);
            seen.add(dy * 10 + dx);
        }
        assertEquals(25, seen.size(), "every shift in [-2, 2] x [-2, 2] occurs");
    }

    @Test
    void aHorizontalFlipMirrorsEachRowOfEveryChannel() {
        float[] image = twoChannels();
        Augmentations.horizontalFlip(2, 3, 4, 1).apply(image, 1, 24, new Rng(1));

        assertArrayEquals(new float[] {
            4, 3, 2, 1,
            8, 7, 6, 5,
            12, 11, 10, 9,
            104, 103, 102, 101,
            108, 107, 106, 105,
            112, 111, 110, 109}, image);
    }

    @Test
    void aHorizontalFlipOfAnOddWidthKeepsTheMiddleColumn() {
        float[] image = {1, 2, 3, 4, 5, 6};
        Augmentations.horizontalFlip(1, 2, 3, 1).apply(image, 1, 6, new Rng(1));

        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, image);
    }

    @Test
    void aVerticalFlipMirrorsTheRowsOfEveryChannel() {
        float[] image = twoChannels();
        Augmentations.verticalFlip(2, 3, 4, 1).apply(image, 1, 24, new Rng(1));

        assertArrayEquals(new float[] {
            9, 10, 11, 12,
            5, 6, 7, 8,
            1, 2, 3, 4,
            109, 110, 111, 112,
            105, 106, 107, 108,
            101, 102, 103, 104}, image);
    }

    @Test
    void aVerticalFlipOfAnEvenHeightSwapsEveryPairOfRows() {
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8};
        Augmentations.verticalFlip(1, 4, 2, 1).apply(image, 1, 8, new Rng(1));

        assertArrayEquals(new float[] {7, 8, 5, 6, 3, 4, 1, 2}, image);
    }

    @Test
    void eachSampleIsFlippedWhenItsDrawIsBelowTheProbability() {
        int samples = 200;
        float[] batch = new float[samples * 2];
        for (int s = 0; s < samples; s++) {
            batch[2 * s] = 1f;
        }
        Augmentations.horizontalFlip(1, 1, 2, 0.3).apply(batch, samples, 2, new Rng(5));

        Rng twin = new Rng(5);
        int flipped = 0;
        for (int s = 0; s < samples; s++) {
            boolean flip = twin.nextDouble() < 0.3;
            flipped += flip ? 1 : 0;
            assertArrayEquals(flip ? new float[] {0, 1} : new float[] {1, 0},
                    Arrays.copyOfRange(batch, 2 * s, 2 * s + 2), "sample " + s);
        }
        assertEquals(0.3, flipped / (double) samples, 0.1);
    }

    @Test
    void aProbabilityOfZeroFlipsNothingButStillDraws() {
        float[] image = twoChannels();
        Rng rng = new Rng(3);
        Augmentations.verticalFlip(2, 3, 4, 0).apply(image, 1, 24, rng);

        assertArrayEquals(twoChannels(), image);
        Rng twin = new Rng(3);
        twin.nextDouble();
        assertEquals(twin.nextLong(), rng.nextLong());
    }

    @Test
    void onlyTheBatchsRowsChange() {
        float[] batch = new float[3 * 24];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(twoChannels(), 0, batch, 24 * r, 24);
        }
        Augmentations.sequence(Augmentations.horizontalFlip(2, 3, 4, 1), Augmentations.randomShift(2, 3, 4, 1))
                .apply(batch, 2, 24, new Rng(1));

        assertArrayEquals(twoChannels(), Arrays.copyOfRange(batch, 48, 72));
    }

    @Test
    void aSequenceAppliesEachInOrderWithTheSameGenerator() {
        float[] batch = TestArrays.uniform(new Rng(2), 8 * 24, 1.0);
        float[] expected = batch.clone();
        Augmentation flip = Augmentations.horizontalFlip(2, 3, 4, 0.5);
        Augmentation shift = Augmentations.randomShift(2, 3, 4, 2);
        Rng twin = new Rng(9);
        flip.apply(expected, 8, 24, twin);
        shift.apply(expected, 8, 24, twin);

        Augmentations.sequence(flip, shift).apply(batch, 8, 24, new Rng(9));

        assertArrayEquals(expected, batch);
    }

    @Test
    void theSameSeedGivesTheSameBatchAndAnotherSeedAnother() {
        Augmentation augmentation = Augmentations.sequence(Augmentations.randomShift(3, 6, 5, 2),
                Augmentations.horizontalFlip(3, 6, 5, 0.5), Augmentations.verticalFlip(3, 6, 5, 0.5));
        float[] data = TestArrays.uniform(new Rng(4), 16 * 90, 1.0);
        float[] first = data.clone();
        float[] second = data.clone();
        float[] other = data.clone();

        augmentation.apply(first, 16, 90, new Rng(42));
        augmentation.apply(second, 16, 90, new Rng(42));
        augmentation.apply(other, 16, 90, new Rng(43));

        assertArrayEquals(first, second);
        assertFalse(Arrays.equals(first, other));
        assertFalse(Arrays.equals(first, data));
    }

    @Test
    void applyingAllocatesNothing() {
        Augmentation augmentation = Augmentations.sequence(Augmentations.randomShift(1, 28, 28, 2),
                Augmentations.horizontalFlip(1, 28, 28, 0.5), Augmentations.verticalFlip(1, 28, 28, 0.5));
        float[] batch = TestArrays.uniform(new Rng(6), 32 * 784, 1.0);
        Rng rng = new Rng(6);

        long bytes = Allocations.steadyStateBytes(() -> augmentation.apply(batch, 32, 784, rng), 200, 5);

        assertEquals(0, bytes);
    }

    @Test
    void theRowsMustHoldOneImage() {
        Augmentation flip = Augmentations.horizontalFlip(1, 28, 28, 0.5);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flip.apply(new float[3072], 1, 3072, new Rng(1)));

        assertEquals("horizontalFlip(1, 28, 28, 0.5): images of 1 x 28 x 28 (channels x height x width) have 784"
                + " values, but the rows have inputSize = 3072; give the shape of the data's images, whose product is"
                + " the number of features", e.getMessage());
    }

    @Test
    void theInputsMustHoldTheBatch() {
        Augmentation shift = Augmentations.randomShift(1, 2, 2, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shift.apply(new float[7], 2, 4, new Rng(1)));

        assertEquals("randomShift(1, 2, 2, 1): a batch of 2 rows of 4 values needs 8, but the inputs array has 7",
                e.getMessage());
    }

    @Test
    void theBatchMustNotBeNegative() {
        Augmentation flip = Augmentations.verticalFlip(1, 2, 2, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flip.apply(new float[8], -1, 4, new Rng(1)));

        assertEquals("verticalFlip(1, 2, 2, 1.0): batch = -1 must not be negative", e.getMessage());
    }

    @Test
    void anEmptyBatchChangesNothingAndDrawsNothing() {
        Rng rng = new Rng(8);
        float[] inputs = {1, 2, 3, 4};
        Augmentations.randomShift(1, 2, 2, 1).apply(inputs, 0, 4, rng);

        assertArrayEquals(new float[] {1, 2, 3, 4}, inputs);
        assertEquals(new Rng(8).nextLong(), rng.nextLong());
    }

    @Test
    void dimensionsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.randomShift(1, 0, 28, 2));

        assertEquals("randomShift(1, 0, 28, 2): height = 0 must be positive", e.getMessage());
    }

    @Test
    void anImageMustFitAnArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.horizontalFlip(3, 40_000, 40_000, 0.5));

        assertEquals("horizontalFlip(3, 40000, 40000, 0.5): an image of 3 x 40000 x 40000 has more than 2147483647"
                + " values", e.getMessage());
    }

    @Test
    void theLargestShiftMustLeaveSomeOfTheImage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.randomShift(1, 4, 6, 4));

        assertEquals("randomShift(1, 4, 6, 4): maxShift = 4 must be in [0, 3]: at least 0, and less than the image's"
                + " height (4) and width (6), so that some of the image stays in view", e.getMessage());
    }

    @Test
    void theLargestShiftMustNotBeNegative() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.randomShift(1, 4, 6, -1));

        assertEquals("randomShift(1, 4, 6, -1): maxShift = -1 must be in [0, 3]: at least 0, and less than the"
                + " image's height (4) and width (6), so that some of the image stays in view", e.getMessage());
    }

    @Test
    void theProbabilityMustBeInZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.verticalFlip(1, 4, 4, 1.5));

        assertEquals("verticalFlip(1, 4, 4, 1.5): probability = 1.5 must be in [0, 1]; 0.5 flips half of the images",
                e.getMessage());
    }

    @Test
    void aSequenceNeedsAugmentations() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, Augmentations::sequence);
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> Augmentations.sequence(Augmentations.horizontalFlip(1, 2, 2, 1), null));

        assertEquals("sequence() needs at least one augmentation, e.g. sequence(randomShift(1, 28, 28, 2),"
                + " horizontalFlip(1, 28, 28, 0.5))", none.getMessage());
        assertEquals("augmentation 1 of sequence(...) is null", missing.getMessage());
    }

    @Test
    void describesItselfAsItsFactoryCall() {
        assertEquals("sequence(randomShift(1, 28, 28, 2), horizontalFlip(1, 28, 28, 0.5))",
                Augmentations.sequence(Augmentations.randomShift(1, 28, 28, 2),
                        Augmentations.horizontalFlip(1, 28, 28, 0.5)).toString());
    }
}
