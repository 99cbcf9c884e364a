package dev.kiln.runtime.tune;

import dev.kiln.runtime.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One named hyper-parameter of a {@link SearchSpace} and the values it may take: a list of values, which
 * both searches use, or a range, which {@link RandomSearch} samples and {@link GridSearch} enumerates only
 * when it is a range of ints.
 * <pre>{@code
 * values("learningRate", 1e-1, 1e-2, 1e-3)        // doubles: read with getDouble or getFloat
 * values("hidden", 8, 16, 32)                      // ints: getInt
 * values("activation", Activation.RELU, Activation.TANH)   // get("activation", Activation.class)
 * logUniform("weightDecay", 1e-5, 1e-2)            // random search: uniform in log space
 * intRange("batchSize", 8, 64)                     // every int from 8 to 64, both included
 * }</pre>
 * Each factory checks its arguments and names the dimension in its message.
 */
public abstract sealed class Dimension {

    private final String name;

    private Dimension(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a dimension's name must not be blank; name it after the"
                    + " hyper-parameter, e.g. \"learningRate\"");
        }
        this.name = name;
    }

    /** The dimension's name, by which a {@link Configuration} gives its value. */
    public final String name() {
        return name;
    }

    /** Whether {@link GridSearch} can enumerate the dimension: values, or a range of ints. */
    public abstract boolean isDiscrete();

    /** The dimension as it was declared, e.g. {@code logUniform("weightDecay", 1.0E-5, 0.01)}. */
    @Override
    public abstract String toString();

    /** The number of values a grid takes from this dimension (only for a discrete one). */
    abstract long size();

    /** The {@code index}th value of the grid, {@code index} in {@code [0, size())} (only for a discrete one). */
    abstract Object valueAt(long index);

    /** A value drawn from {@code rng}. */
    abstract Object sample(Rng rng);

    // ------------------------------------------------------------------ factories

    /**
     * Doubles, e.g. learning rates; a configuration gives them to {@link Configuration#getDouble} and
     * {@link Configuration#getFloat}.
     *
     * @throws IllegalArgumentException if there are no values, one is NaN or one is listed twice
     */
    public static Dimension values(String name, double... values) {
        Object[] boxed = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Listed(name, boxed);
    }

    /**
     * Floats; a configuration gives them to {@link Configuration#getFloat} and, widened exactly,
     * {@link Configuration#getDouble}.
     *
     * @throws IllegalArgumentException if there are no values, one is NaN or one is listed twice
     */
    public static Dimension values(String name, float... values) {
        Object[] boxed = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Listed(name, boxed);
    }

    /**
     * Ints, e.g. layer widths or batch sizes; a configuration gives them to {@link Configuration#getInt}.
     *
     * @throws IllegalArgumentException if there are no values or one is listed twice
     */
    public static Dimension values(String name, int... values) {
        return new Listed(name, Arrays.stream(values).boxed().toArray());
    }

    /**
     * Booleans, e.g. whether a layer has a bias; a configuration gives them to
     * {@link Configuration#getBoolean}.
     *
     * @throws IllegalArgumentException if there are no values or one is listed twice
     */
    public static Dimension values(String name, boolean... values) {
        Object[] boxed = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Listed(name, boxed);
    }

    /**
     * Strings; a configuration gives them to {@code get(name, String.class)}.
     *
     * @throws IllegalArgumentException if there are no values, one is null or one is listed twice
     */
    public static Dimension values(String name, String... values) {
        return new Listed(name, values.clone());
    }

    /**
     * Enum constants, e.g. activations; a configuration gives them to {@code get(name, Activation.class)}.
     *
     * @throws IllegalArgumentException if there are no values, one is null or one is listed twice
     */
    @SafeVarargs
    public static <E extends Enum<E>> Dimension values(String name, E... values) {
        Object[] copy = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i];
        }
        return new Listed(name, copy);
    }

    /**
     * Any objects, e.g. optimizer factories; a configuration gives them to {@code get(name, Type.class)}.
     * The table of results shows each by its {@code toString()}.
     *
     * @throws IllegalArgumentException if there are no values, one is null or two are equal
     */
    public static Dimension values(String name, List<?> values) {
        return new Listed(name, values.toArray());
    }

    /**
     * Doubles drawn uniformly from {@code [low, high)}; for random search only.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code low >= high}
     */
    public static Dimension uniform(String name, double low, double high) {
        return new Uniform(name, low, high);
    }

    /**
     * Doubles in {@code [low, high)} whose logarithm is uniform, for scales such as learning rates and
     * regularization strengths: each decade of the range is drawn as often. For random search only.
     *
     * @throws IllegalArgumentException if a bound is not positive and finite, or {@code low >= high}
     */
    public static Dimension logUniform(String name, double low, double high) {
        return new LogUniform(name, low, high);
    }

    /**
     * Every int from {@code low} to {@code high}, both included, each drawn equally often by random search
     * and all enumerated, in increasing order, by grid search.
     *
     * @throws IllegalArgumentException if {@code low > high}
     */
    public static Dimension intRange(String name, int low, int high) {
        return new IntRange(name, low, high);
    }

    // ------------------------------------------------------------------ kinds

    /** A list of values. */
    private static final class Listed extends Dimension {

        private final List<Object> values;

        Listed(String name, Object[] values) {
            super(name);
            if (values.length == 0) {
                throw new IllegalArgumentException("dimension \"" + name + "\" has no values; list at least one,"
                        + " e.g. values(\"" + name + "\", 0.1, 0.01)");
            }
            List<Object> checked = new ArrayList<>(values.length);
            for (Object value : values) {
                if (value == null) {
                    throw new IllegalArgumentException("dimension \"" + name + "\" lists null at position "
                            + checked.size() + "; every value must be present");
                }
                if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
                    throw new IllegalArgumentException("dimension \"" + name + "\" lists NaN at position "
                            + checked.size() + "; every value must be a number");
                }
                if (checked.contains(value)) {
                    throw new IllegalArgumentException("dimension \"" + name + "\" lists " + value + " twice;"
                            + " list each value once, or the search runs it twice");
                }
                checked.add(value);
            }
            this.values = List.copyOf(checked);
        }

        @Override
        public boolean isDiscrete() {
            return true;
        }

        @Override
        long size() {
            return values.size();
        }

        @Override
        Object valueAt(long index) {
            return values.get((int) index);
        }

        @Override
        Object sample(Rng rng) {
            return values.get(rng.nextInt(values.size()));
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("values(\"").append(name()).append('"');
            for (Object value : values) {
                text.append(", ").append(value);
            }
            return text.append(')').toString();
        }
    }

    /** A range of doubles, which random search samples and a grid cannot enumerate. */
    abstract static sealed class Continuous extends Dimension {

        private Continuous(String name) {
            super(name);
        }

        @Override
        public boolean isDiscrete() {
            return false;
        }

        @Override
        long size() {
            throw new UnsupportedOperationException(toString());
        }

        @Override
        Object valueAt(long index) {
            throw new UnsupportedOperationException(toString());
        }

        @Override
        Object sample(Rng rng) {
            return at(rng.nextDouble());
        }

        /** The value at {@code unit} in {@code [0, 1)}. */
        abstract double at(double unit);
    }

    /** Uniform doubles. */
    static final class Uniform extends Continuous {

        private final double low;
        private final double high;

        Uniform(String name, double low, double high) {
            super(name);
            if (!Double.isFinite(low) || !Double.isFinite(high) || !(low < high)
                    || !Double.isFinite(high - low)) {
                throw new IllegalArgumentException("uniform(\"" + name + "\", " + low + ", " + high + "): the"
                        + " bounds must be finite, with low < high");
            }
            this.low = low;
            this.high = high;
        }

        /** The value at {@code unit} in {@code [0, 1)}, rounding kept inside {@code [low, high)}. */
        @Override
        double at(double unit) {
            return below(high, Math.max(low, low + unit * (high - low)));
        }

        @Override
        public String toString() {
            return "uniform(\"" + name() + "\", " + low + ", " + high + ")";
        }
    }

    /** Doubles uniform in log space. */
    static final class LogUniform extends Continuous {

        private final double low;
        private final double high;
        private final double logLow;
        private final double logHigh;

        LogUniform(String name, double low, double high) {
            super(name);
            if (!(low > 0) || !(high > 0) || !Double.isFinite(low) || !Double.isFinite(high) || !(low < high)) {
                throw new IllegalArgumentException("logUniform(\"" + name + "\", " + low + ", " + high + "): the"
                        + " bounds must be positive and finite, with low < high; for a range that includes 0"
                        + " use uniform(...)");
            }
            this.low = low;
            this.high = high;
            this.logLow = Math.log(low);
            this.logHigh = Math.log(high);
        }

        /** The value at {@code unit} in {@code [0, 1)}; exp and log round, so it is kept inside {@code [low, high)}. */
        @Override
        double at(double unit) {
            return below(high, Math.max(low, Math.exp(logLow + unit * (logHigh - logLow))));
        }

        @Override
        public String toString() {
            return "logUniform(\"" + name() + "\", " + low + ", " + high + ")";
        }
    }

    /** Ints from low to high, both included. */
    private static final class IntRange extends Dimension {

        private final int low;
        private final int high;

        IntRange(String name, int low, int high) {
            super(name);
            if (low > high) {
                throw new IllegalArgumentException("intRange(\"" + name + "\", " + low + ", " + high + "): low must"
                        + " not exceed high (both are included)");
            }
            this.low = low;
            this.high = high;
        }

        @Override
        public boolean isDiscrete() {
            return true;
        }

        @Override
        long size() {
            return (long) high - low + 1;
        }

        @Override
        Object valueAt(long index) {
            return (int) (low + index);
        }

        @Override
        Object sample(Rng rng) {
            long span = size();
            // 63 random bits, rejecting the last incomplete run of `span` values, as Rng.nextInt does
            long bits = rng.nextLong() >>> 1;
            long offset = bits % span;
            while (bits - offset + (span - 1) < 0) {
                bits = rng.nextLong() >>> 1;
                offset = bits % span;
            }
            return (int) (low + offset);
        }

        @Override
        public String toString() {
            return "intRange(\"" + name() + "\", " + low + ", " + high + ")";
        }
    }

    /** {@code value}, or the largest double below {@code high} where rounding reached it. */
    private static double below(double high, double value) {
        return value < high ? value : Math.nextDown(high);
    }
}
