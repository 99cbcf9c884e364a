package dev.kiln.runtime.tune;

import dev.kiln.runtime.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tries configurations drawn at random from a {@link SearchSpace}: for a few important hyper-parameters
 * among many, or continuous ones, it covers each dimension with more distinct values than a grid of the
 * same cost (Bergstra and Bengio, "Random search for hyper-parameter optimization", 2012).
 * <pre>{@code
 * SearchResult result = RandomSearch.over(space).trials(30).seed(42).run(objective);
 * }</pre>
 * <b>Draws.</b> One {@link Rng} seeded with {@link #seed} draws every configuration, trial after trial,
 * and within a trial one value per dimension in the space's order: a listed value uniformly among the
 * list, a range as its {@link Dimension} says. The same space and seed therefore give the same
 * configurations on every machine, and the first {@code n} configurations of a longer search are those
 * of a search of {@code n} trials. Draws are independent, so a small discrete space may give a
 * configuration twice; it is run twice.
 *
 * <p>Defaults: 10 trials, seed 0.
 */
public final class RandomSearch {

    private static final int DEFAULT_TRIALS = 10;

    private final SearchSpace space;
    private int trials = DEFAULT_TRIALS;
    private long seed;
    private Consumer<Trial> listener = trial -> { };
    private LongSupplier clock = System::nanoTime;

    private RandomSearch(SearchSpace space) {
        this.space = space;
    }

    /** A random search over {@code space}, with the defaults. */
    public static RandomSearch over(SearchSpace space) {
        return new RandomSearch(Objects.requireNonNull(space, "space"));
    }

    /**
     * The number of configurations to draw and try.
     *
     * @throws IllegalArgumentException if not positive
     */
    public RandomSearch trials(int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("trials = " + trials + " must be positive");
        }
        this.trials = trials;
        return this;
    }

    /** The seed of the draws. */
    public RandomSearch seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Tells {@code listener} of each trial as it ends, e.g. {@code listener(System.out::println)}; replaces
     * any listener given before.
     */
    public RandomSearch listener(Consumer<Trial> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Replaces the clock that times trials, in nanoseconds: for tests that need fixed times. */
    RandomSearch clock(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The configurations the search tries, in order. */
    public List<Configuration> configurations() {
        Rng rng = new Rng(seed);
        List<Dimension> dimensions = space.dimensions();
        List<Configuration> configurations = new ArrayList<>(trials);
        for (int trial = 0; trial < trials; trial++) {
            Object[] values = new Object[dimensions.size()];
            for (int d = 0; d < values.length; d++) {
                values[d] = dimensions.get(d).sample(rng);
            }
            configurations.add(Configuration.of(space.names(), values));
        }
        return configurations;
    }

    /**
     * Runs {@code objective} on each configuration drawn, in order. A trial that throws is recorded as
     * failed and the search goes on.
     */
    public SearchResult run(Objective objective) {
        return Trials.run("random search (seed " + seed + ")", space, configurations(), objective, listener, clock);
    }
}
