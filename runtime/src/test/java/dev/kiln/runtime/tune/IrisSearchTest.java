package dev.kiln.runtime.tune;

import static dev.kiln.runtime.tune.Dimension.intRange;
import static dev.kiln.runtime.tune.Dimension.logUniform;
import static dev.kiln.runtime.tune.Dimension.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.data.Csv;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.data.Standardizer;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.regularize.Regularizers;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Activation;
import dev.kiln.spec.InvalidNetworkException;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real searches on Iris (70 % to train on, 30 % as the development set, standardized, seed 42): networks
 * built by the fluent builder from each configuration, run by the interpreter and trained by the trainer.
 */
class IrisSearchTest {

    private static Dataset train;
    private static Dataset dev;

    /** One hidden layer whose width and activation the configuration gives; {@code hidden = 0} is invalid. */
    private static final Function<Configuration, NetworkSpec> NETWORK = config -> Kiln.network("Iris").input(4)
            .dense(config.getInt("hidden")).named("hidden").activation(config.get("activation", Activation.class))
            .dense(3).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();

    private static final Configuration ONE = Configuration.of(Map.of("hidden", 8));

    @BeforeAll
    static void loadIris() throws IOException {
        try (InputStream in = IrisSearchTest.class.getResourceAsStream("/iris.csv")) {
            Split split = Csv.readClassification(in, "iris.csv").split(0.7, 42);
            Standardizer standardizer = Standardizer.fit(split.train());
            train = standardizer.apply(split.train());
            dev = standardizer.apply(split.test());
        }
    }

    @Test
    void theRegularizerAConfigurationGivesIsTrainedWith() {
        SearchSpace space = SearchSpace.of(values("l2", 0.0, 1.0), values("hidden", 8),
                values("activation", Activation.TANH));
        ClassificationObjective objective = ClassificationObjective.of(NETWORK, config -> new Adam(0.01f), train, dev)
                .regularizer(config -> Regularizers.l2(config.getDouble("l2")))
                .batchSize(16)
                .epochs(20)
                .seed(42);

        SearchResult result = GridSearch.over(space).run(objective);

        double free = result.trials().get(0).result().metric(ClassificationObjective.TRAIN_LOSS);
        double strong = result.trials().get(1).result().metric(ClassificationObjective.TRAIN_LOSS);
        assertTrue(strong > 2 * free, "a strong L2 penalty holds the weights back: train loss " + strong
                + " against " + free + " without it");
    }

    @Test
    void aGridFindsAGoodConfigurationAndRecordsInvalidNetworks() {
        SearchSpace space = SearchSpace.of(
                values("learningRate", 1e-1, 1e-2, 1e-4),
                values("hidden", 0, 8),
                values("activation", Activation.RELU, Activation.TANH));
        ClassificationObjective objective = ClassificationObjective.of(NETWORK,
                        config -> new Adam(config.getFloat("learningRate")), train, dev)
                .batchSize(16)
                .epochs(20)
                .seed(42);

        SearchResult result = GridSearch.over(space).run(objective);

        assertEquals(12, result.trials().size());
        assertEquals(6, result.failures().size());
        for (Trial failed : result.failures()) {
            assertEquals(0, failed.configuration().getInt("hidden"));
            assertInstanceOf(InvalidNetworkException.class, failed.failure().orElseThrow());
            assertTrue(failed.failureMessage().startsWith("[Kiln/Units] Iris.hidden: Dense units must be positive,"
                    + " got 0"), failed.failureMessage());
        }
        Trial best = result.best();
        assertTrue(best.score() >= 0.9, result.toString());
        assertEquals(List.of("dev_loss", "train_loss", "train_accuracy"),
                List.copyOf(best.result().metrics().keySet()));
        // a learning rate of 1e-4 barely moves the weights in 20 epochs: it must rank below the others
        Trial slowest = result.ranked().get(5);
        assertEquals(1e-4, slowest.configuration().getDouble("learningRate"), result.toString());
        assertTrue(slowest.result().metric("train_loss") > best.result().metric("train_loss"), result.toString());

        // the objective is deterministic: the winner, trained again by hand, scores the same
        Configuration winner = best.configuration();
        var model = Interpreter.of(NETWORK.apply(winner), 42);
        Trainer.of(model).optimizer(new Adam(winner.getFloat("learningRate"))).batchSize(16).epochs(20).seed(42)
                .fit(train, dev);
        assertEquals(best.score(), Evaluation.accuracy(model, dev));
        assertEquals(best.result().metric("dev_loss"), Evaluation.meanLoss(model, dev));
        assertEquals(best.result().metric("train_loss"), Evaluation.meanLoss(model, train));
    }

    @Test
    void aRandomSearchRankedByDevLossFindsAGoodConfiguration() {
        SearchSpace space = SearchSpace.of(
                logUniform("learningRate", 1e-3, 1e-1),
                intRange("hidden", 4, 16),
                values("batchSize", 8, 16, 32));
        ClassificationObjective objective = ClassificationObjective.of(
                        config -> Kiln.input(4).dense(config.getInt("hidden")).relu().dense(3)
                                .loss(Loss.SOFTMAX_CROSS_ENTROPY).build(),
                        config -> new Adam(config.getFloat("learningRate")), train, dev)
                .batchSize(config -> config.getInt("batchSize"))
                .epochs(20)
                .seed(7)
                .rankByDevLoss();

        SearchResult result = RandomSearch.over(space).trials(6).seed(42).run(objective);

        assertEquals("dev_loss", result.scoreName());
        assertEquals(Direction.MINIMIZE, result.direction());
        assertTrue(result.failures().isEmpty(), result.toString());
        Trial best = result.best();
        assertTrue(best.result().metric("dev_accuracy") >= 0.9, result.toString());
        for (Trial trial : result.trials()) {
            assertTrue(best.score() <= trial.score(), result.toString());
        }
        // the same seeds give the same configurations and the same scores
        SearchResult again = RandomSearch.over(space).trials(6).seed(42).run(objective);
        assertEquals(result.trials().stream().map(Trial::configuration).toList(),
                again.trials().stream().map(Trial::configuration).toList());
        assertEquals(result.trials().stream().map(Trial::result).toList(),
                again.trials().stream().map(Trial::result).toList());
    }

    @Test
    void theObjectiveNeedsClassLabels() {
        Dataset regression = Dataset.regression(new float[][] {{1, 2, 3, 4}}, new float[][] {{1, 0, 0}});

        assertEquals("the development data Dataset[1 samples, 4 features, 3 targets] has no class labels, which a"
                        + " classification objective needs for its accuracy; for regression write an objective of your"
                        + " own, e.g. Objective.minimize(\"dev_loss\", config -> ...Evaluation.meanLoss(model, dev)...)",
                assertThrows(IllegalArgumentException.class,
                        () -> ClassificationObjective.of(NETWORK, config -> new Adam(), train, regression))
                        .getMessage());
    }

    @Test
    void aSpecFactoryThatReturnsNothingIsNamed() {
        ClassificationObjective objective = ClassificationObjective.of(config -> null, config -> new Adam(), train, dev);

        assertEquals("the spec factory returned null; return the network, e.g. Kiln.input(4)...build()",
                assertThrows(NullPointerException.class, () -> objective.evaluate(ONE)).getMessage());
    }

    @Test
    void anOptimizerFactoryThatReturnsNothingIsNamed() {
        ClassificationObjective objective = ClassificationObjective.of(
                config -> Kiln.input(4).dense(3).loss(Loss.SOFTMAX_CROSS_ENTROPY).build(), config -> null, train, dev);

        assertEquals("the optimizer factory returned null; return a new optimizer, e.g. new Adam(0.01f)",
                assertThrows(NullPointerException.class, () -> objective.evaluate(ONE)).getMessage());
    }

    @Test
    void aBatchLargerThanTheNetworkTakesFailsItsTrial() {
        ClassificationObjective objective = ClassificationObjective.of(
                        config -> Kiln.input(4).dense(3).loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(8).build(),
                        config -> new Adam(), train, dev)
                .batchSize(config -> config.getInt("batchSize"))
                .epochs(1);

        SearchResult result = GridSearch.over(SearchSpace.of(values("batchSize", 8, 16))).run(objective);

        assertTrue(result.trials().get(0).succeeded());
        assertFalse(result.trials().get(1).succeeded());
        assertTrue(result.trials().get(1).failureMessage().contains("batch size 16 is outside [1, 8]"),
                result.trials().get(1).failureMessage());
        assertEquals("epochs = 0 must be positive", assertThrows(IllegalArgumentException.class,
                () -> objective.epochs(0)).getMessage());
    }
}
