package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Csv;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Trainer} on a hand-written two-layer network ({@link TinyMlp}). */
class TrainerTest {

    private static Split iris;

    @BeforeAll
    static void loadIris() throws IOException {
        try (InputStream in = TrainerTest.class.getResourceAsStream("/iris.csv")) {
            iris = Csv.readClassification(in, "iris.csv").split(0.8, 42);
        }
    }

    @Test
    void learnsIris() {
        Model model = TinyMlp.of(4, 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32);
        model.initialize(1);

        History history = Trainer.of(model).optimizer(new Adam(0.02f)).batchSize(16).epochs(60).seed(42)
                .fit(iris.train(), iris.test());

        assertEquals(60, history.epochs().size());
        EpochStats last = history.last();
        assertTrue(last.loss() < history.epochs().getFirst().loss() / 4, "the training loss fell: " + last);
        assertTrue(last.accuracy() > 0.93, "training accuracy: " + last);
        assertTrue(last.validationAccuracy() >= 0.9, "test accuracy: " + last);
        assertEquals(Evaluation.accuracy(model, iris.test()), last.validationAccuracy());
        assertEquals(Evaluation.meanLoss(model, iris.test()), last.validationLoss());
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnother() {
        assertEquals(measures(run(7)), measures(run(7)));
        assertNotEquals(measures(run(7)), measures(run(8)));
    }

    @Test
    void listenersHearEveryEpochInOrder() {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32);
        model.initialize(1);
        List<Integer> heard = new ArrayList<>();

        History history = Trainer.of(model).optimizer(new Sgd(0.1f)).epochs(3)
                .listener(stats -> heard.add(stats.epoch()))
                .listener(stats -> heard.add(-stats.epoch()))
                .fit(iris.train());

        assertEquals(List.of(1, -1, 2, -2, 3, -3), heard);
        assertEquals(3, history.last().epochs());
        assertTrue(Double.isNaN(history.last().validationLoss()), "no validation set, no validation loss");
    }

    @Test
    void regressionHasNoAccuracy() {
        Dataset data = Dataset.regression(new float[][] {{0}, {1}, {2}, {3}}, new float[][] {{0}, {2}, {4}, {6}});
        Model model = TinyMlp.of(1, 4, 1, Loss.MSE, 4);
        model.initialize(3);

        EpochStats stats = Trainer.of(model).optimizer(new Adam(0.01f)).epochs(2).fit(data, data).last();

        assertTrue(Double.isNaN(stats.accuracy()));
        assertTrue(Double.isNaN(stats.validationAccuracy()));
        assertTrue(stats.validationLoss() > 0);
    }

    @Test
    void epochMeasuresAreMeansOverSamples() {
        // A model without parameters does not change while training, so the epoch's loss and accuracy must
        // equal those of the whole set, although the batches (2, 2, 1) differ in size.
        Dataset data = Dataset.binaryClassification(new float[][] {{0.3f}, {0.7f}, {-0.2f}, {0.6f}, {4f}},
                new int[] {0, 0, 0, 1, 1});
        IdentityModel model = new IdentityModel(1, 2, Loss.MSE, List.of());

        EpochStats stats = Trainer.of(model).optimizer(new Sgd(0.1f)).batchSize(2).epochs(1).fit(data).last();

        assertEquals(Evaluation.meanLoss(model, data), stats.loss(), 1e-6);
        assertEquals(Evaluation.accuracy(model, data), stats.accuracy());
        // outputs 0.3, 0.7, -0.2, 0.6, 4 thresholded at 0.5: predicted 0, 1, 0, 1, 1 for labels 0, 0, 0, 1, 1
        assertEquals(2 / 3.0, stats.train().precision(), 1e-15);
        assertEquals(1.0, stats.train().recall());
        assertEquals(0.8, stats.train().f1(), 1e-15);
        assertEquals(Evaluation.report(model, data).f1(), stats.train().f1());
    }

    @Test
    void aResumedRunStartsAfterItsInitialEpoch() {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32);
        model.initialize(1);

        History history = Trainer.of(model).optimizer(new Sgd(0.1f)).epochs(5).initialEpoch(3).fit(iris.train());

        assertEquals(List.of(4, 5), history.epochs().stream().map(EpochStats::epoch).toList());
        assertEquals(5, history.last().epochs());
    }

    @Test
    void anInitialEpochThatLeavesNothingToRunIsRejected() {
        Trainer trainer = Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32)).optimizer(new Sgd(0.1f))
                .epochs(4).initialEpoch(4);

        assertEquals("initialEpoch(4) leaves no epoch to run of 4; epochs(n) is the number of the last epoch, so give"
                + " more than 4", assertThrows(IllegalArgumentException.class, () -> trainer.fit(iris.train()))
                .getMessage());
    }

    @Test
    void aNegativeInitialEpochIsRejected() {
        assertEquals("initialEpoch = -1 must not be negative", assertThrows(IllegalArgumentException.class,
                () -> Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32)).initialEpoch(-1)).getMessage());
    }

    @Test
    void aDivergingRunStopsAtTheFirstNonFiniteLoss() {
        Dataset data = Dataset.regression(new float[][] {{1}, {2}, {3}, {4}}, new float[][] {{10}, {20}, {30}, {40}});
        Model model = TinyMlp.of(1, 4, 1, Loss.MSE, 4);
        model.initialize(3);
        Trainer trainer = Trainer.of(model).optimizer(new Sgd(1e30f)).batchSize(2).epochs(5);

        ArithmeticException e = assertThrows(ArithmeticException.class, () -> trainer.fit(data));

        assertEquals("Tiny: the loss became Infinity at epoch 1, step 2 of 2; training diverged: try a lower"
                + " learning rate than 1.0E30", e.getMessage());
    }

    @Test
    void aBatchLargerThanMaxBatchIsRejected() {
        Trainer trainer = Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.batchSize(33));

        assertEquals("Tiny: batch size 33 is outside [1, 32]; use a batch size of at most 32, or raise"
                + " @Network(maxBatch)", e.getMessage());
    }

    @Test
    void dataThatDoesNotFitTheModelIsRejected() {
        Trainer trainer = Trainer.of(TinyMlp.of(5, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32)).optimizer(new Sgd(0.1f));
        Trainer wrongOutputs = Trainer.of(TinyMlp.of(4, 3, 2, Loss.SOFTMAX_CROSS_ENTROPY, 32))
                .optimizer(new Sgd(0.1f));

        assertEquals("Tiny: the training data has 4 features per sample, but the network takes 5",
                assertThrows(IllegalArgumentException.class, () -> trainer.fit(iris.train())).getMessage());
        assertEquals("Tiny: the validation data has 3 target values per sample, but the network outputs 2",
                assertThrows(IllegalArgumentException.class,
                        () -> wrongOutputs.fit(Dataset.classification(new float[][] {{1, 2, 3, 4}}, new int[] {0}, 2),
                                iris.test())).getMessage());
    }

    @Test
    void anOptimizerIsRequired() {
        Trainer trainer = Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32));

        assertEquals("no optimizer: call optimizer(...), e.g. optimizer(new Adam(0.001f)), before fit",
                assertThrows(IllegalStateException.class, () -> trainer.fit(iris.train())).getMessage());
    }

    @Test
    void epochsMustBePositive() {
        Trainer trainer = Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32));

        assertEquals("epochs = 0 must be positive",
                assertThrows(IllegalArgumentException.class, () -> trainer.epochs(0)).getMessage());
    }

    /** Every measure of every epoch: a history without its wall times. */
    static List<List<Object>> measures(History history) {
        return history.epochs().stream()
                .map(stats -> List.<Object>of(stats.epoch(), stats.train(), stats.validation(), stats.learningRate()))
                .toList();
    }

    private static History run(long seed) {
        Model model = TinyMlp.of(4, 5, 3, Loss.SOFTMAX_CROSS_ENTROPY, 32);
        model.initialize(1);
        return Trainer.of(model).optimizer(new Sgd(0.05f, 0.9f)).batchSize(8).epochs(3).seed(seed).fit(iris.train());
    }
}
