package dev.kiln.runtime.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict JSON (RFC 8259) that safetensors headers are written in: a parser that reads UTF-8 bytes
 * and reports errors at a byte offset, and the quoting of strings for the writer.
 *
 * <p>The parser accepts exactly the grammar of the RFC and nothing more: no comments, no trailing
 * commas, no single quotes, no leading zeros, no control characters or unpaired surrogates in strings,
 * no invalid UTF-8, no second value after the first, and no object with the same key twice (the RFC
 * leaves that open; a header with a tensor named twice is ambiguous, so it is an error). Values become
 * {@link Map} (a {@link LinkedHashMap}, in the file's order), {@link List}, {@link String}, {@link Number}
 * (the number's text, checked), {@link Boolean} and {@link #NULL}. Nesting deeper than {@link #MAX_DEPTH}
 * is an error, so that no input can exhaust the stack.
 */
final class Json {

    /** The deepest nesting of arrays and objects the parser follows. */
    static final int MAX_DEPTH = 64;

    /** JSON's {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, kept as the text it was written as (checked against the grammar). */
    record Number(String text) {

        /** Whether it is written as an integer: no fraction and no exponent. */
        boolean isInteger() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A text that is not JSON: where (a byte offset in the parsed bytes) and what was wrong. */
    static final class SyntaxException extends Exception {

        private static final long serialVersionUID = 1L;

        private final long position;
        private final String duplicateKey;
        private final int depth;

        SyntaxException(long position, String message, String duplicateKey, int depth) {
            super(message);
            this.position = position;
            this.duplicateKey = duplicateKey;
            this.depth = depth;
        }

        /** The offset of the byte at fault. */
        long position() {
            return position;
        }

        /** For a key written twice, the key; otherwise null. */
        String duplicateKey() {
            return duplicateKey;
        }

        /** For a key written twice, the depth of its object (1 for the outermost); otherwise 0. */
        int depth() {
            return depth;
        }
    }

    private final byte[] bytes;
    private final int end;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int position;

    private Json(byte[] bytes, int end) {
        this.bytes = bytes;
        this.end = end;
    }

    /**
     * The one JSON value in {@code bytes[0, length)}, with optional whitespace around it.
     *
     * @throws SyntaxException if the bytes are not exactly one JSON value
     */
    static Object parse(byte[] bytes, int length) throws SyntaxException {
        Json parser = new Json(bytes, length);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position < length) {
            throw parser.error("unexpected " + parser.describe(parser.position) + " after the end of the JSON value");
        }
        return value;
    }

    /**
     * {@code text} as a JSON string literal, quotes included: {@code "} and {@code \} escaped, control
     * characters as {@code \}{@code uXXXX} (or their short escapes), everything else as it is.
     *
     * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate, which no UTF-8 file can hold
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("\"" + text + "\" holds an unpaired surrogate"
                                + String.format(" U+%04X", (int) c) + " at index " + i
                                + ", which is not a character and cannot be written as UTF-8");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private Object value(int depth) throws SyntaxException {
        if (position >= end) {
            throw error("the JSON ends where a value was expected");
        }
        return switch (bytes[position]) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                byte b = bytes[position];
                if (b == '-' || (b >= '0' && b <= '9')) {
                    yield number();
                }
                throw error("expected a value (an object, array, string, number, true, false or null), found "
                        + describe(position));
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        checkDepth(depth);
        position++; // {
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return members;
        }
        while (true) {
            if (peek() != '"') {
                throw error("expected a string key in an object, found " + describe(position));
            }
            int keyStart = position;
            String key = string();
            skipWhitespace();
            expect(':', "after the key " + quote(key));
            skipWhitespace();
            Object value = value(depth);
            if (members.putIfAbsent(key, value) != null) {
                throw new SyntaxException(keyStart, "the key " + quote(key) + " appears twice in one object", key,
                        depth);
            }
            skipWhitespace();
            if (peek() == ',') {
                position++;
                skipWhitespace();
            } else if (peek() == '}') {
                position++;
                return members;
            } else {
                throw error("expected ',' or '}' after a value in an object, found " + describe(position));
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        checkDepth(depth);
        position++; // [
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return elements;
        }
        while (true) {
            elements.add(value(depth));
            skipWhitespace();
            if (peek() == ',') {
                position++;
                skipWhitespace();
            } else if (peek() == ']') {
                position++;
                return elements;
            } else {
                throw error("expected ',' or ']' after a value in an array, found " + describe(position));
            }
        }
    }

    private String string() throws SyntaxException {
        int start = position;
        position++; // "
        StringBuilder text = new StringBuilder();
        int run = position; // the start of the bytes not yet decoded
        while (true) {
            if (position >= end) {
                throw new SyntaxException(start, "the string starting here is not closed", null, 0);
            }
            int b = bytes[position] & 0xFF;
            if (b == '"') {
                decode(run, position, text);
                position++;
                return text.toString();
            }
            if (b < 0x20) {
                throw error(String.format("control character 0x%02X inside a string; write it as \\u%04X", b, b));
            }
            if (b == '\\') {
                decode(run, position, text);
                escape(text);
                run = position;
            } else {
                position++;
            }
        }
    }

    /** Reads the escape at {@link #position} into {@code text}. */
    private void escape(StringBuilder text) throws SyntaxException {
        int start = position;
        position++; // backslash
        if (position >= end) {
            throw new SyntaxException(start, "the JSON ends inside an escape", null, 0);
        }
        byte b = bytes[position++];
        switch (b) {
            case '"' -> text.append('"');
            case '\\' -> text.append('\\');
            case '/' -> text.append('/');
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                char c = hex4(start);
                if (Character.isHighSurrogate(c)) {
                    int low = position;
                    if (low + 1 < end && bytes[low] == '\\' && bytes[low + 1] == 'u') {
                        position += 2;
                        char next = hex4(low);
                        if (Character.isLowSurrogate(next)) {
                            text.append(c).append(next);
                            return;
                        }
                    }
                    throw new SyntaxException(start, String.format("the escape \\u%04X is a high surrogate"
                            + " without a low surrogate after it", (int) c), null, 0);
                }
                if (Character.isLowSurrogate(c)) {
                    throw new SyntaxException(start, String.format("the escape \\u%04X is a low surrogate"
                            + " without a high surrogate before it", (int) c), null, 0);
                }
                text.append(c);
            }
            default -> throw new SyntaxException(start, "invalid escape " + (b >= 0x21 && b < 0x7F ? "\\" + (char) b
                    : String.format("(a backslash, then byte 0x%02X)", b & 0xFF)) + "; JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", null, 0);
        }
    }

    private char hex4(int escapeStart) throws SyntaxException {
        if (position + 4 > end) {
            throw new SyntaxException(escapeStart, "the JSON ends inside a \\u escape", null, 0);
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(bytes[position + i], 16);
            if (digit < 0 || bytes[position + i] < 0) {
                throw new SyntaxException(escapeStart, "a \\u escape needs 4 hexadecimal digits, found "
                        + describe(position + i), null, 0);
            }
            value = value * 16 + digit;
        }
        position += 4;
        return (char) value;
    }

    /** Appends the UTF-8 bytes {@code [from, to)} to {@code text}, rejecting any invalid sequence. */
    private void decode(int from, int to, StringBuilder text) throws SyntaxException {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            for (int i = from; i < to; i++) {
                text.append((char) bytes[i]);
            }
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        CoderResult result = utf8.reset().decode(in, out, true);
        if (result.isError()) {
            throw new SyntaxException(in.position(), "invalid UTF-8 in a string", null, 0);
        }
        utf8.flush(out);
        text.append(out.flip());
    }

    private Number number() throws SyntaxException {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
            if (isDigit(peek())) {
                throw new SyntaxException(start, "a number may not start with 0 followed by digits", null, 0);
            }
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                position++;
            }
        } else {
            throw error("expected a digit in a number, found " + describe(position));
        }
        if (peek() == '.') {
            position++;
            digits("after the decimal point");
        }
        if (peek() == 'e' || peek() == 'E') {
            position++;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            digits("in the exponent");
        }
        return new Number(new String(bytes, start, position - start, StandardCharsets.US_ASCII));
    }

    private void digits(String where) throws SyntaxException {
        if (!isDigit(peek())) {
            throw error("expected a digit " + where + ", found " + describe(position));
        }
        while (isDigit(peek())) {
            position++;
        }
    }

    private Object literal(String word, Object value) throws SyntaxException {
        for (int i = 0; i < word.length(); i++) {
            if (position + i >= end || bytes[position + i] != word.charAt(i)) {
                throw error("expected a value (an object, array, string, number, true, false or null), found "
                        + describe(position));
            }
        }
        position += word.length();
        return value;
    }

    private void checkDepth(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("arrays and objects nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c, String where) throws SyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "' " + where + ", found " + describe(position));
        }
        position++;
    }

    private void skipWhitespace() {
        while (position < end) {
            byte b = bytes[position];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            position++;
        }
    }

    /** The byte at {@link #position}, or -1 at the end. */
    private int peek() {
        return position < end ? bytes[position] & 0xFF : -1;
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    private String describe(int at) {
        return at >= end ? "the end of the JSON" : printable(bytes[at] & 0xFF);
    }

    private static String printable(int b) {
        return b >= 0x21 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02X", b);
    }

    private SyntaxException error(String message) {
        return new SyntaxException(position, message, null, 0);
    }
}
