package dev.kiln.spec;

import java.util.Objects;

/**
 * One violated rule in a {@link NetworkSpec}.
 *
 * @param rule      which rule
 * @param layer     the index of the offending layer, or {@link #NETWORK} when the network as a whole is
 *                  at fault
 * @param attribute the attribute at fault ({@code "units"}, {@code "alpha"}, {@code "loss"}, ...), or
 *                  {@code null} when the whole layer or network is
 * @param message   the full message, from {@link Rule#format}
 */
public record Problem(Rule rule, int layer, String attribute, String message) {

    /** The {@link #layer()} of a problem with the network itself. */
    public static final int NETWORK = -1;

    public Problem {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return message;
    }
}
