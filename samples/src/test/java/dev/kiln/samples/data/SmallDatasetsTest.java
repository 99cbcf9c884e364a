package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The embedded data sets have the published sizes, classes and value ranges. */
class SmallDatasetsTest {

    @Test
    void irisDigitsAndWineAreComplete() {
        check(SmallDatasets.iris(), 150, 4, 3, new int[] {50, 50, 50});
        check(SmallDatasets.digits(), 1797, 64, 10, null);
        check(SmallDatasets.wine(), 178, 13, 3, new int[] {59, 71, 48});
        float[] pixels = SmallDatasets.digits().features();
        float max = 0;
        for (float p : pixels) {
            max = Math.max(max, p);
        }
        assertEquals(16f, max, "digits' pixels run from 0 to 16");
    }

    private static void check(Dataset data, int rows, int features, int classes, int[] perClass) {
        assertEquals(rows, data.size());
        assertEquals(features, data.featureSize());
        assertEquals(classes, data.targetSize());
        if (perClass != null) {
            int[] counts = new int[classes];
            for (int label : data.labels()) {
                counts[label]++;
            }
            assertEquals(Arrays.toString(perClass), Arrays.toString(counts));
        }
    }
}
