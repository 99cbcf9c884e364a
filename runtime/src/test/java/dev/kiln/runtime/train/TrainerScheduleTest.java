package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.LearningRateSchedule;
import dev.kiln.spec.Loss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Trainer} with a learning-rate schedule: the rate each step ran with, per epoch and per step, the
 * rates the history records, and a schedule that gives a bad rate.
 */
class TrainerScheduleTest {

    /** Ten samples in batches of 4: three steps per epoch (4, 4, 2). */
    private static final Dataset DATA = Dataset.regression(
            new float[][] {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}},
            new float[][] {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}});

    /** Rates that tell {@code t} apart: {@code (t + 1) / 100}. */
    private static final LearningRateSchedule BY_T = t -> (t + 1) / 100f;

    private static Model model() {
        Model model = TinyMlp.of(1, 3, 1, Loss.MSE, 4);
        model.initialize(5);
        return model;
    }

    @Test
    void aPerEpochScheduleSetsTheRateBeforeEachEpoch() {
        RecordingOptimizer optimizer = new RecordingOptimizer(0.5f);

        History history = Trainer.of(model()).optimizer(optimizer).batchSize(4).epochs(3).schedulePerEpoch(BY_T)
                .fit(DATA);

        assertEquals(List.of(0.01f, 0.01f, 0.01f, 0.02f, 0.02f, 0.02f, 0.03f, 0.03f, 0.03f), optimizer.rates);
        assertEquals(List.of(0.01f, 0.02f, 0.03f), learningRates(history));
        assertEquals(0.03f, optimizer.learningRate(), "the optimizer keeps the last rate");
    }

    @Test
    void aPerStepScheduleSetsTheRateBeforeEachStepCountingAcrossEpochs() {
        RecordingOptimizer optimizer = new RecordingOptimizer(0.5f);

        History history = Trainer.of(model()).optimizer(optimizer).batchSize(4).epochs(3).schedulePerStep(BY_T)
                .fit(DATA);

        assertEquals(List.of(0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 0.08f, 0.09f), optimizer.rates);
        assertEquals(List.of(0.01f, 0.04f, 0.07f), learningRates(history), "each epoch's first step");
    }

    @Test
    void aFactoryScheduleIsApplied() {
        RecordingOptimizer optimizer = new RecordingOptimizer(0.5f);

        History history = Trainer.of(model()).optimizer(optimizer).batchSize(4).epochs(4)
                .schedulePerEpoch(LearningRateSchedule.stepDecay(0.1f, 0.5, 2)).fit(DATA);

        assertEquals(List.of(0.1f, 0.1f, 0.05f, 0.05f), learningRates(history));
    }

    @Test
    void theLaterScheduleReplacesTheEarlierAndEachFitCountsFromZero() {
        RecordingOptimizer optimizer = new RecordingOptimizer(0.5f);
        Trainer trainer = Trainer.of(model()).optimizer(optimizer).batchSize(4).epochs(1).schedulePerStep(BY_T)
                .schedulePerEpoch(t -> 0.2f);

        trainer.fit(DATA);
        trainer.schedulePerStep(BY_T).fit(DATA);

        assertEquals(List.of(0.2f, 0.2f, 0.2f, 0.01f, 0.02f, 0.03f), optimizer.rates);
    }

    @Test
    void withoutAScheduleTheHistoryRecordsTheOptimizersRate() {
        RecordingOptimizer optimizer = new RecordingOptimizer(0.25f);

        History history = Trainer.of(model()).optimizer(optimizer).batchSize(4).epochs(2).fit(DATA);

        assertEquals(List.of(0.25f, 0.25f), learningRates(history));
    }

    @Test
    void aBadRateFromAPerEpochScheduleStopsTrainingNamingIt() {
        Trainer trainer = Trainer.of(model()).optimizer(new RecordingOptimizer(0.1f)).batchSize(4).epochs(3)
                .schedulePerEpoch(t -> t == 1 ? 0f : 0.1f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(DATA));

        assertEquals("the learning-rate schedule gave 0.0 at t = 1 (epoch 2); a learning rate must be positive and"
                + " finite: check the schedule's arguments, e.g. a decay that underflows to 0", e.getMessage());
    }

    @Test
    void aBadRateFromAPerStepScheduleStopsTrainingNamingIt() {
        Trainer trainer = Trainer.of(model()).optimizer(new RecordingOptimizer(0.1f)).batchSize(4).epochs(3)
                .schedulePerStep(t -> t == 4 ? Float.NaN : 0.1f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(DATA));

        assertEquals("the learning-rate schedule gave NaN at t = 4 (epoch 2, step 2); a learning rate must be"
                + " positive and finite: check the schedule's arguments, e.g. a decay that underflows to 0",
                e.getMessage());
    }

    private static List<Float> learningRates(History history) {
        return history.epochs().stream().map(stats -> (float) stats.learningRate()).toList();
    }
}
