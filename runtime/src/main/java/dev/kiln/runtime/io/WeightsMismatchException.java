package dev.kiln.runtime.io;

import java.io.Serial;
import java.util.List;

/**
 * Weights that do not fit a model: tensors missing, unexpected, or of the wrong shape or dtype. It lists
 * every mismatch at once, one per line, and the model is left unchanged; {@link #problems()} gives them
 * as a list.
 */
public final class WeightsMismatchException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** One line per mismatch, e.g. {@code missing: hidden.bias, F32 [16]} (an array: it is serializable). */
    private final String[] problems;

    /** An exception whose message is {@code summary} followed by each problem on a line of its own. */
    public WeightsMismatchException(String summary, List<String> problems) {
        super(summary + "\n  " + String.join("\n  ", problems));
        this.problems = problems.toArray(String[]::new);
    }

    /** Every mismatch, in the model's parameter order, then the unexpected tensors in the file's order. */
    public List<String> problems() {
        return List.of(problems);
    }
}
