package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link Dataset}: layout, subsets, splits, and the checks on construction. */
class DatasetTest {

    private static final float[][] FEATURES = {{1, 2}, {3, 4}, {5, 6}};

    @Test
    void classificationStoresFlatFeaturesAndOneHotTargets() {
        Dataset data = Dataset.classification(FEATURES, new int[] {2, 0, 1}, 3);

        assertEquals(3, data.size());
        assertEquals(2, data.featureSize());
        assertEquals(3, data.targetSize());
        assertEquals(3, data.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, data.features());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, data.targets());
        assertArrayEquals(new int[] {2, 0, 1}, data.labels());
        assertEquals("Dataset[3 samples, 2 features, 3 classes]", data.toString());
    }

    @Test
    void signedBinaryTargetsAreMinusOneAndPlusOne() {
        Dataset data = Dataset.signedBinaryClassification(FEATURES, new int[] {1, 0, 1});

        assertEquals(1, data.targetSize());
        assertArrayEquals(new float[] {1, -1, 1}, data.targets());
        assertArrayEquals(new int[] {1, 0, 1}, data.labels());
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.signedBinaryClassification(FEATURES, new int[] {0, 2, 1}));
    }

    @Test
    void binaryClassificationTargetsAreTheLabels() {
        Dataset data = Dataset.binaryClassification(FEATURES, new int[] {1, 0, 1});

        assertEquals(1, data.targetSize());
        assertEquals(2, data.classes());
        assertArrayEquals(new float[] {1, 0, 1}, data.targets());
        assertArrayEquals(new int[] {1, 0, 1}, data.labels());
    }

    @Test
    void regressionHasTargetRowsAndNoLabels() {
        Dataset data = Dataset.regression(FEATURES, new float[][] {{0.5f}, {1.5f}, {2.5f}});

        assertEquals(1, data.targetSize());
        assertEquals(0, data.classes());
        assertNull(data.labels());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, data.targets());
        assertEquals("Dataset[3 samples, 2 features, 1 targets]", data.toString());
    }

    @Test
    void laterChangesToTheInputArraysDoNotReachTheDataSet() {
        float[][] features = {{1, 2}, {3, 4}};
        int[] labels = {0, 1};
        Dataset data = Dataset.classification(features, labels, 2);

        features[0][0] = 99;
        labels[0] = 1;

        assertEquals(1, data.features()[0]);
        assertEquals(0, data.labels()[0]);
    }

    @Test
    void subsetGathersRowsInOrder() {
        Dataset data = Dataset.classification(FEATURES, new int[] {2, 0, 1}, 3);

        Dataset subset = data.subset(new int[] {2, 0, 2});

        assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, subset.features());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1, 0, 1, 0}, subset.targets());
        assertArrayEquals(new int[] {1, 2, 1}, subset.labels());
        assertEquals(3, subset.classes());
    }

    @Test
    void subsetRejectsABadIndex() {
        Dataset data = Dataset.classification(FEATURES, new int[] {2, 0, 1}, 3);

        assertMessage("subset: index 3 at position 1 is outside [0, 3)", () -> data.subset(new int[] {0, 3}));
        assertMessage("subset: no indices; a data set needs at least one sample", () -> data.subset(new int[0]));
    }

    @Test
    void splitShufflesWithTheSeedAndCutsAtTheFraction() {
        float[][] features = new float[10][];
        int[] labels = new int[10];
        for (int s = 0; s < 10; s++) {
            features[s] = new float[] {s};
            labels[s] = s % 2;
        }
        Dataset data = Dataset.classification(features, labels, 2);

        Split split = data.split(0.7, 5);

        int[] order = new Rng(5).permutation(10);
        float[] train = new float[7];
        float[] test = new float[3];
        int[] testLabels = new int[3];
        for (int j = 0; j < 10; j++) {
            if (j < 7) {
                train[j] = order[j];
            } else {
                test[j - 7] = order[j];
                testLabels[j - 7] = order[j] % 2;
            }
        }
        assertArrayEquals(train, split.train().features());
        assertArrayEquals(test, split.test().features());
        assertArrayEquals(testLabels, split.test().labels());
    }

    @Test
    void splitRejectsFractionsThatLeaveAPartEmpty() {
        Dataset data = Dataset.classification(FEATURES, new int[] {2, 0, 1}, 3);

        assertMessage("trainFraction = 0.9 of 3 samples leaves the test part empty", () -> data.split(0.9, 1));
        assertMessage("trainFraction = 0.1 of 3 samples leaves the training part empty", () -> data.split(0.1, 1));
        assertMessage("trainFraction = 1.0 must be in (0, 1)", () -> data.split(1, 1));
        assertMessage("trainFraction = NaN must be in (0, 1)", () -> data.split(Double.NaN, 1));
    }

    @Test
    void nonFiniteFeaturesAreReportedBySampleAndColumn() {
        float[][] features = {{1, 2, 3, 4}, {1, 2, 3, Float.NaN}};

        assertMessage("sample 1, feature 3 is NaN (both numbered from 0); every value must be finite",
                () -> Dataset.classification(features, new int[] {0, 1}, 2));
    }

    @Test
    void nonFiniteTargetsAreReportedBySampleAndColumn() {
        assertMessage("sample 2, target 0 is Infinity (both numbered from 0); every value must be finite",
                () -> Dataset.regression(FEATURES, new float[][] {{1}, {2}, {Float.POSITIVE_INFINITY}}));
    }

    @Test
    void raggedRowsAreReported() {
        float[][] features = {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3}};

        assertMessage("sample 2 has 3 features, expected 4 like sample 0 (samples are numbered from 0)",
                () -> Dataset.classification(features, new int[] {0, 1, 0}, 2));
    }

    @Test
    void nullRowsAreReported() {
        assertMessage("sample 1 is null: expected a row of features",
                () -> Dataset.classification(new float[][] {{1}, null}, new int[] {0, 1}, 2));
    }

    @Test
    void labelsOutOfRangeAreReportedBySample() {
        assertMessage("sample 1 has label 3, outside [0, 3) (samples are numbered from 0)",
                () -> Dataset.classification(FEATURES, new int[] {0, 3, 1}, 3));
        assertMessage("sample 2 has label -1, outside [0, 2) (samples are numbered from 0)",
                () -> Dataset.binaryClassification(FEATURES, new int[] {0, 1, -1}));
    }

    @Test
    void emptyAndMismatchedDataAreRejected() {
        assertMessage("no samples: a data set needs at least one",
                () -> Dataset.classification(new float[0][], new int[0], 2));
        assertMessage("sample 0 has no features", () -> Dataset.classification(new float[][] {{}}, new int[] {0}, 2));
        assertMessage("3 feature rows but 2 labels", () -> Dataset.classification(FEATURES, new int[] {0, 1}, 2));
        assertMessage("3 feature rows but 1 target rows", () -> Dataset.regression(FEATURES, new float[][] {{1}}));
        assertMessage("classes = 1: a classification needs at least 2",
                () -> Dataset.classification(FEATURES, new int[] {0, 0, 0}, 1));
    }

    private static void assertMessage(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
