package dev.kiln.runtime.tune;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One point of a {@link SearchSpace}: a value for each dimension, by name, in the space's order.
 * <pre>{@code
 * float learningRate = config.getFloat("learningRate");
 * int hidden = config.getInt("hidden");
 * Activation activation = config.get("activation", Activation.class);
 * }</pre>
 * Values keep the type they were declared with. The typed getters read them as Java's own conversions
 * would, and refuse the rest:
 * <ul>
 *   <li>{@link #getInt} reads ints;</li>
 *   <li>{@link #getDouble} reads doubles, and floats and ints, which it widens exactly;</li>
 *   <li>{@link #getFloat} reads floats, doubles rounded to the nearest float (as {@code (float)} does:
 *       a learning rate declared as {@code 1e-2} gives {@code 0.01f}), and ints;</li>
 *   <li>{@link #getBoolean} reads booleans;</li>
 *   <li>{@link #get(String, Class)} reads any value that is an instance of the class.</li>
 * </ul>
 * A name that is not a dimension, or a value the getter cannot read, is an
 * {@link IllegalArgumentException} that names the dimension and says what to write instead.
 */
public final class Configuration {

    private final SequencedMap<String, Object> values;

    private Configuration(SequencedMap<String, Object> values) {
        this.values = values;
    }

    /**
     * A configuration with these values, in the map's iteration order: for running an objective on a
     * configuration of one's own.
     *
     * @throws IllegalArgumentException if a name is blank or a value is null
     */
    public static Configuration of(Map<String, ?> values) {
        SequencedMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a configuration's names must not be blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("dimension \"" + name + "\" has no value; every dimension needs"
                        + " one");
            }
            copy.put(name, value);
        });
        return new Configuration(Collections.unmodifiableSequencedMap(copy));
    }

    /** The configuration with {@code values[i]} for {@code names.get(i)}, as the searches build it. */
    static Configuration of(List<String> names, Object[] values) {
        SequencedMap<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(names.get(i), values[i]);
        }
        return new Configuration(Collections.unmodifiableSequencedMap(map));
    }

    /** The dimensions' names, in order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** Every value by name, in order (unmodifiable). */
    public SequencedMap<String, Object> asMap() {
        return values;
    }

    /**
     * The value of dimension {@code name}, as declared.
     *
     * @throws IllegalArgumentException if there is no such dimension, naming those there are
     */
    public Object get(String name) {
        Object value = values.get(Objects.requireNonNull(name, "name"));
        if (value == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        return value;
    }

    /**
     * The value of dimension {@code name}, which must be an instance of {@code type} (for a primitive
     * type, of its wrapper): for enums, strings and other objects.
     *
     * @throws IllegalArgumentException if there is no such dimension, or its value is of another type
     */
    public <T> T get(String name, Class<T> type) {
        Object value = get(name);
        @SuppressWarnings("unchecked")
        Class<T> wrapper = (Class<T>) MethodType.methodType(type).wrap().returnType();
        if (!wrapper.isInstance(value)) {
            throw new IllegalArgumentException(mismatch(name, value, "get(\"" + name + "\", "
                    + type.getSimpleName() + ".class)"));
        }
        return wrapper.cast(value);
    }

    /**
     * The int value of dimension {@code name}.
     *
     * @throws IllegalArgumentException if there is no such dimension, or its value is not an int
     */
    public int getInt(String name) {
        Object value = get(name);
        if (value instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException(mismatch(name, value, "getInt"));
    }

    /**
     * The value of dimension {@code name} as a double: a double, or a float or an int widened exactly.
     *
     * @throws IllegalArgumentException if there is no such dimension, or its value is not one of those
     */
    public double getDouble(String name) {
        Object value = get(name);
        return switch (value) {
            case Double d -> d;
            case Float f -> f;
            case Integer i -> i;
            default -> throw new IllegalArgumentException(mismatch(name, value, "getDouble"));
        };
    }

    /**
     * The value of dimension {@code name} as a float: a float, a double rounded to the nearest float, or an
     * int converted as Java converts it.
     *
     * @throws IllegalArgumentException if there is no such dimension, or its value is not one of those
     */
    public float getFloat(String name) {
        Object value = get(name);
        return switch (value) {
            case Float f -> f;
            case Double d -> d.floatValue();
            case Integer i -> i;
            default -> throw new IllegalArgumentException(mismatch(name, value, "getFloat"));
        };
    }

    /**
     * The boolean value of dimension {@code name}.
     *
     * @throws IllegalArgumentException if there is no such dimension, or its value is not a boolean
     */
    public boolean getBoolean(String name) {
        Object value = get(name);
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(mismatch(name, value, "getBoolean"));
    }

    /** The values by name, e.g. {@code {learningRate=0.01, hidden=16}}. */
    @Override
    public String toString() {
        return values.toString();
    }

    /** Equal when the names, their order and the values are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Configuration that && new ArrayList<>(values.entrySet())
                .equals(new ArrayList<>(that.values.entrySet()));
    }

    /** The hash of the values by name, consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return values.hashCode();
    }

    private String unknown(String name) {
        StringBuilder message = new StringBuilder("no dimension named \"").append(name)
                .append("\"; the configuration has ").append(String.join(", ", values.keySet()));
        String closest = Names.closest(name, values.keySet());
        if (closest != null) {
            message.append(". Did you mean \"").append(closest).append("\"?");
        }
        return message.toString();
    }

    private static String mismatch(String name, Object value, String getter) {
        return "dimension \"" + name + "\" holds " + value + " (" + describe(value) + "), which " + getter
                + " cannot read; use " + accessor(name, value);
    }

    /** What a value is, in words: {@code a double}, {@code an Activation}. */
    private static String describe(Object value) {
        String type = switch (value) {
            case Integer ignored -> "int";
            case Double ignored -> "double";
            case Float ignored -> "float";
            case Boolean ignored -> "boolean";
            default -> simpleName(value);
        };
        return ("aeiouAEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    /** The call that reads {@code value}. */
    private static String accessor(String name, Object value) {
        String quoted = "\"" + name + "\"";
        return switch (value) {
            case Integer ignored -> "getInt(" + quoted + ")";
            case Double ignored -> "getDouble(" + quoted + ") or getFloat(" + quoted + ")";
            case Float ignored -> "getFloat(" + quoted + ") or getDouble(" + quoted + ")";
            case Boolean ignored -> "getBoolean(" + quoted + ")";
            default -> "get(" + quoted + ", " + simpleName(value) + ".class)";
        };
    }

    /** The class's name as code would write it; an enum constant with a body names its enum. */
    private static String simpleName(Object value) {
        Class<?> type = value instanceof Enum<?> e ? e.getDeclaringClass() : value.getClass();
        return type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
    }
}
