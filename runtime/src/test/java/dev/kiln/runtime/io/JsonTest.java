package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Json}: every kind of value parses, strings written by {@link Json#quote} parse back to
 * themselves, and each way to break the grammar is rejected with its message and byte offset.
 */
class JsonTest {

    @Test
    void parsesEveryKindOfValue() throws Json.SyntaxException {
        Object value = parse(" {\"a\" : [1, -2.5e+3, 0, true, false, null, \"x\"], \"b\": {}, \"c\": [] }\t\r\n");

        Map<?, ?> object = (Map<?, ?>) value;
        assertEquals(List.of("a", "b", "c"), List.copyOf(object.keySet()));
        List<?> a = (List<?>) object.get("a");
        assertEquals(List.of(new Json.Number("1"), new Json.Number("-2.5e+3"), new Json.Number("0"), true, false,
                Json.NULL, "x"), a);
        assertTrue(((Json.Number) a.get(0)).isInteger());
        assertFalse(((Json.Number) a.get(1)).isInteger());
        assertEquals(Map.of(), object.get("b"));
        assertEquals(List.of(), object.get("c"));
    }

    @Test
    void decodesEscapesAndUtf8() throws Json.SyntaxException {
        assertEquals("\"\\/\b\f\n\r\t é 😀 é", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 é\""));
        assertEquals("日本", parse("\"日本\""));
    }

    @Test
    void quotedStringsParseBackToThemselves() throws Json.SyntaxException {
        String text = "quote \" backslash \\ slash / controls \u0000\u0001\u001f\b\f\n\r\t unicode é 日 😀 \u007f";
        String quoted = Json.quote(text);

        assertEquals(text, parse(quoted));
        assertEquals("\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\"", Json.quote("\u0000\u0001\u001f\b\f\n\r\t"));
    }

    @Test
    void rejectsAValueThatIsMissing() {
        assertError("the JSON ends where a value was expected", 5, "{\"a\":");
    }

    @Test
    void rejectsAnUnknownWord() {
        assertError("expected a value (an object, array, string, number, true, false or null), found 'T'", 0, "True");
        assertError("expected a value (an object, array, string, number, true, false or null), found 'n'", 1, "[nul]");
    }

    @Test
    void rejectsTrailingCommas() {
        assertError("expected a string key in an object, found '}'", 8, "{\"a\":1, }");
        assertError("expected a value (an object, array, string, number, true, false or null), found ']'", 3, "[1,]");
    }

    @Test
    void rejectsAMissingColon() {
        assertError("expected ':' after the key \"a\", found '1'", 5, "{\"a\" 1}");
    }

    @Test
    void rejectsMissingSeparators() {
        assertError("expected ',' or '}' after a value in an object, found '\"'", 7, "{\"a\":1 \"b\":2}");
        assertError("expected ',' or ']' after a value in an array, found '2'", 3, "[1 2]");
    }

    @Test
    void rejectsASecondValue() {
        assertError("unexpected '{' after the end of the JSON value", 3, "{} {}");
    }

    @Test
    void rejectsAnUnclosedString() {
        assertError("the string starting here is not closed", 1, "[\"abc");
    }

    @Test
    void rejectsControlCharactersInStrings() {
        assertError("control character 0x0A inside a string; write it as \\u000A", 2, "\"a\nb\"");
    }

    @Test
    void rejectsInvalidEscapes() {
        assertError("invalid escape \\x; JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", 2, "\"a\\x\"");
        assertError("invalid escape (a backslash, then byte 0xC3); JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t"
                + " and \\uXXXX", 1, "\"\\é\"");
        assertError("a \\u escape needs 4 hexadecimal digits, found 'g'", 1, "\"\\u00g0\"");
        assertError("the JSON ends inside a \\u escape", 1, "\"\\u00");
        assertError("the JSON ends inside an escape", 1, "\"\\");
    }

    @Test
    void rejectsUnpairedSurrogates() {
        assertError("the escape \\uD800 is a high surrogate without a low surrogate after it", 1, "\"\\ud800x\"");
        assertError("the escape \\uD800 is a high surrogate without a low surrogate after it", 1,
                "\"\\ud800\\u0041\"");
        assertError("the escape \\uDC00 is a low surrogate without a high surrogate before it", 2, "\"a\\udc00\"");
        assertThrows(IllegalArgumentException.class, () -> Json.quote("\uDC00"));
    }

    @Test
    void rejectsInvalidUtf8() {
        // a truncated sequence, an overlong encoding of '/', an encoded surrogate, a stray continuation byte
        assertUtf8Error(2, 'a', 'b', 0xC3);
        assertUtf8Error(1, 'a', 0xC0, 0xAF);
        assertUtf8Error(1, 'a', 0xED, 0xA0, 0x80);
        assertUtf8Error(3, 'a', 'b', 'c', 0x80);
    }

    @Test
    void rejectsMalformedNumbers() {
        assertError("a number may not start with 0 followed by digits", 1, "[01]");
        assertError("expected a digit in a number, found ']'", 2, "[-]");
        assertError("expected a digit after the decimal point, found ']'", 3, "[1.]");
        assertError("expected a digit in the exponent, found ']'", 4, "[1e+]");
        assertError("expected a value (an object, array, string, number, true, false or null), found '+'", 1, "[+1]");
    }

    @Test
    void rejectsKeysThatAreNotStrings() {
        assertError("expected a string key in an object, found '1'", 1, "{1:2}");
    }

    @Test
    void rejectsAKeyGivenTwiceEvenWhenEscaped() {
        Json.SyntaxException e = assertError("the key \"a\" appears twice in one object", 12,
                "{\"x\":{\"a\":1,\"\\u0061\":2}}");
        assertEquals("a", e.duplicateKey());
        assertEquals(2, e.depth());
    }

    @Test
    void rejectsNestingBeyondTheLimit() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1);
        assertError("arrays and objects nested deeper than 64 levels", Json.MAX_DEPTH, deep);
        // at the limit it parses
        String atLimit = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(assertDoesParse(atLimit) instanceof List<?>);
    }

    private static Object assertDoesParse(String text) {
        try {
            return parse(text);
        } catch (Json.SyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertUtf8Error(int position, int... content) {
        byte[] bytes = new byte[content.length + 2];
        bytes[0] = '"';
        for (int i = 0; i < content.length; i++) {
            bytes[i + 1] = (byte) content[i];
        }
        bytes[bytes.length - 1] = '"';
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse(bytes, bytes.length),
                Arrays.toString(content));
        assertEquals("invalid UTF-8 in a string", e.getMessage());
        assertEquals(position + 1, e.position(), Arrays.toString(content));
    }

    private static Json.SyntaxException assertError(String message, long position, String text) {
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> parse(text), text);
        assertEquals(message, e.getMessage(), text);
        assertEquals(position, e.position(), text);
        return e;
    }

    private static Object parse(String text) throws Json.SyntaxException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Json.parse(bytes, bytes.length);
    }
}
