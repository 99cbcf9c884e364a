package dev.kiln.runtime.tune;

import java.util.Objects;
import java.util.function.Function;

/** An objective from a function, made by {@link Objective#maximize} and {@link Objective#minimize}. */
record FunctionObjective(String scoreName, Direction direction, Function<Configuration, TrialResult> evaluation)
        implements Objective {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if the score's name is blank
     */
    FunctionObjective {
        Objects.requireNonNull(scoreName, "scoreName");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(evaluation, "evaluation");
        if (scoreName.isBlank()) {
            throw new IllegalArgumentException("the score's name must not be blank, e.g. \"dev_accuracy\"");
        }
    }

    /** Applies the function. */
    @Override
    public TrialResult evaluate(Configuration configuration) {
        return evaluation.apply(configuration);
    }
}
