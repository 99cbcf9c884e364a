package dev.kiln.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The IR's shapes and rules, as the runtime applies them (the processor's tests cover the same rules at compile time). */
class NetworkSpecTest {

    private static DenseSpec dense(int units) {
        return new DenseSpec(units, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "N.d" + units);
    }

    private static ActivationSpec act(Activation f) {
        return ActivationSpec.of(f, "N." + f.name().toLowerCase(Locale.ROOT));
    }

    private static NetworkSpec spec(Loss loss, LayerSpec... layers) {
        return new NetworkSpec("N", List.of(4), List.of(layers), loss, 8);
    }

    @Test
    void shapesFlowThroughTheLayers() {
        NetworkSpec spec = spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(16), act(Activation.RELU), dense(3), act(Activation.SOFTMAX));
        assertEquals(List.of(4, 16, 16, 3, 3), spec.layerInputSizes());
        assertEquals(3, spec.outputSize());
        assertEquals(4, spec.inputSize());
        assertTrue(spec.validate().isEmpty());
        assertSame(spec, spec.requireValid());
    }

    @Test
    void autoInitFollowsTheNextActivation() {
        NetworkSpec spec = spec(Loss.NONE, dense(8), act(Activation.ELU), dense(8), act(Activation.TANH), dense(2));
        assertEquals(Init.HE_NORMAL, spec.initOf(0));
        assertEquals(Init.XAVIER_UNIFORM, spec.initOf(2));
        assertEquals(Init.XAVIER_UNIFORM, spec.initOf(4), "the last layer, with nothing after it");
        NetworkSpec explicit = spec(Loss.NONE, new DenseSpec(2, true, Init.ZEROS, 0.01, "N.z"), act(Activation.RELU));
        assertEquals(Init.ZEROS, explicit.initOf(0));
    }

    @Test
    void onlyCrossEntropiesAbsorbTheirActivation() {
        assertTrue(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3), act(Activation.SOFTMAX)).lossFusesLastActivation());
        assertTrue(spec(Loss.BINARY_CROSS_ENTROPY, dense(1), act(Activation.SIGMOID)).lossFusesLastActivation());
        assertFalse(spec(Loss.MSE, dense(1), act(Activation.SIGMOID)).lossFusesLastActivation());
        assertFalse(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3)).lossFusesLastActivation());
    }

    @Test
    void everyProblemIsListedWithItsLayerAndAttribute() {
        NetworkSpec spec = new NetworkSpec("N", List.of(), List.of(
                new DenseSpec(0, true, Init.AUTO, 0.01, "N.a"),
                new ActivationSpec(Activation.LEAKY_RELU, -0.5, "N.a"),
                act(Activation.SOFTMAX),
                dense(3)), Loss.NONE, 0);
        List<Problem> problems = spec.validate();
        assertEquals(List.of(Rule.NO_INPUT, Rule.MAX_BATCH, Rule.UNITS, Rule.ACTIVATION_PARAMETER, Rule.SOFTMAX_NOT_LAST),
                problems.stream().map(Problem::rule).toList());
        assertEquals(List.of(Problem.NETWORK, Problem.NETWORK, 0, 1, 2), problems.stream().map(Problem::layer).toList());
        assertEquals(Arrays.asList("input", "maxBatch", "value", "alpha", null),
                problems.stream().map(Problem::attribute).toList());

        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, spec::requireValid);
        assertEquals(problems, e.problems());
        assertTrue(e.getMessage().contains("[Kiln/Units] N.a: Dense units must be positive, got 0"), e.getMessage());
        assertTrue(e.getMessage().contains("[Kiln/ActivationParameter] N.a: leaky ReLU alpha must be finite and in [0, 1), got -0.5"),
                e.getMessage());
    }

    @Test
    void emptyAndBadlyShapedInputs() {
        assertEquals(List.of(Rule.EMPTY_NETWORK), rules(new NetworkSpec("N", List.of(4), List.of(), Loss.MSE, 8)));
        assertEquals(List.of(Rule.INPUT_DIMENSION), rules(new NetworkSpec("N", List.of(-4), List.of(dense(1)), Loss.NONE, 8)));
        NetworkSpec image = new NetworkSpec("N", List.of(1, 28, 28), List.of(dense(1)), Loss.NONE, 8);
        assertEquals(List.of(Rule.INPUT_RANK), rules(image));
        assertTrue(image.validate().getFirst().message().endsWith("e.g. input = 784"), image.validate().getFirst().message());
    }

    @Test
    void parametersOutOfRange() {
        assertEquals(List.of(Rule.ACTIVATION_PARAMETER),
                rules(spec(Loss.NONE, dense(2), new ActivationSpec(Activation.ELU, Double.NaN, "N.e"))));
        assertEquals(List.of(Rule.ACTIVATION_PARAMETER),
                rules(spec(Loss.NONE, dense(2), new ActivationSpec(Activation.LEAKY_RELU, 1.0, "N.l"))));
        assertEquals(List.of(), rules(spec(Loss.NONE, dense(2), new ActivationSpec(Activation.LEAKY_RELU, 0.0, "N.l"))));
        assertEquals(List.of(Rule.INIT_SCALE),
                rules(spec(Loss.NONE, new DenseSpec(2, true, Init.UNIFORM, Double.POSITIVE_INFINITY, "N.u"))));
        assertEquals(List.of(), rules(spec(Loss.NONE, new DenseSpec(2, true, Init.HE_NORMAL, -1, "N.h"))),
                "the scale only matters to UNIFORM and NORMAL");
    }

    @Test
    void lossesMustFitTheLastLayer() {
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3), act(Activation.RELU))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(1))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.BINARY_CROSS_ENTROPY, dense(1), act(Activation.TANH))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.MSE, dense(2), act(Activation.SOFTMAX))));
        assertEquals(List.of(), rules(spec(Loss.BINARY_CROSS_ENTROPY, dense(1))));
        assertEquals(List.of(), rules(spec(Loss.MSE, dense(1), act(Activation.SIGMOID))));
        assertEquals(List.of(), rules(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3), act(Activation.IDENTITY))));
        Problem mismatch = spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3), act(Activation.RELU)).validate().getFirst();
        assertEquals("loss", mismatch.attribute());
        assertEquals(1, mismatch.layer());
    }

    @Test
    void buffersAndParametersMustFitInJavaArrays() {
        NetworkSpec wide = new NetworkSpec("N", List.of(4), List.of(dense(50_000), dense(50_000)), Loss.NONE, 8);
        Problem parameters = wide.validate().getFirst();
        assertEquals(Rule.TOO_LARGE, parameters.rule());
        assertEquals(1, parameters.layer());
        assertEquals("value", parameters.attribute());
        assertEquals("[Kiln/TooLarge] N.d50000: the parameter array, up to this layer, needs 2,500,300,000 values, "
                + "more than a Java array holds (2,147,483,639); use fewer units", parameters.message());

        NetworkSpec tall = new NetworkSpec("N", List.of(4), List.of(dense(100_000)), Loss.NONE, 100_000);
        assertEquals(List.of(Rule.TOO_LARGE), rules(tall));
        assertEquals(0, tall.validate().getFirst().layer());
        assertTrue(tall.validate().getFirst().message().contains("the output buffer (maxBatch 100000 x 100000 features)"));

        NetworkSpec input = new NetworkSpec("N", List.of(100_000), List.of(dense(1)), Loss.NONE, 100_000);
        assertEquals("maxBatch", input.validate().getFirst().attribute());
    }

    @Test
    void specsAreImmutable() {
        List<LayerSpec> layers = new ArrayList<>(List.of(dense(2)));
        NetworkSpec spec = new NetworkSpec("N", List.of(4), layers, Loss.NONE, 8);
        layers.add(dense(3));
        assertEquals(1, spec.layers().size());
        assertThrows(UnsupportedOperationException.class, () -> spec.layers().add(dense(1)));
    }

    private static List<Rule> rules(NetworkSpec spec) {
        return spec.validate().stream().map(Problem::rule).toList();
    }
}
