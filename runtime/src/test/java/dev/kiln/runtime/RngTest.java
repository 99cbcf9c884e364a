package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Rng}: the published SplitMix64 outputs, the check values of its permutations, and the moments of
 * its distributions. Moment tolerances are about five standard errors for the sample size.
 */
class RngTest {

    @Test
    void matchesTheReferenceSplitMix64Outputs() {
        // The first outputs of the reference C implementation seeded with 0.
        Rng rng = new Rng(0);
        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
    }

    @Test
    void permutationOfSeed1001MatchesItsCheckValues() {
        int[] permutation = new Rng(1001).permutation(60000);

        assertArrayEquals(new int[] {40783, 55244, 3906, 9187, 49354, 27925, 54372, 29061},
                Arrays.copyOf(permutation, 8));
        long checksum = 0;
        for (int k = 0; k < 1000; k++) {
            checksum += (long) permutation[k] * (k + 1);
        }
        assertEquals(14529427962L, checksum);
    }

    @Test
    void permutationOfSeed1002MatchesItsCheckValues() {
        assertArrayEquals(new int[] {2354, 8697, 59264, 2954, 53910, 46757, 22676, 35600},
                Arrays.copyOf(new Rng(1002).permutation(60000), 8));
    }

    @Test
    void permutationHoldsEveryIndexOnce() {
        int[] sorted = new Rng(3).permutation(1001);
        Arrays.sort(sorted);

        for (int j = 0; j < sorted.length; j++) {
            assertEquals(j, sorted[j]);
        }
    }

    @Test
    void permutationOfZeroAndOne() {
        assertArrayEquals(new int[0], new Rng(3).permutation(0));
        assertArrayEquals(new int[] {0}, new Rng(3).permutation(1));
    }

    @Test
    void shuffleOfTheIdentityIsThePermutation() {
        int[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

        new Rng(9).shuffle(values);

        assertArrayEquals(new Rng(9).permutation(10), values);
    }

    @Test
    void nextIntIsInRangeAndUniform() {
        Rng rng = new Rng(11);
        int[] counts = new int[7];
        int draws = 70_000;
        for (int j = 0; j < draws; j++) {
            counts[rng.nextInt(7)]++;
        }
        // each count is binomial(70000, 1/7): mean 10000, standard deviation about 93
        for (int count : counts) {
            assertEquals(10_000, count, 500);
        }
    }

    @Test
    void nextIntWithAHugeBoundReachesTheUpperHalf() {
        Rng rng = new Rng(12);
        int bound = Integer.MAX_VALUE;
        int upper = 0;
        for (int j = 0; j < 10_000; j++) {
            int value = rng.nextInt(bound);
            assertTrue(value >= 0 && value < bound);
            if (value >= bound / 2) {
                upper++;
            }
        }
        assertEquals(5_000, upper, 250);
    }

    @Test
    void nextIntRejectsANonPositiveBound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Rng(1).nextInt(0));

        assertEquals("bound = 0 must be positive", e.getMessage());
    }

    @Test
    void nextFloatAndNextDoubleAreUniformOnTheUnitInterval() {
        Rng rng = new Rng(13);
        int draws = 100_000;
        double floatSum = 0;
        double doubleSum = 0;
        double doubleSquares = 0;
        for (int j = 0; j < draws; j++) {
            float f = rng.nextFloat();
            double d = rng.nextDouble();
            assertTrue(f >= 0 && f < 1, "nextFloat " + f);
            assertTrue(d >= 0 && d < 1, "nextDouble " + d);
            floatSum += f;
            doubleSum += d;
            doubleSquares += d * d;
        }
        // U(0, 1): mean 1/2, variance 1/12; the standard error of the mean is about 0.0009
        assertEquals(0.5, floatSum / draws, 0.005);
        assertEquals(0.5, doubleSum / draws, 0.005);
        assertEquals(1 / 12.0, doubleSquares / draws - 0.25, 0.003);
    }

    @Test
    void nextGaussianIsStandardNormal() {
        Rng rng = new Rng(14);
        int draws = 100_000;
        double sum = 0;
        double squares = 0;
        int withinOne = 0;
        for (int j = 0; j < draws; j++) {
            double g = rng.nextGaussian();
            sum += g;
            squares += g * g;
            if (Math.abs(g) < 1) {
                withinOne++;
            }
        }
        assertEquals(0, sum / draws, 0.016);
        assertEquals(1, Math.sqrt(squares / draws), 0.012);
        assertEquals(0.6827, (double) withinOne / draws, 0.008);
    }

    @Test
    void sameSeedSameSequence() {
        Rng first = new Rng(42);
        Rng second = new Rng(42);
        for (int j = 0; j < 100; j++) {
            assertEquals(first.nextLong(), second.nextLong());
        }
    }

    @Test
    void resetRestartsTheSequence() {
        Rng rng = new Rng(5);
        rng.nextLong();
        rng.nextFloat();
        rng.reset(77);
        Rng fresh = new Rng(77);
        for (int i = 0; i < 10; i++) {
            assertEquals(fresh.nextLong(), rng.nextLong());
        }
    }
}
