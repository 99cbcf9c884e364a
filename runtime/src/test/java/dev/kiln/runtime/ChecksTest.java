package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The messages of {@link Checks}. */
class ChecksTest {

    @Test
    void validForwardArgumentsPass() {
        assertDoesNotThrow(() -> Checks.forwardArguments("Iris", new float[14], 2, 3, 4, 128));
        assertDoesNotThrow(() -> Checks.forwardArguments("Iris", new float[4], 0, 1, 4, 1));
    }

    @Test
    void nullInput() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Checks.forwardArguments("Iris", null, 0, 1, 4, 128));

        assertEquals("Iris: input is null", e.getMessage());
    }

    @Test
    void batchAboveMaxBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[1200], 0, 300, 4, 128));

        assertEquals("Iris: batch 300 is outside [1, 128]; split the data into batches of at most 128, or raise"
                + " @Network(maxBatch)", e.getMessage());
    }

    @Test
    void emptyBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[12], 0, 0, 4, 128));

        assertEquals("Iris: batch 0 is outside [1, 128]; split the data into batches of at most 128, or raise"
                + " @Network(maxBatch)", e.getMessage());
    }

    @Test
    void inputTooShort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[10], 0, 3, 4, 128));

        assertEquals("Iris: a batch of 3 samples of 4 features needs 12 values from offset 0, but the input array"
                + " has 10", e.getMessage());
    }

    @Test
    void inputTooShortForItsOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[12], 1, 3, 4, 128));

        assertEquals("Iris: a batch of 3 samples of 4 features needs 12 values from offset 1, but the input array"
                + " has 12", e.getMessage());
    }

    @Test
    void negativeInputOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[12], -1, 3, 4, 128));

        assertEquals("Iris: the input offset -1 is negative", e.getMessage());
    }

    @Test
    void offsetNearIntegerOverflowIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Checks.forwardArguments("Iris", new float[12], Integer.MAX_VALUE, 3, 4, 128));
    }

    @Test
    void validTargetArgumentsPass() {
        assertDoesNotThrow(() -> Checks.targetArguments("Iris", new float[9], 0, 3, 3));
    }

    @Test
    void nullTarget() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Checks.targetArguments("Iris", null, 0, 3, 3));

        assertEquals("Iris: target is null", e.getMessage());
    }

    @Test
    void targetTooShort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.targetArguments("Iris", new float[8], 0, 3, 3));

        assertEquals("Iris: a batch of 3 samples of 3 targets needs 9 values from offset 0, but the target array"
                + " has 8", e.getMessage());
    }

    @Test
    void negativeTargetOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.targetArguments("Iris", new float[9], -2, 3, 3));

        assertEquals("Iris: the target offset -2 is negative", e.getMessage());
    }
}
