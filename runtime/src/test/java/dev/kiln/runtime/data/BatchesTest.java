package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Batches}: the per-epoch order, the slicing, the gathered rows, and no allocation. */
class BatchesTest {

    /** Ten samples whose feature s is (s, 10 s) and whose label is s % 3. */
    private static Dataset tenSamples() {
        float[][] features = new float[10][];
        int[] labels = new int[10];
        for (int s = 0; s < 10; s++) {
            features[s] = new float[] {s, 10 * s};
            labels[s] = s % 3;
        }
        return Dataset.classification(features, labels, 3);
    }

    @Test
    void eachEpochFollowsThePermutationOfSeedPlusEpoch() {
        Batches batches = new Batches(tenSamples(), 4, 100);

        for (int epoch = 1; epoch <= 3; epoch++) {
            batches.startEpoch(epoch);
            List<Integer> seen = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            while (batches.next()) {
                sizes.add(batches.size());
                for (int r = 0; r < batches.size(); r++) {
                    seen.add((int) batches.features()[2 * r]);
                }
            }
            assertEquals(List.of(4, 4, 2), sizes);
            assertArrayEquals(new Rng(100 + epoch).permutation(10), seen.stream().mapToInt(s -> s).toArray());
        }
    }

    @Test
    void rowsTargetsAndLabelsAreGatheredTogether() {
        Dataset data = tenSamples();
        Batches batches = new Batches(data, 3, 7);
        batches.startEpoch(1);

        while (batches.next()) {
            for (int r = 0; r < batches.size(); r++) {
                int s = (int) batches.features()[2 * r];
                assertEquals(10f * s, batches.features()[2 * r + 1]);
                assertEquals(s % 3, batches.labels()[r]);
                assertArrayEquals(Arrays.copyOfRange(data.targets(), 3 * s, 3 * s + 3),
                        Arrays.copyOfRange(batches.targets(), 3 * r, 3 * r + 3));
            }
        }
    }

    @Test
    void theOrderChangesBetweenEpochs() {
        Batches batches = new Batches(tenSamples(), 10, 1);
        batches.startEpoch(1);
        batches.next();
        float[] first = batches.features().clone();
        batches.startEpoch(2);
        batches.next();

        assertNotEquals(Arrays.toString(first), Arrays.toString(batches.features()));
    }

    @Test
    void aBatchLargerThanTheDataGivesOneBatch() {
        Batches batches = new Batches(tenSamples(), 64, 1);
        batches.startEpoch(1);

        assertTrue(batches.next());
        assertEquals(10, batches.size());
        assertEquals(20, batches.features().length);
        assertFalse(batches.next());
        assertEquals(0, batches.size());
    }

    @Test
    void regressionDataHasNoLabels() {
        Batches batches = new Batches(Dataset.regression(new float[][] {{1}, {2}}, new float[][] {{3}, {4}}), 1, 1);
        batches.startEpoch(1);
        batches.next();

        assertNull(batches.labels());
        assertEquals(batches.features()[0] + 2, batches.targets()[0]);
    }

    @Test
    void buffersAreAllocatedOnceAndNextAllocatesNothing() {
        float[][] features = new float[1001][];
        Arrays.setAll(features, s -> new float[] {s, -s});
        Batches batches = new Batches(Dataset.regression(features, features), 1, 1);
        float[] buffer = batches.features();
        batches.startEpoch(1);
        batches.next();

        long bytes = Allocations.bytesAllocatedBy(batches::next, 1000);

        assertEquals(0, bytes);
        assertSame(buffer, batches.features());
        assertFalse(batches.next());
    }

    @Test
    void misuseIsReported() {
        assertEquals("batchSize = 0 must be positive",
                assertThrows(IllegalArgumentException.class, () -> new Batches(tenSamples(), 0, 1)).getMessage());
        Batches batches = new Batches(tenSamples(), 3, 1);
        assertEquals("next() before the first startEpoch(epoch)",
                assertThrows(IllegalStateException.class, batches::next).getMessage());
        assertEquals("epoch = 0 must be positive (epochs count from 1)",
                assertThrows(IllegalArgumentException.class, () -> batches.startEpoch(0)).getMessage());
    }
}
