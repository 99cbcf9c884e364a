package dev.kiln.runtime.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Tries every combination of a {@link SearchSpace}'s values.
 * <pre>{@code
 * SearchResult result = GridSearch.over(space).run(objective);
 * }</pre>
 * <b>Order.</b> Combinations run as nested loops over the dimensions in the space's order, the first
 * outermost and the last varying fastest: {@code values("a", 1, 2), values("b", 10, 20, 30)} runs
 * {@code (1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)}. A range of ints gives its values in
 * increasing order. Continuous ranges cannot be enumerated: use {@link RandomSearch} for them.
 *
 * <p><b>Size.</b> A grid has the product of its dimensions' sizes, and every combination trains a network.
 * A grid of more than {@link #DEFAULT_MAX_TRIALS} combinations is refused unless {@link #maxTrials}
 * allows it.
 */
public final class GridSearch {

    /** The largest grid run without {@link #maxTrials}: 10,000 combinations. */
    public static final int DEFAULT_MAX_TRIALS = 10_000;

    private final SearchSpace space;
    private int maxTrials = DEFAULT_MAX_TRIALS;
    private Consumer<Trial> listener = trial -> { };
    private LongSupplier clock = System::nanoTime;

    private GridSearch(SearchSpace space) {
        this.space = space;
    }

    /**
     * A grid over {@code space}.
     *
     * @throws IllegalArgumentException if a dimension is a continuous range, naming it
     */
    public static GridSearch over(SearchSpace space) {
        Objects.requireNonNull(space, "space");
        for (Dimension dimension : space.dimensions()) {
            if (!dimension.isDiscrete()) {
                throw new IllegalArgumentException("grid search cannot enumerate " + dimension + ", a continuous"
                        + " range; list the values to try with values(\"" + dimension.name() + "\", ...), or"
                        + " sample the range with RandomSearch.over(space)");
            }
        }
        return new GridSearch(space);
    }

    /**
     * The largest number of combinations this search accepts ({@link #DEFAULT_MAX_TRIALS} unless set).
     *
     * @throws IllegalArgumentException if not positive
     */
    public GridSearch maxTrials(int maxTrials) {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("maxTrials = " + maxTrials + " must be positive");
        }
        this.maxTrials = maxTrials;
        return this;
    }

    /**
     * Tells {@code listener} of each trial as it ends, e.g. {@code listener(System.out::println)} to follow
     * a long search; replaces any listener given before.
     */
    public GridSearch listener(Consumer<Trial> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Replaces the clock that times trials, in nanoseconds: for tests that need fixed times. */
    GridSearch clock(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The number of combinations: the product of the dimensions' sizes, or {@link Long#MAX_VALUE} if larger. */
    public long size() {
        long size = 1;
        for (Dimension dimension : space.dimensions()) {
            long dimensionSize = dimension.size();
            size = size > Long.MAX_VALUE / dimensionSize ? Long.MAX_VALUE : size * dimensionSize;
        }
        return size;
    }

    /**
     * Every combination, in the grid's order.
     *
     * @throws IllegalArgumentException if there are more than {@link #maxTrials} of them
     */
    public List<Configuration> configurations() {
        long size = size();
        if (size > maxTrials) {
            String sizes = space.dimensions().stream()
                    .map(dimension -> dimension.size() + " " + dimension.name())
                    .collect(Collectors.joining(" x "));
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the grid has %s combinations (%s), more"
                    + " than the limit of %,d, and each trains a network; take fewer values, sample the space with"
                    + " RandomSearch.over(space).trials(n), or raise the limit with maxTrials(n)",
                    String.format(Locale.ROOT, size == Long.MAX_VALUE ? "at least %,d" : "%,d", size),
                    sizes, maxTrials));
        }
        List<Dimension> dimensions = space.dimensions();
        List<Configuration> configurations = new ArrayList<>((int) size);
        long[] index = new long[dimensions.size()];
        for (long n = 0; n < size; n++) {
            Object[] values = new Object[dimensions.size()];
            for (int d = 0; d < values.length; d++) {
                values[d] = dimensions.get(d).valueAt(index[d]);
            }
            configurations.add(Configuration.of(space.names(), values));
            // advance like an odometer: the last dimension fastest
            for (int d = index.length - 1; d >= 0; d--) {
                if (++index[d] < dimensions.get(d).size()) {
                    break;
                }
                index[d] = 0;
            }
        }
        return configurations;
    }

    /**
     * Runs {@code objective} on every combination, in order. A trial that throws is recorded as failed
     * and the search goes on.
     *
     * @throws IllegalArgumentException if the grid is larger than {@link #maxTrials}
     */
    public SearchResult run(Objective objective) {
        return Trials.run("grid search", space, configurations(), objective, listener, clock);
    }
}
