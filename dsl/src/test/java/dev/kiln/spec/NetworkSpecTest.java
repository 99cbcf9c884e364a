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
        NetworkSpec rank4 = new NetworkSpec("N", List.of(2, 1, 28, 28), List.of(dense(1)), Loss.NONE, 8);
        assertEquals(List.of(Rule.INPUT_RANK), rules(rank4));
        assertTrue(rank4.validate().getFirst().message().contains("(rank 1, e.g. input = 1568), a sequence's steps"),
                rank4.validate().getFirst().message());
        NetworkSpec image = new NetworkSpec("N", List.of(1, 28, 28), List.of(dense(1)), Loss.NONE, 8);
        assertEquals(List.of(Rule.NEEDS_FLAT), rules(image));
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

    @Test
    void preluAndMaxoutShapesAndParameters() {
        NetworkSpec spec = spec(Loss.MSE, dense(12), new MaxoutSpec(3, "N.d12"), new PReluSpec("N.slopes"), dense(2));
        assertEquals(List.of(4, 12, 4, 4, 2), spec.layerInputSizes());
        assertEquals("Maxout(12 -> 4, k=3)", spec.layers().get(1).describe(12));
        assertEquals("PReLU(4)", spec.layers().get(2).describe(4));
        assertEquals(List.of(), rules(spec));
        assertEquals(Init.XAVIER_UNIFORM, spec.initOf(0), "maxout is not a rectifier");
        NetworkSpec slopes = spec(Loss.MSE, dense(8), new PReluSpec("N.slopes"), dense(1));
        assertEquals(Init.HE_NORMAL, slopes.initOf(0), "PReLU is");
    }

    @Test
    void maxoutNeedsTwoPiecesAndADivisibleWidth() {
        assertEquals(List.of(Rule.MAXOUT_PIECES), rules(spec(Loss.NONE, dense(4), new MaxoutSpec(1, "N.m"))));
        assertEquals(List.of(Rule.MAXOUT_PIECES), rules(spec(Loss.NONE, dense(4), new MaxoutSpec(0, "N.m"))));
        Problem width = spec(Loss.NONE, dense(13), new MaxoutSpec(3, "N.m")).validate().getFirst();
        assertEquals(Rule.MAXOUT_WIDTH, width.rule());
        assertEquals(1, width.layer());
        assertEquals("value", width.attribute());
        assertEquals("[Kiln/MaxoutWidth] N.m: maxout takes the largest of each group of 3 consecutive features, "
                + "but its input has 13 features, not a multiple of 3; make the layer before it 12 or 15 features "
                + "wide, or take a k that divides 13", width.message());
        assertTrue(spec(Loss.NONE, dense(2), new MaxoutSpec(3, "N.m")).validate().getFirst().message()
                .endsWith("make the layer before it at least 3 features wide, e.g. 3"));
        assertEquals(List.of(Rule.UNITS), rules(spec(Loss.NONE, dense(0), new MaxoutSpec(3, "N.m"))),
                "no width to judge after a broken layer");
        // a maxout straight on the input
        assertEquals(List.of(Rule.MAXOUT_WIDTH), rules(new NetworkSpec("N", List.of(5), List.of(
                new MaxoutSpec(2, "N.m")), Loss.NONE, 8)));
    }

    @Test
    void dropoutKeepsTheShapeAndAutoInitLooksPastIt() {
        NetworkSpec spec = spec(Loss.MSE, new DropoutSpec(0.2, "N.in"), dense(8), new DropoutSpec(0.5, "N.d8"),
                act(Activation.RELU), dense(2));
        assertEquals(List.of(4, 4, 8, 8, 8, 2), spec.layerInputSizes());
        assertEquals("Dropout(8, p=0.5)", spec.layers().get(2).describe(8));
        assertEquals(2.0, ((DropoutSpec) spec.layers().get(2)).scale());
        assertEquals(List.of(), rules(spec));
        assertEquals(Init.HE_NORMAL, spec.initOf(1), "the ReLU after the dropout decides");
        assertEquals(Init.XAVIER_UNIFORM, spec(Loss.MSE, dense(8), new DropoutSpec(0.5, "N.d8"), dense(2)).initOf(0));
    }

    @Test
    void theDropoutRateIsInZeroToOneAndDropoutIsNeverLast() {
        for (double rate : new double[] {-0.1, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            Problem problem = spec(Loss.MSE, dense(8), new DropoutSpec(rate, "N.d8"), dense(1)).validate().getFirst();
            assertEquals(Rule.DROPOUT_RATE, problem.rule(), "rate " + rate);
            assertEquals(1, problem.layer());
            assertEquals("value", problem.attribute());
        }
        assertEquals("[Kiln/DropoutRate] N.d8: the dropout rate is the probability of dropping each value, so it must "
                + "be in [0, 1), got 1.0; e.g. @Dropout(0.5) or .dropout(0.5)", spec(Loss.MSE, dense(8),
                new DropoutSpec(1.0, "N.d8"), dense(1)).validate().getFirst().message());
        assertEquals(List.of(), rules(spec(Loss.MSE, dense(8), new DropoutSpec(0, "N.d8"), dense(1))));
        assertEquals(List.of(), rules(spec(Loss.MSE, dense(8), new DropoutSpec(0.99, "N.d8"), dense(1))));

        Problem last = spec(Loss.MSE, dense(8), new DropoutSpec(0.5, "N.d8")).validate().getFirst();
        assertEquals(Rule.DROPOUT_LAST, last.rule());
        assertEquals(1, last.layer());
        assertEquals(null, last.attribute());
        assertEquals("[Kiln/DropoutLast] N.d8: dropout is the last layer of network N, so in training it would drop "
                + "the outputs the loss reads; put it before the output layer, e.g. on a hidden one: "
                + "`@Dense(64) @Relu @Dropout(0.5) Layer hidden;`", last.message());
        assertEquals(List.of(Rule.DROPOUT_LAST), rules(spec(Loss.BINARY_CROSS_ENTROPY, dense(1), act(Activation.SIGMOID),
                new DropoutSpec(0.5, "N.d"))), "and only that: no loss is judged against a dropout");
    }

    @Test
    void preluCannotShareItsFieldWithADenseLayer() {
        Problem problem = spec(Loss.NONE, dense(3), new PReluSpec("N.d3")).validate().getFirst();
        assertEquals(Rule.PRELU_FIELD, problem.rule());
        assertEquals(1, problem.layer());
        assertEquals("[Kiln/PReluField] N.d3: PReLU learns a slope per feature, named d3.weight, but the Dense layer "
                + "declared with it already has a weight of that name; declare the PReLU on a field of its own, e.g. "
                + "`@Dense(16) Layer hidden; @PRelu Layer hiddenSlopes;`", problem.message());
        assertEquals(List.of(), rules(spec(Loss.NONE, dense(3), new PReluSpec("N.slopes"))));
    }

    @Test
    void theNewLossesMustFitTheLastLayer() {
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.MAE, dense(2), act(Activation.SOFTMAX))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.HINGE, dense(1), act(Activation.RELU))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.HINGE, dense(1), act(Activation.SIGMOID))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.MULTICLASS_HINGE, dense(3), act(Activation.SOFTMAX))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.MULTICLASS_HINGE, dense(1))));
        assertEquals(List.of(Rule.LOSS_MISMATCH), rules(spec(Loss.SOFTMAX_CROSS_ENTROPY, dense(3), new PReluSpec("N.p"))));
        assertEquals(List.of(), rules(spec(Loss.MAE, dense(2), act(Activation.SIGMOID))));
        assertEquals(List.of(), rules(spec(Loss.HINGE, dense(1), act(Activation.TANH))));
        assertEquals(List.of(), rules(spec(Loss.MULTICLASS_HINGE, dense(3), act(Activation.RELU))));
        assertEquals(List.of(), rules(spec(Loss.MEAN_BIAS_ERROR, dense(2), act(Activation.SOFTMAX))));
        assertEquals(List.of(), rules(spec(Loss.CONTRASTIVE, dense(2), act(Activation.TANH))));
        assertTrue(spec(Loss.MULTICLASS_HINGE, dense(1)).validate().getFirst().message()
                .endsWith("it needs at least 2 classes, but the network has 1 output; use HINGE for a single output"));
    }

    @Test
    void theContrastiveMarginMustBeFiniteAndPositive() {
        NetworkSpec bad = new NetworkSpec("N", List.of(4), List.of(dense(2)), Loss.CONTRASTIVE, 8, 0.0, List.of());
        Problem problem = bad.validate().getFirst();
        assertEquals(Rule.MARGIN, problem.rule());
        assertEquals("margin", problem.attribute());
        assertEquals("[Kiln/Margin] network N has contrastive margin 0.0, but it must be finite and positive; "
                + "e.g. margin = 1.0 or .loss(Loss.CONTRASTIVE, 1.0)", problem.message());
        assertEquals(List.of(), rules(new NetworkSpec("N", List.of(4), List.of(dense(2)), Loss.MSE, 8, Double.NaN,
                List.of())), "the margin only matters to a contrastive loss");
        assertEquals(List.of(Rule.MARGIN), rules(new NetworkSpec("N", List.of(4), List.of(dense(3)), Loss.MULTI_TASK, 8,
                Double.POSITIVE_INFINITY, List.of(new HeadSpec(1, Loss.MSE), new HeadSpec(2, Loss.CONTRASTIVE)))));
        assertEquals("CONTRASTIVE (margin 1.0)", spec(Loss.CONTRASTIVE, dense(2)).describeLoss());
    }

    private static NetworkSpec heads(LayerSpec last, HeadSpec... heads) {
        return new NetworkSpec("N", List.of(4), List.of(dense(4), last), Loss.MULTI_TASK, 8, 1.0, List.of(heads));
    }

    @Test
    void headsSplitTheOutputs() {
        NetworkSpec spec = heads(dense(4), new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY), new HeadSpec(1, Loss.MSE, 0.5));
        assertEquals(List.of(), rules(spec));
        assertEquals(3, spec.headStart(1));
        assertFalse(spec.lossFusesLastActivation());
        assertEquals("MULTI_TASK: 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2 + 0.5 x MSE on output 3",
                spec.describeLoss());
        assertEquals(Loss.MULTI_TASK, NetworkSpec.lossOf(Loss.NONE, spec.heads()));
        assertEquals(Loss.MSE, NetworkSpec.lossOf(Loss.MSE, spec.heads()), "kept, for validation to reject");
        assertEquals(Loss.NONE, NetworkSpec.lossOf(Loss.NONE, List.of()));
    }

    @Test
    void everyHeadRule() {
        Problem width = heads(dense(4), new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY), new HeadSpec(2, Loss.MSE))
                .validate().getFirst();
        assertEquals(Rule.HEADS_WIDTH, width.rule());
        assertEquals("heads", width.attribute());
        assertEquals("[Kiln/HeadsWidth] network N: its heads take 5 outputs (3 + 2), but the last layer N.d4 "
                + "(Dense(4)) gives 4; make the heads' units add up to 4", width.message());

        assertEquals(List.of(Rule.HEADS_WIDTH), rules(heads(dense(4), new HeadSpec(3, Loss.MSE))), "too few units too");

        Problem units = heads(dense(4), new HeadSpec(0, Loss.MSE), new HeadSpec(4, Loss.MSE)).validate().getFirst();
        assertEquals(List.of(Rule.HEAD_UNITS), rules(heads(dense(4), new HeadSpec(0, Loss.MSE), new HeadSpec(4, Loss.MSE))),
                "no width check with a head of no units");
        assertEquals("heads[0].units", units.attribute());
        assertEquals("[Kiln/HeadUnits] network N, head 1: units must be positive, got 0; give the number of outputs "
                + "the head takes, e.g. units = 3 or .head(3, ...)", units.message());

        Problem weight = heads(dense(4), new HeadSpec(4, Loss.MSE, -1)).validate().getFirst();
        assertEquals(Rule.HEAD_WEIGHT, weight.rule());
        assertEquals("heads[0].weight", weight.attribute());
        assertEquals(List.of(Rule.HEAD_WEIGHT), rules(heads(dense(4), new HeadSpec(4, Loss.MSE, Double.NaN))));

        assertEquals(List.of(Rule.HEAD_LOSS), rules(heads(dense(4), new HeadSpec(4, Loss.NONE))));
        assertEquals(List.of(Rule.HEAD_LOSS), rules(heads(dense(4), new HeadSpec(4, Loss.MULTI_TASK))));
        Problem classes = heads(dense(4), new HeadSpec(3, Loss.MSE), new HeadSpec(1, Loss.SOFTMAX_CROSS_ENTROPY))
                .validate().getFirst();
        assertEquals("heads[1].loss", classes.attribute());
        assertEquals("[Kiln/HeadLoss] network N, head 2: SOFTMAX_CROSS_ENTROPY needs at least 2 classes, but the head "
                + "takes 1 output; use BINARY_CROSS_ENTROPY for a single output", classes.message());

        Problem logits = heads(act(Activation.SIGMOID), new HeadSpec(3, Loss.BINARY_CROSS_ENTROPY),
                new HeadSpec(1, Loss.MSE)).validate().getFirst();
        assertEquals(Rule.HEAD_LAST_LAYER, logits.rule());
        assertEquals("[Kiln/HeadLastLayer] network N, head 1 (BINARY_CROSS_ENTROPY): it reads logits and applies its "
                + "own sigmoid, but the last layer N.sigmoid (sigmoid) applies to every output, across the heads; end "
                + "the network with a Dense layer and let each head's loss read its own outputs", logits.message());
        assertEquals(List.of(Rule.HEAD_LAST_LAYER), rules(heads(act(Activation.SIGMOID), new HeadSpec(3, Loss.MSE),
                new HeadSpec(1, Loss.HINGE))),
                "a hinge head on sigmoid outputs, as for a single hinge loss");
        assertEquals(List.of(Rule.HEAD_LAST_LAYER, Rule.HEAD_LAST_LAYER), rules(heads(act(Activation.SOFTMAX),
                new HeadSpec(3, Loss.MSE), new HeadSpec(1, Loss.MSE))), "softmax mixes the heads, whatever their loss");
        assertEquals(List.of(), rules(heads(act(Activation.TANH), new HeadSpec(3, Loss.MSE), new HeadSpec(1, Loss.HINGE))));

        Problem withLoss = new NetworkSpec("N", List.of(4), List.of(dense(4)), Loss.MSE, 8, 1.0,
                List.of(new HeadSpec(4, Loss.MSE))).validate().getFirst();
        assertEquals(Rule.HEADS_WITH_LOSS, withLoss.rule());
        assertEquals("loss", withLoss.attribute());
        assertEquals("[Kiln/HeadsWithLoss] network N declares heads and also loss MSE, but with heads the loss is the "
                + "heads' weighted sum (MULTI_TASK); remove the loss, or the heads", withLoss.message());
        Problem none = spec(Loss.MULTI_TASK, dense(4)).validate().getFirst();
        assertEquals(Rule.NO_HEADS, none.rule());
        assertEquals("loss", none.attribute());
    }

    private static List<Rule> rules(NetworkSpec spec) {
        return spec.validate().stream().map(Problem::rule).toList();
    }
}
