package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Sampling}: draw frequencies against {@code softmax(logits / T)} computed in double precision, over
 * 200,000 draws with a fixed seed, within five standard deviations; the argmax at temperature 0; the
 * documented draw replayed from a second generator; masked classes; no allocation; one test per error,
 * asserting its text.
 */
class SamplingTest {

    private static final int DRAWS = 200_000;
    /** Five classes at offset 2, between values that would win if they were read. */
    private static final float[] LOGITS = {9f, 9f, 0.5f, -1f, 2f, 0f, 1.25f, 9f};

    @Test
    void temperatureOneDrawsTheSoftmax() {
        assertFrequencies(1.0);
    }

    @Test
    void temperatureTwoDrawsTheSoftmaxOfHalfTheLogits() {
        assertFrequencies(2.0);
    }

    @Test
    void aLowTemperatureAlmostAlwaysTakesTheLargestLogit() {
        Rng rng = new Rng(11);
        int argmax = 0;
        for (int j = 0; j < 10_000; j++) {
            if (Sampling.sample(LOGITS, 2, 5, 0.1, rng) == 2) {
                argmax++;
            }
        }
        // the runner-up (1.25, 0.75 below) has probability exp(-7.5) = 0.00055
        assertTrue(argmax >= 9_980, "argmax drawn " + argmax + " times of 10,000");
    }

    @Test
    void temperatureZeroIsTheArgmaxAndDrawsNothing() {
        Rng rng = new Rng(3);
        Rng twin = new Rng(3);

        assertEquals(2, Sampling.sample(LOGITS, 2, 5, 0, rng));
        assertEquals(1, Sampling.sample(new float[] {1f, 4f, 4f, 2f}, 0, 4, 0, rng)); // the first of a tie
        assertEquals(0, Sampling.sample(new float[] {Float.NEGATIVE_INFINITY, -3f}, 1, 1, 0, rng));

        assertEquals(twin.nextLong(), rng.nextLong());
    }

    @Test
    void eachDrawIsTheDocumentedProcedure() {
        Rng rng = new Rng(21);
        Rng replay = new Rng(21);
        double temperature = 0.7;
        for (int j = 0; j < 2_000; j++) {
            int drawn = Sampling.sample(LOGITS, 2, 5, temperature, rng);

            double[] p = softmax(temperature);
            double u = replay.nextDouble();
            int expected = 0;
            double sum = p[0];
            while (sum <= u && expected < 4) {
                sum += p[++expected];
            }
            assertEquals(expected, drawn, "draw " + j + ", u = " + u);
        }
    }

    @Test
    void aMaskedClassIsNeverDrawn() {
        float[] logits = {0f, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        Rng rng = new Rng(8);
        int[] counts = new int[4];
        for (int j = 0; j < 10_000; j++) {
            counts[Sampling.sample(logits, 0, 4, 1.0, rng)]++;
        }
        assertEquals(0, counts[1]);
        assertEquals(0, counts[3]);
        assertTrue(Math.abs(counts[0] - 5_000) < 250, "class 0 drawn " + counts[0] + " times of 10,000");
    }

    @Test
    void samplingAllocatesNothing() {
        Rng rng = new Rng(1);
        long bytes = Allocations.steadyStateBytes(() -> Sampling.sample(LOGITS, 2, 5, 0.8, rng), 10_000, 5);
        assertEquals(0, bytes);
    }

    // --- errors, one test each

    @Test
    void aNegativeTemperatureIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(LOGITS, 2, 5, -0.5, new Rng(1)));
        assertEquals("temperature = -0.5: must be 0 (argmax) or positive and finite (1 samples the model's own"
                + " distribution)", e.getMessage());
    }

    @Test
    void aNanTemperatureIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(LOGITS, 2, 5, Double.NaN, new Rng(1)));
        assertEquals("temperature = NaN: must be 0 (argmax) or positive and finite (1 samples the model's own"
                + " distribution)", e.getMessage());
    }

    @Test
    void anInfiniteTemperatureIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(LOGITS, 2, 5, Double.POSITIVE_INFINITY, new Rng(1)));
        assertEquals("temperature = Infinity: must be 0 (argmax) or positive and finite (1 samples the model's"
                + " own distribution)", e.getMessage());
    }

    @Test
    void anEmptyRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(LOGITS, 2, 0, 1, new Rng(1)));
        assertEquals("width = 0: a distribution needs at least one class", e.getMessage());
    }

    @Test
    void aRangeOutsideTheArrayIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(LOGITS, 4, 5, 1, new Rng(1)));
        assertEquals("logits [4, 9) are outside the array of 8", e.getMessage());
    }

    @Test
    void aNanLogitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(new float[] {0f, Float.NaN}, 0, 2, 1, new Rng(1)));
        assertEquals("logit NaN at index 1: logits must be finite or negative infinity (a masked class)",
                e.getMessage());
    }

    @Test
    void anInfiniteLogitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(new float[] {Float.POSITIVE_INFINITY, 0f}, 0, 2, 0, new Rng(1)));
        assertEquals("logit Infinity at index 0: logits must be finite or negative infinity (a masked class)",
                e.getMessage());
    }

    @Test
    void everyClassMaskedIsRejected() {
        float[] logits = {1f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(logits, 1, 2, 1, new Rng(1)));
        assertEquals("logits [1, 3) are all negative infinity: every class is masked out", e.getMessage());
    }

    /** softmax(LOGITS[2..7) / temperature) in double precision. */
    private static double[] softmax(double temperature) {
        double[] p = new double[5];
        double total = 0;
        for (int j = 0; j < 5; j++) {
            p[j] = Math.exp(LOGITS[2 + j] / temperature);
            total += p[j];
        }
        for (int j = 0; j < 5; j++) {
            p[j] /= total;
        }
        return p;
    }

    private static void assertFrequencies(double temperature) {
        Rng rng = new Rng(42);
        int[] counts = new int[5];
        for (int j = 0; j < DRAWS; j++) {
            counts[Sampling.sample(LOGITS, 2, 5, temperature, rng)]++;
        }
        double[] p = softmax(temperature);
        for (int c = 0; c < 5; c++) {
            double expected = DRAWS * p[c];
            double sd = Math.sqrt(DRAWS * p[c] * (1 - p[c]));
            assertTrue(Math.abs(counts[c] - expected) < 5 * sd, "class " + c + " drawn " + counts[c]
                    + " times, expected " + expected + " +- " + 5 * sd + " at temperature " + temperature);
        }
    }
}
