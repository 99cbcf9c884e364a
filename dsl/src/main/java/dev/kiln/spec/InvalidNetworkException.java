package dev.kiln.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown at run time when a {@link NetworkSpec} breaks one or more rules; lists every problem. */
public final class InvalidNetworkException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public InvalidNetworkException(List<Problem> problems) {
        super(problems.stream().map(Problem::message).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in declaration order. */
    public List<Problem> problems() {
        return problems;
    }
}
