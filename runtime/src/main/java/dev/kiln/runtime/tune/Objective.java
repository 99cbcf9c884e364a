package dev.kiln.runtime.tune;

import java.util.function.Function;

/**
 * What a search measures for each configuration, and which way is better: user code that builds a
 * network from the configuration, trains it and measures it on the development set.
 * <pre>{@code
 * Objective objective = Objective.maximize("dev_accuracy", config -> {
 *     Model model = Interpreter.of(spec(config), 42);
 *     Trainer.of(model).optimizer(new Adam(config.getFloat("learningRate"))).epochs(50).seed(42).fit(train, dev);
 *     return TrialResult.of(Evaluation.accuracy(model, dev)).with("dev_loss", Evaluation.meanLoss(model, dev));
 * });
 * }</pre>
 * An exception thrown by {@link #evaluate} fails that trial only: the search records its message and
 * goes on with the next configuration. {@link ClassificationObjective} is the common objective for
 * classifiers, ready made.
 */
public interface Objective {

    /** The score's name, the heading of its column, e.g. {@code dev_accuracy}. */
    String scoreName();

    /** Whether the best score is the highest or the lowest. */
    Direction direction();

    /**
     * Measures one configuration.
     *
     * @throws RuntimeException for a configuration that cannot be measured (an invalid network, a
     *     diverging training): the trial is recorded as failed with the exception
     */
    TrialResult evaluate(Configuration configuration);

    /**
     * An objective whose highest score is best, e.g. an accuracy.
     *
     * @param scoreName  the score's name, e.g. {@code dev_accuracy}
     * @param evaluation measures a configuration
     * @throws IllegalArgumentException if the score's name is blank
     */
    static Objective maximize(String scoreName, Function<Configuration, TrialResult> evaluation) {
        return new FunctionObjective(scoreName, Direction.MAXIMIZE, evaluation);
    }

    /**
     * An objective whose lowest score is best, e.g. a loss.
     *
     * @param scoreName  the score's name, e.g. {@code dev_loss}
     * @param evaluation measures a configuration
     * @throws IllegalArgumentException if the score's name is blank
     */
    static Objective minimize(String scoreName, Function<Configuration, TrialResult> evaluation) {
        return new FunctionObjective(scoreName, Direction.MINIMIZE, evaluation);
    }
}
