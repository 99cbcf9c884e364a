package dev.kiln.runtime.tune;

import static dev.kiln.runtime.tune.Dimension.intRange;
import static dev.kiln.runtime.tune.Dimension.logUniform;
import static dev.kiln.runtime.tune.Dimension.uniform;
import static dev.kiln.runtime.tune.Dimension.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.Activation;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Declaring dimensions and spaces: what each factory accepts, and each refusal's message. */
class SearchSpaceTest {

    @Test
    void eachFactoryDescribesItsDimension() {
        SearchSpace space = SearchSpace.of(
                values("learningRate", 0.1, 0.01),
                values("scale", 0.5f),
                values("hidden", 8, 16),
                values("bias", true, false),
                values("optimizer", "adam", "sgd"),
                values("activation", Activation.RELU, Activation.TANH),
                values("mixed", List.of(1, "two")),
                uniform("dropout", 0.0, 0.5),
                logUniform("weightDecay", 1e-5, 1e-2),
                intRange("batchSize", 8, 64));

        assertEquals("""
                values("learningRate", 0.1, 0.01)
                values("scale", 0.5)
                values("hidden", 8, 16)
                values("bias", true, false)
                values("optimizer", adam, sgd)
                values("activation", RELU, TANH)
                values("mixed", 1, two)
                uniform("dropout", 0.0, 0.5)
                logUniform("weightDecay", 1.0E-5, 0.01)
                intRange("batchSize", 8, 64)""", space.toString());
        assertEquals(List.of("learningRate", "scale", "hidden", "bias", "optimizer", "activation", "mixed", "dropout",
                "weightDecay", "batchSize"), space.names());
        assertFalse(space.isDiscrete());
        assertTrue(SearchSpace.of(values("hidden", 8), intRange("batchSize", 1, 2)).isDiscrete());
        assertFalse(uniform("dropout", 0, 1).isDiscrete());
        assertFalse(logUniform("weightDecay", 1e-5, 1).isDiscrete());
    }

    @Test
    void valuesKeepTheirDeclaredTypes() {
        Configuration config = GridSearch.over(SearchSpace.of(values("d", 0.1), values("f", 0.1f), values("i", 3),
                values("b", true))).configurations().getFirst();

        assertEquals(List.of(Double.class, Float.class, Integer.class, Boolean.class),
                config.asMap().values().stream().map(Object::getClass).toList());
    }

    @Test
    void theArraysGivenAreCopied() {
        int[] widths = {8, 16};
        Activation[] activations = {Activation.RELU};
        SearchSpace space = SearchSpace.of(values("hidden", widths), values("activation", activations));
        widths[0] = 99;
        activations[0] = Activation.TANH;

        assertEquals("{hidden=8, activation=RELU}",
                GridSearch.over(space).configurations().getFirst().toString());
    }

    @Test
    void aBlankNameIsRefused() {
        assertMessage("a dimension's name must not be blank; name it after the hyper-parameter, e.g."
                + " \"learningRate\"", () -> values(" ", 1, 2));
    }

    @Test
    void aDimensionWithoutValuesIsRefused() {
        assertMessage("dimension \"hidden\" has no values; list at least one, e.g. values(\"hidden\", 0.1, 0.01)",
                () -> values("hidden", new int[0]));
    }

    @Test
    void aNullValueIsRefused() {
        assertMessage("dimension \"optimizer\" lists null at position 1; every value must be present",
                () -> values("optimizer", Arrays.asList("adam", null)));
    }

    @Test
    void aNaNValueIsRefused() {
        assertMessage("dimension \"learningRate\" lists NaN at position 2; every value must be a number",
                () -> values("learningRate", 0.1, 0.01, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> values("learningRate", Float.NaN));
    }

    @Test
    void aValueListedTwiceIsRefused() {
        assertMessage("dimension \"hidden\" lists 16 twice; list each value once, or the search runs it twice",
                () -> values("hidden", 8, 16, 32, 16));
    }

    @Test
    void uniformNeedsFiniteOrderedBounds() {
        assertMessage("uniform(\"dropout\", 0.5, 0.5): the bounds must be finite, with low < high",
                () -> uniform("dropout", 0.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> uniform("dropout", 0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> uniform("x", -Double.MAX_VALUE, Double.MAX_VALUE));
    }

    @Test
    void logUniformNeedsPositiveBounds() {
        assertMessage("logUniform(\"weightDecay\", 0.0, 0.01): the bounds must be positive and finite, with low <"
                + " high; for a range that includes 0 use uniform(...)", () -> logUniform("weightDecay", 0, 1e-2));
        assertThrows(IllegalArgumentException.class, () -> logUniform("learningRate", 1e-1, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> logUniform("learningRate", 1e-3, Double.NaN));
    }

    @Test
    void intRangeNeedsOrderedBounds() {
        assertMessage("intRange(\"hidden\", 64, 8): low must not exceed high (both are included)",
                () -> intRange("hidden", 64, 8));
        assertEquals(1, GridSearch.over(SearchSpace.of(intRange("hidden", 8, 8))).size());
    }

    @Test
    void twoDimensionsOfOneNameAreRefused() {
        assertMessage("the search space has two dimensions named \"hidden\"; give each hyper-parameter one"
                + " dimension", () -> SearchSpace.of(values("hidden", 8), values("learningRate", 0.1),
                intRange("hidden", 1, 4)));
    }

    @Test
    void anEmptySpaceIsRefused() {
        assertMessage("a search space needs at least one dimension, e.g. SearchSpace.of(values(\"learningRate\","
                + " 0.1, 0.01))", () -> SearchSpace.of());
    }

    private static void assertMessage(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
