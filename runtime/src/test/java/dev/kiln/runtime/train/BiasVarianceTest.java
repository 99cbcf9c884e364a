package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bias and variance reading of a history's last epoch, with its thresholds. */
class BiasVarianceTest {

    @Test
    void aLargeGapBetweenTrainAndDevIsHighVariance() {
        assertEquals("train error 2.1 %, dev error 9.8 %: high variance (overfitting); try more data,"
                + " regularization or a smaller network", classification(0.979, 0.902).biasVariance().line());
    }

    @Test
    void aHighTrainingErrorIsHighBias() {
        assertEquals("train error 15.0 %, dev error 16.0 %: high bias (underfitting); try a bigger network, longer"
                + " training or another architecture", classification(0.85, 0.84).biasVariance().line());
    }

    @Test
    void bothAtOnce() {
        assertEquals("train error 15.0 %, dev error 30.0 %: high bias and high variance; first a bigger network or"
                + " longer training, then more data or regularization", classification(0.85, 0.70).biasVariance().line());
    }

    @Test
    void neither() {
        BiasVariance reading = classification(0.995, 0.99).biasVariance();

        assertEquals("train error 0.5 %, dev error 1.0 %: low bias and low variance: a good fit", reading.line());
        assertFalse(reading.highBias());
        assertFalse(reading.highVariance());
    }

    @Test
    void theThresholdsAreFivePoints() {
        // 4.99 points is not above them, 5.01 points is
        assertFalse(classification(0.9501, 0.9).biasVariance().highBias());
        assertFalse(classification(0.95, 0.9001).biasVariance().highVariance());
        assertTrue(classification(0.9499, 0.9).biasVariance().highBias());
        assertTrue(classification(0.95, 0.8999).biasVariance().highVariance());
    }

    @Test
    void aBaselineErrorMovesTheBiasThreshold() {
        BiasVariance reading = classification(0.85, 0.84).biasVariance(0.12);

        assertFalse(reading.highBias(), "15 % against a baseline of 12 %: 3 points of avoidable bias");
        assertEquals("train error 15.0 % (baseline 12.0 %), dev error 16.0 %: low bias and low variance: a good fit",
                reading.line());
    }

    @Test
    void withoutADevSetVarianceIsUnknown() {
        History history = history(new Measures(0.1, 0.979, 0.9, 0.9, 0.9), Measures.NONE);

        assertEquals("train error 2.1 %: low bias; no dev set, so variance is unknown (hold one out with"
                + " validationSplit)", history.biasVariance().line());
    }

    @Test
    void regressionIsReadFromTheLosses() {
        assertEquals("train loss 0.01000, dev loss 0.01600: high variance (overfitting); try more data,"
                + " regularization or a smaller network", regression(0.01, 0.016).biasVariance().line());
        assertEquals("train loss 0.01000, dev loss 0.01400: low variance; a loss alone does not tell bias (compare it"
                + " with the loss you need)", regression(0.01, 0.014).biasVariance().line());
        assertFalse(regression(0.01, 0.015).biasVariance().highVariance(), "half the training loss is not above it");
    }

    @Test
    void aBaselineNeedsAccuracy() {
        assertEquals("a baseline error applies to classification, but this history has no accuracy; call"
                + " biasVariance() without one",
                assertThrows(IllegalStateException.class, () -> regression(0.01, 0.02).biasVariance(0.1)).getMessage());
    }

    @Test
    void aBaselineIsAFraction() {
        assertEquals("baselineError = 2.0 must be a fraction in [0, 1], e.g. 0.02 for a 2 % error",
                assertThrows(IllegalArgumentException.class, () -> classification(0.9, 0.9).biasVariance(2))
                        .getMessage());
    }

    private static History classification(double trainAccuracy, double devAccuracy) {
        return history(new Measures(0.3, trainAccuracy, 0.5, 0.5, 0.5), new Measures(0.4, devAccuracy, 0.5, 0.5, 0.5));
    }

    private static History regression(double trainLoss, double devLoss) {
        return history(EpochStatsTest.loss(trainLoss), EpochStatsTest.loss(devLoss));
    }

    private static History history(Measures train, Measures validation) {
        return new History(List.of(new EpochStats(1, 2, EpochStatsTest.loss(9), Measures.NONE, 0.1, 1),
                new EpochStats(2, 2, train, validation, 0.1, 1)));
    }
}
