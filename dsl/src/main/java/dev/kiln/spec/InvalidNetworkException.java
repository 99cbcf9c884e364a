package dev.kiln.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown at run time when a {@link NetworkSpec} breaks one or more rules; lists every problem. */
public final class InvalidNetworkException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /** An exception whose message lists each problem's message, one per line. */
    public InvalidNetworkException(List<Problem> problems) {
        this(problems.stream().map(Problem::message).collect(Collectors.joining("\n")), problems);
    }

    /** An exception with its own message, e.g. one that also says where each problem was declared. */
    public InvalidNetworkException(String message, List<Problem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in declaration order. */
    public List<Problem> problems() {
        return problems;
    }
}
