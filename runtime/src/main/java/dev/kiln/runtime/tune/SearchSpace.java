package dev.kiln.runtime.tune;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hyper-parameters a search varies: named {@link Dimension}s, in the order given, which is the order
 * of a {@link Configuration}'s values, of the grid (the last dimension varies fastest) and of the columns
 * of the results.
 * <pre>{@code
 * import static dev.kiln.runtime.tune.Dimension.*;
 *
 * SearchSpace space = SearchSpace.of(
 *         values("learningRate", 1e-1, 1e-2, 1e-3),
 *         values("hidden", 8, 16, 32));
 * }</pre>
 *
 * @param dimensions the dimensions, at least one, with distinct names
 */
public record SearchSpace(List<Dimension> dimensions) {

    /**
     * Checks the dimensions and copies the list.
     *
     * @throws IllegalArgumentException if there are none or two share a name
     */
    public SearchSpace {
        dimensions = List.copyOf(dimensions);
        if (dimensions.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one dimension, e.g."
                    + " SearchSpace.of(values(\"learningRate\", 0.1, 0.01))");
        }
        Set<String> names = new HashSet<>();
        for (Dimension dimension : dimensions) {
            if (!names.add(dimension.name())) {
                throw new IllegalArgumentException("the search space has two dimensions named \"" + dimension.name()
                        + "\"; give each hyper-parameter one dimension");
            }
        }
    }

    /**
     * The space of these dimensions, in this order.
     *
     * @throws IllegalArgumentException if there are none or two share a name
     */
    public static SearchSpace of(Dimension... dimensions) {
        return new SearchSpace(List.of(dimensions));
    }

    /** The dimensions' names, in order. */
    public List<String> names() {
        return dimensions.stream().map(Dimension::name).toList();
    }

    /** Whether every dimension can be enumerated by a grid: values, or ranges of ints. */
    public boolean isDiscrete() {
        return dimensions.stream().allMatch(Dimension::isDiscrete);
    }

    /** The dimensions as declared, one per line. */
    @Override
    public String toString() {
        return dimensions.stream().map(Objects::toString).collect(Collectors.joining("\n"));
    }
}
