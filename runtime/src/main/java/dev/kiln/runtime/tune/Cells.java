package dev.kiln.runtime.tune;

import java.time.Duration;
import java.util.Locale;

/** How values read in the table of results and in its CSV file. */
final class Cells {

    private Cells() {
    }

    /** A score or metric in the table: four decimals, e.g. {@code 0.9778}. */
    static String metric(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : Double.toString(value);
    }

    /** A duration in the table, in seconds with two decimals. */
    static String seconds(Duration time) {
        return String.format(Locale.ROOT, "%.2f", time.toNanos() / 1e9);
    }

    /**
     * A dimension's value in the table: a float or double with four significant digits and no trailing
     * zeros ({@code 0.01}, {@code 0.003162}, {@code 1e-05}), anything else as its {@code toString()}.
     */
    static String value(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                return Double.toString(number);
            }
            String text = String.format(Locale.ROOT, "%.4g", number);
            int exponent = text.indexOf('e');
            String mantissa = exponent < 0 ? text : text.substring(0, exponent);
            if (mantissa.indexOf('.') >= 0) {
                mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return exponent < 0 ? mantissa : mantissa + text.substring(exponent);
        }
        return value.toString();
    }

    /** Whether the table right-aligns the value: numbers do, text does not. */
    static boolean isNumber(Object value) {
        return value instanceof Number;
    }

    /**
     * A field of the CSV file: numbers in full precision (as {@code Double.toString} writes them, which
     * parse back exactly), text quoted when it holds a comma, a quote or a line break (RFC 4180).
     */
    static String csv(Object value) {
        String text = value.toString();
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
