package dev.kiln.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.spec.Init;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The distributions of {@link Initializers}: {@value #COUNT} draws with a fixed seed, whose mean must be
 * within 5 standard errors of 0 ({@code 5 sd / sqrt(COUNT)} = 0.025 sd) and whose standard deviation within
 * 2% of the formula's (5 standard errors of a standard deviation are about 1.8%).
 */
class InitializersTest {

    /** An array as the segment the kernels take. */
    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }


    private static final int COUNT = 40_000;
    private static final int OFFSET = 3;
    private static final int FAN_IN = 30;
    private static final int FAN_OUT = 20;

    static Stream<Arguments> distributions() {
        double xavierBound = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
        double heBound = Math.sqrt(6.0 / FAN_IN);
        return Stream.of(
                // init, scale, bound of a uniform (0 for a normal), expected standard deviation
                Arguments.of(Init.UNIFORM, 0.5, 0.5, 0.5 / Math.sqrt(3)),
                Arguments.of(Init.NORMAL, 0.3, 0.0, 0.3),
                Arguments.of(Init.XAVIER_UNIFORM, 0.0, xavierBound, xavierBound / Math.sqrt(3)),
                Arguments.of(Init.XAVIER_NORMAL, 0.0, 0.0, Math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
                Arguments.of(Init.HE_UNIFORM, 0.0, heBound, heBound / Math.sqrt(3)),
                Arguments.of(Init.HE_NORMAL, 0.0, 0.0, Math.sqrt(2.0 / FAN_IN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void drawsHaveTheDocumentedMeanAndDeviation(Init init, double scale, double bound, double deviation) {
        float[] p = TestArrays.filled(OFFSET + COUNT + 2, Float.NaN);

        Initializers.fill(seg(p), OFFSET, COUNT, init, scale, FAN_IN, FAN_OUT, new Rng(77));

        double sum = 0;
        double squares = 0;
        int withinOneDeviation = 0;
        for (int j = OFFSET; j < OFFSET + COUNT; j++) {
            sum += p[j];
            squares += (double) p[j] * p[j];
            if (Math.abs(p[j]) < deviation) {
                withinOneDeviation++;
            }
            if (bound > 0) {
                assertTrue(Math.abs(p[j]) <= bound, init + " drew " + p[j] + " outside +-" + bound);
            }
        }
        double mean = sum / COUNT;
        assertEquals(0, mean, 0.025 * deviation, "mean");
        assertEquals(deviation, Math.sqrt(squares / COUNT - mean * mean), 0.02 * deviation, "standard deviation");
        // the shape: P(|x| < sd) is 0.683 for a normal, 1/sqrt(3) = 0.577 for a uniform
        double expectedFraction = bound > 0 ? 1 / Math.sqrt(3) : 0.6827;
        assertEquals(expectedFraction, (double) withinOneDeviation / COUNT, 0.015, "fraction within one sd");
        assertUntouchedOutside(p, COUNT);
    }

    @Test
    void zerosFillsExactlyTheRange() {
        float[] p = TestArrays.filled(OFFSET + 5 + 2, Float.NaN);

        Initializers.zeros(seg(p), OFFSET, 5);

        for (int j = OFFSET; j < OFFSET + 5; j++) {
            assertEquals(0f, p[j]);
        }
        assertUntouchedOutside(p, 5);
    }

    @Test
    void zerosInitIsZeros() {
        float[] p = TestArrays.filled(OFFSET + 4 + 2, Float.NaN);

        Initializers.fill(seg(p), OFFSET, 4, Init.ZEROS, 0, FAN_IN, FAN_OUT, new Rng(1));

        assertArrayEquals(new float[] {Float.NaN, Float.NaN, Float.NaN, 0, 0, 0, 0, Float.NaN, Float.NaN}, p);
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        float[] first = new float[50];
        float[] second = new float[50];

        Initializers.fill(seg(first), 0, 50, Init.HE_NORMAL, 0, 10, 5, new Rng(5));
        Initializers.fill(seg(second), 0, 50, Init.HE_NORMAL, 0, 10, 5, new Rng(5));

        assertArrayEquals(first, second);
    }

    @Test
    void autoMustBeResolvedFirst() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializers.fill(seg(new float[4]), 0, 4, Init.AUTO, 0, 2, 2, new Rng(1)));

        assertEquals("Init.AUTO must be resolved to a concrete scheme before filling (NetworkSpec.initOf)",
                e.getMessage());
    }

    @Test
    void aNegativeScaleIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializers.fill(seg(new float[4]), 0, 4, Init.NORMAL, -1, 2, 2, new Rng(1)));

        assertEquals("NORMAL: scale = -1.0 must be finite and not negative", e.getMessage());
    }

    @Test
    void aNonPositiveFanIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializers.fill(seg(new float[4]), 0, 4, Init.XAVIER_UNIFORM, 0, 2, 0, new Rng(1)));

        assertEquals("XAVIER_UNIFORM: fanOut = 0 must be positive", e.getMessage());
    }

    /** The first OFFSET values and the two after the filled range must still be NaN. */
    private static void assertUntouchedOutside(float[] p, int count) {
        for (int j = 0; j < p.length; j++) {
            if (j < OFFSET || j >= OFFSET + count) {
                assertEquals(Float.NaN, p[j], "p[" + j + "] lies outside the filled range");
            }
        }
    }
}
