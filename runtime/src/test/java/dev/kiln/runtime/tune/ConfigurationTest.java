package dev.kiln.runtime.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.EditDistance;
import dev.kiln.spec.Activation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Typed access to a configuration's values, and the message of each way to get it wrong. */
class ConfigurationTest {

    private static final Configuration CONFIG = Configuration.of(ordered(
            "learningRate", 0.1,
            "scale", 0.25f,
            "hidden", 16,
            "bias", true,
            "activation", Activation.TANH,
            "optimizer", "adam"));

    @Test
    void eachGetterReadsItsType() {
        assertEquals(0.1, CONFIG.getDouble("learningRate"));
        assertEquals(16, CONFIG.getInt("hidden"));
        assertEquals(true, CONFIG.getBoolean("bias"));
        assertEquals(0.25f, CONFIG.getFloat("scale"));
        assertEquals(Activation.TANH, CONFIG.get("activation", Activation.class));
        assertEquals("adam", CONFIG.get("optimizer", String.class));
        assertEquals(16, CONFIG.get("hidden", int.class));
        assertEquals(16, CONFIG.get("hidden", Number.class));
        assertEquals(Activation.TANH, CONFIG.get("activation"));
    }

    @Test
    void numbersConvertAsJavaConvertsThem() {
        assertEquals(0.1f, CONFIG.getFloat("learningRate"));      // rounded to the nearest float
        assertEquals(0.25, CONFIG.getDouble("scale"));            // widened exactly
        assertEquals((double) Math.nextUp(0.1f), Configuration.of(Map.of("lr", Math.nextUp(0.1f))).getDouble("lr"));
        assertEquals(16.0, CONFIG.getDouble("hidden"));
        assertEquals(16f, CONFIG.getFloat("hidden"));
    }

    @Test
    void theOrderAndTheValuesAreKept() {
        assertEquals(List.of("learningRate", "scale", "hidden", "bias", "activation", "optimizer"), CONFIG.names());
        assertEquals("{learningRate=0.1, scale=0.25, hidden=16, bias=true, activation=TANH, optimizer=adam}",
                CONFIG.toString());
        assertThrows(UnsupportedOperationException.class, () -> CONFIG.asMap().put("hidden", 8));
    }

    @Test
    void configurationsAreEqualWithTheSameValuesInTheSameOrder() {
        Configuration a = Configuration.of(ordered("hidden", 16, "learningRate", 0.1));
        Configuration b = Configuration.of(ordered("hidden", 16, "learningRate", 0.1));

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Configuration.of(ordered("learningRate", 0.1, "hidden", 16)));
        assertNotEquals(a, Configuration.of(ordered("hidden", 16, "learningRate", 0.01)));
        assertNotEquals(a, Configuration.of(ordered("hidden", 16.0, "learningRate", 0.1)));
    }

    @Test
    void aMisspeltNameIsNamedWithASuggestion() {
        assertMessage("no dimension named \"learnigRate\"; the configuration has learningRate, scale, hidden, bias,"
                + " activation, optimizer. Did you mean \"learningRate\"?", () -> CONFIG.getDouble("learnigRate"));
    }

    @Test
    void anUnknownNameListsTheDimensions() {
        assertMessage("no dimension named \"momentum\"; the configuration has learningRate, scale, hidden, bias,"
                + " activation, optimizer", () -> CONFIG.get("momentum", Double.class));
    }

    @Test
    void getIntRefusesADouble() {
        assertMessage("dimension \"learningRate\" holds 0.1 (a double), which getInt cannot read; use"
                + " getDouble(\"learningRate\") or getFloat(\"learningRate\")", () -> CONFIG.getInt("learningRate"));
    }

    @Test
    void getDoubleRefusesAnEnum() {
        assertMessage("dimension \"activation\" holds TANH (an Activation), which getDouble cannot read; use"
                + " get(\"activation\", Activation.class)", () -> CONFIG.getDouble("activation"));
    }

    @Test
    void getFloatRefusesAString() {
        assertMessage("dimension \"optimizer\" holds adam (a String), which getFloat cannot read; use"
                + " get(\"optimizer\", String.class)", () -> CONFIG.getFloat("optimizer"));
    }

    @Test
    void getBooleanRefusesAnInt() {
        assertMessage("dimension \"hidden\" holds 16 (an int), which getBoolean cannot read; use getInt(\"hidden\")",
                () -> CONFIG.getBoolean("hidden"));
    }

    @Test
    void getWithAClassRefusesAnotherType() {
        assertMessage("dimension \"bias\" holds true (a boolean), which get(\"bias\", String.class) cannot read; use"
                + " getBoolean(\"bias\")", () -> CONFIG.get("bias", String.class));
        assertMessage("dimension \"scale\" holds 0.25 (a float), which getInt cannot read; use getFloat(\"scale\") or"
                + " getDouble(\"scale\")", () -> CONFIG.getInt("scale"));
    }

    @Test
    void aConfigurationOfOnesOwnNeedsEveryValue() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("hidden", null);
        assertMessage("dimension \"hidden\" has no value; every dimension needs one", () -> Configuration.of(values));
    }

    @Test
    void aConfigurationOfOnesOwnNeedsNames() {
        assertMessage("a configuration's names must not be blank", () -> Configuration.of(Map.of("", 1)));
    }

    @Test
    void suggestionsAreForNamesThatAreClose() {
        assertEquals("hidden", Names.closest("Hiden", List.of("hidden", "bias")));
        assertEquals(null, Names.closest("width", List.of("hidden", "bias")));
        assertEquals(3, EditDistance.between("kitten", "sitting"));
        assertEquals(0, EditDistance.between("", ""));
    }

    /** A map in the order of its arguments: name, value, name, value... */
    static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static void assertMessage(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
