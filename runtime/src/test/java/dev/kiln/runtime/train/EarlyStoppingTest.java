package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link EarlyStopping} fed a scripted metric, epoch by epoch, with the first parameter set to the epoch so
 * that the parameters tell which epoch's they are; then in a real run.
 */
class EarlyStoppingTest {

    @Test
    void patienceCountsConsecutiveEpochsWithoutImprovement() {
        EarlyStopping stopping = new EarlyStopping().patience(2);

        Run run = run(stopping, "val_loss", 1.0, 0.9, 0.95, 0.91, 0.92, 0.5);

        assertEquals(4, run.lastEpoch, "epochs 3 and 4 did not beat epoch 2");
        assertEquals(2, stopping.bestEpoch());
        assertEquals(0.9, stopping.bestValue());
        assertEquals(4, stopping.stoppedEpoch());
        assertEquals("val_loss has not improved on 0.9000 (epoch 2) by more than 0 for 2 epochs", run.reason);
        assertEquals(4f, run.firstParameter, "without restoring, the last epoch's parameters stay");
    }

    @Test
    void anImprovementResetsTheCount() {
        Run run = run(new EarlyStopping().patience(2), "val_loss", 1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.95);

        assertEquals(7, run.lastEpoch);
    }

    @Test
    void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
        assertEquals(3, run(new EarlyStopping(), "val_loss", 1.0, 0.9, 0.9, 0.1).lastEpoch, "equal is no improvement");
    }

    @Test
    void anImprovementMustExceedTheMinimumDelta() {
        EarlyStopping stopping = new EarlyStopping().patience(2).minDelta(0.05);

        // 0.96 is not below 1.0 - 0.05; 0.93 is, and becomes the best; 0.90 and 0.89 are not below 0.88
        Run run = run(stopping, "val_loss", 1.0, 0.96, 0.93, 0.90, 0.89, 0.5);

        assertEquals(5, run.lastEpoch);
        assertEquals(3, stopping.bestEpoch());
        assertEquals("val_loss has not improved on 0.9300 (epoch 3) by more than 0.05 for 2 epochs", run.reason);
        assertEquals(6, run(new EarlyStopping().patience(2), "val_loss", 1.0, 0.96, 0.93, 0.90, 0.89, 0.5).lastEpoch,
                "without the delta every epoch improves");
    }

    @Test
    void accuracyIsMaximizedByDefault() {
        EarlyStopping stopping = new EarlyStopping("val_accuracy").patience(2);

        Run run = run(stopping, "val_accuracy", 0.5, 0.6, 0.6, 0.55, 0.9);

        assertEquals(4, run.lastEpoch);
        assertEquals(2, stopping.bestEpoch());
    }

    @Test
    void anExplicitModeOverridesTheDefault() {
        EarlyStopping stopping = new EarlyStopping("loss").mode(EarlyStopping.Mode.MAX).patience(1);

        assertEquals(3, run(stopping, "loss", 1.0, 2.0, 1.5, 3.0).lastEpoch);
        assertEquals(2, stopping.bestEpoch());
    }

    @Test
    void theBestWeightsAreRestoredWhenTrainingStopsEarly() {
        Run run = run(new EarlyStopping().patience(2).restoreBestWeights(true), "val_loss", 1.0, 0.9, 0.95, 0.91, 0.5);

        assertEquals(4, run.lastEpoch);
        assertEquals(2f, run.firstParameter, "epoch 2's parameters");
        assertEquals("val_loss has not improved on 0.9000 (epoch 2) by more than 0 for 2 epochs; the best epoch's"
                + " weights are restored", run.reason);
    }

    @Test
    void theBestWeightsAreRestoredWhenTrainingRunsToTheEnd() {
        Run run = run(new EarlyStopping().patience(5).restoreBestWeights(true), "val_loss", 1.0, 0.5, 0.7);

        assertEquals(3, run.lastEpoch);
        assertEquals(null, run.reason);
        assertEquals(2f, run.firstParameter);
    }

    @Test
    void oneInstanceServesRunsInTurn() {
        EarlyStopping stopping = new EarlyStopping().patience(1);
        run(stopping, "val_loss", 1.0, 0.2, 0.3);

        Run second = run(stopping, "val_loss", 1.0, 0.9, 0.8, 0.85);

        assertEquals(4, second.lastEpoch, "the best of the first run (0.2) is forgotten");
    }

    @Test
    void inARealRunItStopsAndRestoresTheBestEpoch() {
        // the dev set has the training set's features with other labels: it gets worse as training goes on
        Dataset train = TrainingStepAllocationTest.threeClasses(30);
        int[] shifted = new int[30];
        float[][] features = new float[30][];
        for (int s = 0; s < 30; s++) {
            shifted[s] = (train.labels()[s] + 1) % 3;
            features[s] = java.util.Arrays.copyOfRange(train.features(), s * 4, s * 4 + 4);
        }
        Dataset dev = Dataset.classification(features, shifted, 3);
        EarlyStopping stopping = new EarlyStopping().patience(2).restoreBestWeights(true);
        Model model = model();

        History history = Trainer.of(model).optimizer(new Sgd(0.2f)).batchSize(10).epochs(50).callback(stopping)
                .fit(train, dev);

        assertEquals(stopping.bestEpoch() + 2, history.epochs().size());
        assertEquals(history.epochs().size(), stopping.stoppedEpoch(), "stopped early, long before epoch 50");
        Model best = model();
        Trainer.of(best).optimizer(new Sgd(0.2f)).batchSize(10).epochs(stopping.bestEpoch()).fit(train, dev);
        assertArrayEquals(best.parameters().toArray(ValueLayout.JAVA_FLOAT),
                model.parameters().toArray(ValueLayout.JAVA_FLOAT), "the best epoch's parameters, exactly");
        assertEquals(history.epochs().get(stopping.bestEpoch() - 1).validationLoss(), stopping.bestValue());
    }

    @Test
    void aValidationMetricNeedsValidationData() {
        Trainer trainer = Trainer.of(model()).optimizer(new Sgd(0.1f)).callback(new EarlyStopping());

        assertEquals("EarlyStopping monitors val_loss, but the run has no validation data: give fit(train,"
                + " validation) or validationSplit(0.2), or monitor loss",
                assertThrows(IllegalStateException.class,
                        () -> trainer.fit(TrainingStepAllocationTest.threeClasses(10))).getMessage());
    }

    @Test
    void aMetricTheRunDoesNotMeasureIsAnError() {
        Dataset data = Dataset.regression(new float[][] {{1}, {2}}, new float[][] {{1}, {2}});
        Model model = TinyMlp.of(1, 2, 1, Loss.MSE, 2);
        model.initialize(1);
        Trainer trainer = Trainer.of(model).optimizer(new Sgd(0.1f)).callback(new EarlyStopping("accuracy"));

        assertEquals("EarlyStopping monitors accuracy, which this run does not measure (accuracy, precision, recall"
                + " and F1 need data with class labels); monitor a loss",
                assertThrows(IllegalStateException.class, () -> trainer.fit(data)).getMessage());
    }

    @Test
    void anUnknownMetricIsRejected() {
        assertEquals("EarlyStopping: no metric is named 'val_acc'; the metrics are loss, accuracy, precision, recall,"
                + " f1, val_loss, val_accuracy, val_precision, val_recall, val_f1, learning_rate, seconds",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping("val_acc")).getMessage());
    }

    @Test
    void aNegativePatienceIsRejected() {
        assertEquals("EarlyStopping: patience = -1 must not be negative",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().patience(-1)).getMessage());
    }

    @Test
    void aNegativeDeltaIsRejected() {
        assertEquals("EarlyStopping: minDelta = -0.1 must be finite and not negative",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().minDelta(-0.1)).getMessage());
    }

    /** How a scripted run ended. */
    private record Run(int lastEpoch, String reason, float firstParameter) {
    }

    /** Feeds {@code values} of {@code metric} to the callback, one per epoch, until it asks to stop. */
    private static Run run(EarlyStopping stopping, String metric, double... values) {
        Model model = model();
        TrainingContext context = new TrainingContext(model, null, 0, values.length, 1, 10, true, true);
        stopping.onTrainBegin(context);
        for (int e = 1; e <= values.length; e++) {
            context.startEpoch(e);
            model.parameters().setAtIndex(ValueLayout.JAVA_FLOAT, 0, e);
            Measures measured = new Measures(values[e - 1], values[e - 1], 0, 0, 0);
            context.endEpoch(metric.startsWith("val_")
                    ? new EpochStats(e, values.length, Measures.NONE, measured, 0.1, 1)
                    : new EpochStats(e, values.length, measured, Measures.NONE, 0.1, 1));
            stopping.onEpochEnd(context);
            if (context.stopRequested()) {
                break;
            }
        }
        stopping.onTrainEnd(context);
        return new Run(context.epoch(), context.stopReason(),
                model.parameters().getAtIndex(ValueLayout.JAVA_FLOAT, 0));
    }

    private static Model model() {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 10);
        model.initialize(2);
        return model;
    }
}
