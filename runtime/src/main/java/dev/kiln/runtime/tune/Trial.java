package dev.kiln.runtime.tune;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration of a search and what came of it: a {@link TrialResult}, or the exception that failed
 * it.
 */
public final class Trial {

    private final int number;
    private final Configuration configuration;
    private final TrialResult result;
    private final RuntimeException failure;
    private final Duration time;

    private Trial(int number, Configuration configuration, TrialResult result, RuntimeException failure,
                  Duration time) {
        this.number = number;
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.result = result;
        this.failure = failure;
        this.time = Objects.requireNonNull(time, "time");
    }

    /** A trial that measured {@code result}. */
    static Trial succeeded(int number, Configuration configuration, TrialResult result, Duration time) {
        return new Trial(number, configuration, Objects.requireNonNull(result, "result"), null, time);
    }

    /** A trial that threw {@code failure}. */
    static Trial failed(int number, Configuration configuration, RuntimeException failure, Duration time) {
        return new Trial(number, configuration, null, Objects.requireNonNull(failure, "failure"), time);
    }

    /** The trial's place in the order the search ran them, from 1. */
    public int number() {
        return number;
    }

    /** The configuration measured. */
    public Configuration configuration() {
        return configuration;
    }

    /** Whether the objective returned a result. */
    public boolean succeeded() {
        return result != null;
    }

    /**
     * What the objective measured.
     *
     * @throws IllegalStateException if the trial failed, with its message
     */
    public TrialResult result() {
        if (result == null) {
            throw new IllegalStateException("trial " + number + " failed and has no result: " + failureMessage(),
                    failure);
        }
        return result;
    }

    /**
     * The score the search ranks by.
     *
     * @throws IllegalStateException if the trial failed, with its message
     */
    public double score() {
        return result().score();
    }

    /** The exception that failed the trial, with its stack trace; empty if it succeeded. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The failure in one line: the first line of the exception's message, or its class's name when it
     * has none; empty if the trial succeeded.
     */
    public String failureMessage() {
        if (failure == null) {
            return "";
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getName();
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** How long the objective ran for this configuration. */
    public Duration time() {
        return time;
    }

    /**
     * The trial in one line, e.g.
     * {@code trial 3: {learningRate=0.01, hidden=16} -> 0.9778 (dev_loss=0.0912) in 0.21 s}.
     */
    @Override
    public String toString() {
        String outcome = result != null
                ? "-> " + Cells.metric(result.score()) + metrics()
                : "failed: " + failureMessage();
        return "trial " + number + ": " + configuration + " " + outcome + " in " + Cells.seconds(time) + " s";
    }

    private String metrics() {
        if (result.metrics().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        result.metrics().forEach((name, value) -> {
            if (text.length() > 2) {
                text.append(", ");
            }
            text.append(name).append('=').append(Cells.metric(value));
        });
        return text.append(')').toString();
    }
}
