package dev.kiln.runtime.tune;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** Runs an objective on each configuration in turn, timing it and recording a failure instead of stopping. */
final class Trials {

    private Trials() {
    }

    /**
     * The trials of {@code configurations}, in order; {@code listener} is told of each as it ends.
     *
     * @param search     what the results' title calls the search, e.g. {@code grid search}
     * @param clock      nanoseconds, as {@link System#nanoTime()}
     */
    static SearchResult run(String search, SearchSpace space, List<Configuration> configurations,
                            Objective objective, Consumer<Trial> listener, LongSupplier clock) {
        Objects.requireNonNull(objective, "objective");
        List<Trial> trials = new ArrayList<>(configurations.size());
        for (Configuration configuration : configurations) {
            int number = trials.size() + 1;
            long start = clock.getAsLong();
            Trial trial;
            try {
                TrialResult result = objective.evaluate(configuration);
                if (result == null) {
                    throw new NullPointerException("the objective returned no result; return TrialResult.of(score),"
                            + " or throw an exception saying why the configuration cannot be measured");
                }
                checkNames(result, space, objective);
                trial = Trial.succeeded(number, configuration, result, Duration.ofNanos(clock.getAsLong() - start));
            } catch (RuntimeException e) {
                trial = Trial.failed(number, configuration, e, Duration.ofNanos(clock.getAsLong() - start));
            }
            trials.add(trial);
            listener.accept(trial);
        }
        return new SearchResult(search, space.names(), objective, trials);
    }

    /** A metric named like the score or a dimension would give the results two columns of one name. */
    private static void checkNames(TrialResult result, SearchSpace space, Objective objective) {
        for (String metric : result.metrics().keySet()) {
            if (metric.equals(objective.scoreName()) || space.names().contains(metric)) {
                throw new IllegalArgumentException("the objective reports a metric named \"" + metric + "\", which"
                        + " is the name of " + (metric.equals(objective.scoreName()) ? "its score" : "a dimension")
                        + "; give the metric a name of its own");
            }
        }
    }
}
