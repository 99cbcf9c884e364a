package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Allocations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link TextStreams}: the stream length and step count, every position of every step's inputs and
 * targets in each layout against the definition {@code b L + S t + k} (and {@code + 1}), the values
 * around a filled range left alone, no allocation, and one test per error, asserting its text.
 */
class TextStreamsTest {

    /** A text whose byte at position p is 40 + p % 60, so that its id there is p % 60. */
    private static TextCorpus counting(int size) {
        byte[] text = new byte[size];
        for (int p = 0; p < size; p++) {
            text[p] = (byte) (40 + p % 60);
        }
        return TextCorpus.ofBytes(text);
    }

    @Test
    void theW3ShapesFollowTheDefinition() {
        TextStreams streams = TextCorpus.ofBytes(new byte[2_576_674]).streams(32, 64);

        assertEquals(80_521, streams.length()); // floor((N - 1) / 32)
        assertEquals(1_258, streams.steps()); // floor(80,521 / 64)
        assertEquals(32 * 64, streams.idSize());
        assertEquals(31 * 80_521 + 64 * 199, streams.position(31, 199));
    }

    @Test
    void theStreamsLeaveOneByteForTheLastTarget() {
        TextStreams streams = counting(100).streams(4, 6);

        assertEquals(24, streams.length()); // floor(99 / 4), not 100 / 4: position 100 does not exist
        assertEquals(4, streams.steps());
        assertEquals(72, streams.position(3, 0));
    }

    @Test
    void everyStepReadsItsWindowAndTheCharacterAfterEach() {
        TextCorpus corpus = counting(103);
        TextStreams streams = corpus.streams(4, 6);
        int[] ids = corpus.ids();

        assertEquals(25, streams.length()); // floor(102 / 4)
        assertEquals(4, streams.steps()); // floor(25 / 6)
        assertEquals(60, streams.vocabularySize());
        // at offsets 1 (floats) and 2 (ints), with a value after each filled range that must stay
        float[] inputs = new float[26];
        float[] targets = new float[26];
        int[] inputLabels = new int[27];
        int[] targetLabels = new int[27];
        for (int t = 0; t < streams.steps(); t++) {
            Arrays.fill(inputs, -1f);
            Arrays.fill(targets, -1f);
            Arrays.fill(inputLabels, -1);
            Arrays.fill(targetLabels, -1);
            streams.inputIds(t, inputs, 1);
            streams.targetIds(t, targets, 1);
            streams.inputIds(t, inputLabels, 2);
            streams.targetIds(t, targetLabels, 2);
            for (int b = 0; b < 4; b++) {
                assertEquals(25 * b + 6 * t, streams.position(b, t));
                for (int k = 0; k < 6; k++) {
                    int p = 25 * b + 6 * t + k;
                    assertEquals(ids[p], inputs[1 + 6 * b + k], "step " + t + ", stream " + b + ", k " + k);
                    assertEquals(ids[p + 1], targets[1 + 6 * b + k]);
                    assertEquals(p % 60, inputLabels[2 + 6 * b + k]);
                    assertEquals((p + 1) % 60, targetLabels[2 + 6 * b + k]);
                }
            }
            for (float[] values : new float[][] {inputs, targets}) {
                assertEquals(-1f, values[0]);
                assertEquals(-1f, values[25]);
            }
            for (int[] values : new int[][] {inputLabels, targetLabels}) {
                assertArrayEquals(new int[] {-1, -1}, Arrays.copyOfRange(values, 0, 2));
                assertEquals(-1, values[26]);
            }
        }
    }

    @Test
    void oneHotRowsMarkTheIdAndClearTheRest() {
        TextCorpus corpus = counting(103);
        TextStreams streams = corpus.streams(4, 6);
        int v = 60;
        assertEquals(4 * 6 * v, streams.oneHotSize());
        float[] inputs = new float[3 + streams.oneHotSize() + 2];
        float[] targets = new float[3 + streams.oneHotSize() + 2];
        Arrays.fill(inputs, 7f);
        Arrays.fill(targets, 7f);

        for (int t : new int[] {2, 3}) { // a second step over the first: nothing left of it
            streams.inputOneHot(t, inputs, 3);
            streams.targetOneHot(t, targets, 3);
        }

        for (int b = 0; b < 4; b++) {
            for (int k = 0; k < 6; k++) {
                int p = 25 * b + 6 * 3 + k;
                for (int id = 0; id < v; id++) {
                    int at = 3 + (6 * b + k) * v + id;
                    assertEquals(id == p % 60 ? 1f : 0f, inputs[at]);
                    assertEquals(id == (p + 1) % 60 ? 1f : 0f, targets[at]);
                }
            }
        }
        for (float[] values : new float[][] {inputs, targets}) {
            assertArrayEquals(new float[] {7f, 7f, 7f}, Arrays.copyOfRange(values, 0, 3));
            assertArrayEquals(new float[] {7f, 7f}, Arrays.copyOfRange(values, values.length - 2, values.length));
        }
    }

    @Test
    void theLastTargetMayBeTheLastByte() {
        TextCorpus corpus = counting(101); // L = 25 exactly, 5 windows of 5
        TextStreams streams = corpus.streams(4, 5);
        int[] targets = new int[20];

        streams.targetIds(4, targets, 0);

        assertEquals(5, streams.steps());
        assertEquals(100 % 60, targets[19]); // stream 3, k 4: position 75 + 20 + 4, its target 100 = N - 1
        assertEquals(75 % 60, targets[14]); // stream 2's last target is stream 3's first character
    }

    @Test
    void fillingAllocatesNothing() {
        TextStreams streams = counting(5_000).streams(8, 16);
        float[] oneHot = new float[streams.oneHotSize()];
        float[] ids = new float[streams.idSize()];
        int[] labels = new int[streams.idSize()];
        int[] step = {0};

        long bytes = Allocations.steadyStateBytes(() -> {
            int t = step[0]++ % streams.steps();
            streams.inputOneHot(t, oneHot, 0);
            streams.targetOneHot(t, oneHot, 0);
            streams.inputIds(t, ids, 0);
            streams.targetIds(t, labels, 0);
        }, 10_000, 5);

        assertEquals(0, bytes);
    }

    // --- errors, one test each

    @Test
    void aStepOutOfRangeIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> streams.inputIds(4, new float[24], 0));
        assertEquals("step 4 is outside [0, 4): each of the 4 streams holds 25 characters, 4 windows of 6; to read"
                + " the text again, start over at step 0 (step % steps())", e.getMessage());
    }

    @Test
    void aNegativeStepIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> streams.position(0, -1));
        assertEquals("step -1 is outside [0, 4): each of the 4 streams holds 25 characters, 4 windows of 6; to"
                + " read the text again, start over at step 0 (step % steps())", e.getMessage());
    }

    @Test
    void aStreamOutOfRangeIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> streams.position(4, 0));
        assertEquals("stream 4 is outside [0, 4)", e.getMessage());
    }

    @Test
    void aShortArrayIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> streams.targetOneHot(0, new float[1440], 1));
        assertEquals("the one-hot targets of a step (4 streams x 6 characters x 60 symbols) need 1440 values from"
                + " offset 1, but the array has 1440", e.getMessage());
    }

    @Test
    void aShortIdArrayIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> streams.targetIds(0, new int[23], 0));
        assertEquals("the target ids of a step (4 streams x 6 characters) need 24 values from offset 0, but the"
                + " array has 23", e.getMessage());
    }

    @Test
    void aNegativeOffsetIsRejected() {
        TextStreams streams = counting(103).streams(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> streams.inputOneHot(0, new float[2000], -1));
        assertEquals("the offset -1 of the one-hot inputs is negative", e.getMessage());
    }

    @Test
    void noStreamsIsRejected() {
        TextCorpus corpus = counting(103);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.streams(0, 6));
        assertEquals("count = 0 streams: must be positive", e.getMessage());
    }

    @Test
    void anEmptyWindowIsRejected() {
        TextCorpus corpus = counting(103);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.streams(4, 0));
        assertEquals("sequenceLength = 0: must be positive", e.getMessage());
    }

    @Test
    void aTextTooShortForOneWindowPerStreamIsRejected() {
        TextCorpus corpus = counting(24); // 4 streams x 6 characters need 25 bytes: one target after them
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.streams(4, 6));
        assertEquals("a text of 24 bytes is too short for 4 streams read in windows of 6: each stream would hold 5"
                + " characters; the text needs at least 25 bytes (fewer streams or a shorter window)",
                e.getMessage());
    }
}
