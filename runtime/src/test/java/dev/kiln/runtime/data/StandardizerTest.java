package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StandardizerTest {

    private static final Dataset TRAIN = Dataset.classification(
            new float[][] {{1, 10, 5}, {3, 20, 5}, {5, 30, 5}, {7, 40, 5}}, new int[] {0, 1, 0, 1}, 2);

    @Test
    void measuresMeanAndPopulationDeviationPerFeature() {
        Standardizer s = Standardizer.fit(TRAIN);
        assertArrayEquals(new float[] {4, 25, 5}, s.mean());
        float sd = (float) Math.sqrt(5);
        assertArrayEquals(new float[] {sd, 5 * sd, 1}, s.standardDeviation(), 1e-6f);
    }

    @Test
    void standardizedTrainingFeaturesHaveZeroMeanAndUnitVariance() {
        Dataset standardized = Standardizer.fit(TRAIN).apply(TRAIN);
        float[] x = standardized.features();
        for (int j = 0; j < 2; j++) {
            double mean = 0;
            double squares = 0;
            for (int s = 0; s < 4; s++) {
                mean += x[s * 3 + j] / 4.0;
                squares += x[s * 3 + j] * x[s * 3 + j] / 4.0;
            }
            assertEquals(0, mean, 1e-6);
            assertEquals(1, squares, 1e-6);
        }
        assertEquals(0f, x[2], "a constant feature is only centred");
        assertSame(TRAIN.labels(), standardized.labels());
        assertArrayEquals(new float[] {1, 10, 5}, java.util.Arrays.copyOf(TRAIN.features(), 3), "the input is untouched");
    }

    @Test
    void otherDataUsesTheTrainingStatistics() {
        Standardizer s = Standardizer.fit(TRAIN);
        float[] row = {4 + (float) Math.sqrt(5), 25, 6, 99};
        s.applyInPlace(row, 0, 1);
        assertArrayEquals(new float[] {1, 0, 1, 99}, row, 1e-6f);
    }

    @Test
    void rejectsDataOfAnotherWidthAndShortArrays() {
        Standardizer s = Standardizer.fit(TRAIN);
        Dataset two = Dataset.regression(new float[][] {{1, 2}}, new float[][] {{0}});
        var e = assertThrows(IllegalArgumentException.class, () -> s.apply(two));
        assertEquals("the data has 2 features, but the standardizer was fit on 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.applyInPlace(new float[5], 0, 2));
        assertThrows(IllegalArgumentException.class, () -> s.applyInPlace(new float[3], -1, 1));
    }
}
