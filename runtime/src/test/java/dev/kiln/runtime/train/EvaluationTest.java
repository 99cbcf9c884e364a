package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.Loss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Evaluation} on an {@link IdentityModel}, whose outputs are the features, with a maxBatch of 2 so
 * that five samples run in chunks of 2, 2 and 1.
 */
class EvaluationTest {

    private static final int MAX_BATCH = 2;

    @Test
    void accuracyComparesTheLargestOutputWithTheLabel() {
        Dataset data = Dataset.classification(new float[][] {
                {0.1f, 0.7f, 0.2f}, {0.5f, 0.4f, 0.1f}, {0, 0, 1}, {0.3f, 0.3f, 0.4f}, {0.9f, 0, 0.1f}},
                new int[] {1, 1, 2, 0, 0}, 3);
        IdentityModel model = new IdentityModel(3, MAX_BATCH, Loss.SOFTMAX_CROSS_ENTROPY, List.of());

        assertEquals(3 / 5.0, Evaluation.accuracy(model, data));
    }

    @Test
    void aSingleProbabilityIsThresholdedAtOneHalf() {
        IdentityModel model = new IdentityModel(1, MAX_BATCH, Loss.BINARY_CROSS_ENTROPY,
                List.of(ActivationSpec.of(Activation.SIGMOID, "Identity.out")));

        assertEquals(5 / 5.0, Evaluation.accuracy(model, binary()));
    }

    @Test
    void aSingleLogitIsThresholdedAtZero() {
        IdentityModel model = new IdentityModel(1, MAX_BATCH, Loss.BINARY_CROSS_ENTROPY, List.of());

        assertEquals(3 / 5.0, Evaluation.accuracy(model, binary()));
    }

    @Test
    void meanLossWeighsEachChunkByItsSize() {
        // squared errors 1, 1, 1, 1, 16: the mean over samples is 4, the mean of the chunk means (1, 1, 16) is 6
        Dataset data = Dataset.regression(new float[][] {{1}, {1}, {1}, {1}, {4}},
                new float[][] {{0}, {2}, {0}, {2}, {0}});
        IdentityModel model = new IdentityModel(1, MAX_BATCH, Loss.MSE, List.of());

        assertEquals(4.0, Evaluation.meanLoss(model, data), 1e-6);
    }

    @Test
    void regressionErrorsAreTakenOverEveryOutputOfEverySample() {
        // outputs are the features; errors y - t over 5 samples of 2 outputs: 1, -1, 2, 0, 0, 0, -3, 1, 0, 0
        Dataset data = Dataset.regression(
                new float[][] {{1, 1}, {2, 0}, {0, 0}, {0, 1}, {5, 5}},
                new float[][] {{0, 2}, {0, 0}, {0, 0}, {3, 0}, {5, 5}});
        IdentityModel model = new IdentityModel(2, MAX_BATCH, Loss.NONE, List.of());

        Evaluation.RegressionErrors errors = Evaluation.regressionErrors(model, data);
        assertEquals(Math.sqrt(16 / 10.0), errors.rmse(), 1e-12);
        assertEquals(8 / 10.0, errors.mae(), 1e-12);
        assertEquals(0 / 10.0, errors.meanBiasError(), 1e-12);
        Dataset high = Dataset.regression(new float[][] {{3, 1}}, new float[][] {{1, 0}});
        assertEquals(1.5, Evaluation.regressionErrors(model, high).meanBiasError(), 1e-12, "positive: too high");
    }

    @Test
    void dataOfTheWrongWidthIsRejected() {
        Dataset data = Dataset.classification(new float[][] {{1, 2}}, new int[] {0}, 2);

        assertEquals("Identity: the data has 2 features per sample, but the network takes 3",
                assertThrows(IllegalArgumentException.class,
                        () -> Evaluation.accuracy(new IdentityModel(3, MAX_BATCH, Loss.MSE, List.of()), data))
                        .getMessage());
        Dataset targets = Dataset.classification(new float[][] {{1, 2}}, new int[] {0}, 3);
        assertEquals("Identity: the data has 3 target values per sample, but the network outputs 2",
                assertThrows(IllegalArgumentException.class,
                        () -> Evaluation.meanLoss(new IdentityModel(2, MAX_BATCH, Loss.MSE, List.of()), targets))
                        .getMessage());
    }

    @Test
    void accuracyNeedsLabels() {
        Dataset data = Dataset.regression(new float[][] {{1}}, new float[][] {{1}});

        assertEquals("accuracy needs class labels, but Dataset[1 samples, 1 features, 1 targets] has none",
                assertThrows(IllegalArgumentException.class,
                        () -> Evaluation.accuracy(new IdentityModel(1, MAX_BATCH, Loss.MSE, List.of()), data))
                        .getMessage());
    }

    @Test
    void theConfusionMatrixCountsPredictionsAgainstLabels() {
        // predicted 1, 0, 2, 2, 0 for labels 1, 1, 2, 0, 0
        IdentityModel model = new IdentityModel(3, MAX_BATCH, Loss.SOFTMAX_CROSS_ENTROPY, List.of());

        ConfusionMatrix matrix = Evaluation.confusionMatrix(model, threeClasses());

        assertArrayEquals(new long[][] {{1, 0, 1}, {1, 1, 0}, {0, 0, 1}}, matrix.toArray());
        ClassificationReport report = Evaluation.report(model, threeClasses());
        assertEquals(ClassificationReport.Average.MACRO, report.average());
        assertEquals((1 / 2.0 + 1 + 1 / 2.0) / 3, report.precision(), 1e-15);
        assertEquals((1 / 2.0 + 1 / 2.0 + 1) / 3, report.recall(), 1e-15);
    }

    @Test
    void aSingleOutputGivesABinaryReport() {
        // logits 0.3, 0.7, -0.2, 0.6, 0.4 thresholded at 0: predicted 1, 1, 0, 1, 1 for labels 0, 1, 0, 1, 0
        IdentityModel model = new IdentityModel(1, MAX_BATCH, Loss.BINARY_CROSS_ENTROPY, List.of());

        ClassificationReport report = Evaluation.report(model, binary());

        assertEquals(ClassificationReport.Average.BINARY, report.average());
        assertArrayEquals(new long[][] {{1, 2}, {0, 2}}, report.matrix().toArray());
        assertEquals(2 / 4.0, report.precision());
        assertEquals(1.0, report.recall());
    }

    @Test
    void measuresTakesEveryMeasureInOnePass() {
        IdentityModel model = new IdentityModel(3, MAX_BATCH, Loss.SOFTMAX_CROSS_ENTROPY, List.of());
        Dataset data = threeClasses();

        Measures measures = Evaluation.measures(model, data);

        ClassificationReport report = Evaluation.report(model, data);
        assertEquals(new Measures(Evaluation.meanLoss(model, data), Evaluation.accuracy(model, data),
                report.precision(), report.recall(), report.f1()), measures);
    }

    @Test
    void measuresWithoutLabelsIsTheLossAlone() {
        Dataset data = Dataset.regression(new float[][] {{1}, {1}, {4}}, new float[][] {{0}, {2}, {0}});

        Measures measures = Evaluation.measures(new IdentityModel(1, MAX_BATCH, Loss.MSE, List.of()), data);

        assertEquals(6.0, measures.loss(), 1e-6);
        assertFalse(measures.classified());
    }

    @Test
    void aConfusionMatrixNeedsLabels() {
        Dataset data = Dataset.regression(new float[][] {{1}}, new float[][] {{1}});

        assertEquals("a confusion matrix needs class labels, but Dataset[1 samples, 1 features, 1 targets] has none",
                assertThrows(IllegalArgumentException.class,
                        () -> Evaluation.confusionMatrix(new IdentityModel(1, MAX_BATCH, Loss.MSE, List.of()), data))
                        .getMessage());
    }

    /** The five samples of {@link #accuracyComparesTheLargestOutputWithTheLabel}. */
    private static Dataset threeClasses() {
        return Dataset.classification(new float[][] {
                {0.1f, 0.7f, 0.2f}, {0.5f, 0.4f, 0.1f}, {0, 0, 1}, {0.3f, 0.3f, 0.4f}, {0.9f, 0, 0.1f}},
                new int[] {1, 1, 2, 0, 0}, 3);
    }

    /** Outputs 0.3, 0.7, -0.2, 0.6, 0.4 with labels 0, 1, 0, 1, 0. */
    private static Dataset binary() {
        return Dataset.binaryClassification(new float[][] {{0.3f}, {0.7f}, {-0.2f}, {0.6f}, {0.4f}},
                new int[] {0, 1, 0, 1, 0});
    }
}
