package dev.kiln.runtime.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * What an {@link Objective} measured for one configuration: the score the search ranks by, measured on
 * the development (validation) set, and any other measures worth a column in the results.
 * <pre>{@code
 * return TrialResult.of(devAccuracy).with("dev_loss", devLoss).with("train_loss", trainLoss);
 * }</pre>
 *
 * @param score   the measure to rank by, e.g. the dev accuracy; not NaN
 * @param metrics further measures by name, in the order added; a value may be NaN (not measured)
 */
public record TrialResult(double score, SequencedMap<String, Double> metrics) {

    /**
     * Checks the score and the names, and copies the metrics.
     *
     * @throws IllegalArgumentException if the score is NaN, or a metric's name is blank or its value null
     */
    public TrialResult {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("the score is NaN, which cannot be ranked; if the measure is"
                    + " undefined for this configuration, throw an exception saying why: the trial is then"
                    + " recorded as failed");
        }
        SequencedMap<String, Double> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a metric's name must not be blank, e.g. \"train_loss\"");
            }
            copy.put(name, Objects.requireNonNull(value, () -> "metric \"" + name + "\" has no value"));
        });
        metrics = Collections.unmodifiableSequencedMap(copy);
    }

    /** A result with this score and no other measures. */
    public static TrialResult of(double score) {
        return new TrialResult(score, new LinkedHashMap<>());
    }

    /**
     * This result with one more measure, after the others.
     *
     * @throws IllegalArgumentException if the name is blank or already used
     */
    public TrialResult with(String name, double value) {
        Objects.requireNonNull(name, "name");
        if (metrics.containsKey(name)) {
            throw new IllegalArgumentException("metric \"" + name + "\" is given twice; give each measure once");
        }
        SequencedMap<String, Double> more = new LinkedHashMap<>(metrics);
        more.put(name, value);
        return new TrialResult(score, more);
    }

    /**
     * The measure named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, naming those there are
     */
    public double metric(String name) {
        Double value = metrics.get(name);
        if (value == null) {
            String closest = Names.closest(name, metrics.keySet());
            throw new IllegalArgumentException("no metric named \"" + name + "\"; this result has "
                    + (metrics.isEmpty() ? "none besides the score" : String.join(", ", metrics.keySet()))
                    + (closest == null ? "" : ". Did you mean \"" + closest + "\"?"));
        }
        return value;
    }
}
