package dev.kiln.samples.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

/**
 * Writes the runner's results as JSON: maps (their keys in insertion order), lists, strings, numbers,
 * booleans and null, indented by two spaces. Doubles keep six significant digits; NaN and infinities,
 * which JSON cannot hold, become null.
 */
final class Json {

    private static final MathContext SIGNIFICANT = new MathContext(6);

    private Json() {
    }

    /** JSON text written as it is, indented to its place: a document another runner wrote. */
    record Raw(String text) {
    }

    /** {@code value} as an indented JSON document. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String text -> string(text, out);
            case Boolean bool -> out.append(bool);
            case Double number -> number(number, out);
            case Float number -> number(number.doubleValue(), out);
            case Number number -> out.append(number.longValue());
            case Map<?, ?> map -> object(map, out, depth);
            case List<?> list -> array(list, out, depth);
            case Raw raw -> out.append(raw.text().replace("\n", "\n" + "  ".repeat(depth)));
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void number(double value, StringBuilder out) {
        if (!Double.isFinite(value)) {
            out.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros();
            double magnitude = Math.abs(value);
            // plain digits for everyday magnitudes, an exponent (valid JSON: 5.86475E-7) for tiny ones
            out.append(magnitude >= 1e-4 ? rounded.toPlainString() : rounded.toString());
        }
    }

    private static void object(Map<?, ?> map, StringBuilder out, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            out.append(first ? "\n" : ",\n");
            first = false;
            indent(out, depth + 1);
            string(String.valueOf(entry.getKey()), out);
            out.append(": ");
            write(entry.getValue(), out, depth + 1);
        }
        out.append('\n');
        indent(out, depth);
        out.append('}');
    }

    private static void array(List<?> list, StringBuilder out, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        boolean flat = list.stream()
                .noneMatch(item -> item instanceof Map<?, ?> || item instanceof List<?> || item instanceof Raw);
        out.append('[');
        for (int j = 0; j < list.size(); j++) {
            if (flat) {
                out.append(j == 0 ? "" : ", ");
            } else {
                out.append(j == 0 ? "\n" : ",\n");
                indent(out, depth + 1);
            }
            write(list.get(j), out, depth + 1);
        }
        if (!flat) {
            out.append('\n');
            indent(out, depth);
        }
        out.append(']');
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int j = 0; j < text.length(); j++) {
            char c = text.charAt(j);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("  ".repeat(depth));
    }
}
