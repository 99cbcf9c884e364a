package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per message in the catalogue: the text, the file and the line it points at, and that no
 * class is generated for a network with an error.
 */
class ErrorMessagesTest {

    /**
     * Compiles {@code body} as {@code test/Net.java}, expects exactly {@code errors} errors, the first
     * containing {@code message} on the line containing {@code line}, and nothing generated.
     */
    private static void expectError(String body, String message, String line) {
        JavaFileObject file = Sources.source("Net", body);
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Sources.compile(processor, file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining(message).inFile(file).onLineContaining(line);
        assertEquals(List.of(), processor.created(), "nothing may be generated for an invalid network");
    }

    @Test
    void noInput() {
        expectError("""
                @Network(loss = Loss.MSE)
                class Net {
                    @Dense(1) Layer out;
                }
                """, "[Kiln/NoInput] network Net declares no input shape; give the number of input features, e.g. @Network(input = 4) or Kiln.input(4)",
                "@Network(loss");
    }

    @Test
    void inputDimensionMustBePositive() {
        expectError("""
                @Network(
                    input = 0,
                    loss = Loss.MSE)
                class Net {
                    @Dense(1) Layer out;
                }
                """, "[Kiln/InputDimension] network Net has input shape [0], but every dimension must be positive",
                "input = 0");
    }

    @Test
    void denseNeedsAFlatInput() {
        expectError("""
                @Network(input = {1, 28, 28})
                class Net {
                    @Dense(1) Layer out;
                }
                """, "[Kiln/NeedsFlat] Net.out: Dense takes a flat input, but its input is the image 1x28x28; flatten "
                        + "it first, e.g. a field `@Flatten Layer flat;` before it, or .flatten()",
                "@Dense(1) Layer out");
    }

    @Test
    void anInputOfRankFourIsNotAShape() {
        expectError("""
                @Network(input = {2, 1, 28, 28})
                class Net {
                    @Dense(1) Layer out;
                }
                """, "[Kiln/InputRank] network Net has input shape [2, 1, 28, 28] of rank 4", "input = {2, 1, 28, 28}");
    }

    @Test
    void windowsThatDoNotFitPointAtTheStride() {
        expectError("""
                @Network(input = {1, 28, 28})
                class Net {
                    @Conv2d(filters = 6, kernel = 5,
                            stride = 2) Layer conv;
                    @Flatten Layer flat;
                    @Dense(1) Layer out;
                }
                """, "[Kiln/WindowShape] Net.conv: Conv2d over 28 rows: (28 - 5 + 2 x 0) / 2 + 1 = 12.5, not a whole "
                        + "number; use stride 1 (gives 24), or Conv2d.SAME padding (gives 14)",
                "stride = 2) Layer conv");
    }

    @Test
    void aKernelTooLargePointsAtTheKernel() {
        expectError("""
                @Network(input = {1, 4, 4})
                class Net {
                    @MaxPool2d(value = 5,
                               stride = 1) Layer pool;
                }
                """, "[Kiln/WindowShape] Net.pool: MaxPool2d over 4 rows: (4 - 5 + 2 x 0) / 1 + 1 = 0, so no window fits",
                "@MaxPool2d(value = 5");
    }

    @Test
    void aWindowTakesOneOrTwoValues() {
        expectError("""
                @Network(input = {1, 8, 8})
                class Net {
                    @Conv2d(filters = 2, kernel = {3, 3, 3}) Layer conv;
                }
                """, "[Kiln/WindowValues] Net.conv: @Conv2d kernel takes one value, or two for {down, across}, but got 3",
                "kernel = {3, 3, 3}");
    }

    @Test
    void twoMainLayersOnOneFieldConflict() {
        expectError("""
                @Network(input = {1, 8, 8})
                class Net {
                    @Conv2d(filters = 2, kernel = 3) @MaxPool2d(2) Layer conv;
                }
                """, "[Kiln/ConflictingAnnotations] field Net.conv has both @Conv2d and @MaxPool2d", "Layer conv");
    }

    @Test
    void batchNormNeedsAFieldOfItsOwn() {
        expectError("""
                @Network(input = {1, 8, 8})
                class Net {
                    @Conv2d(filters = 2, kernel = 3) @BatchNorm Layer conv;
                }
                """, "[Kiln/ParameterField] Net.conv: batch norm learns parameters named conv.weight and conv.bias",
                "@BatchNorm Layer conv");
    }

    @Test
    void aRecurrentLayerNeedsASequence() {
        expectError("""
                @Network(input = 40, loss = Loss.MSE)
                class Net {
                    @Lstm(16) Layer lstm;
                }
                """, "[Kiln/NeedsSequence] Net.lstm: LSTM works on sequences [steps, features], but its input is 40 "
                        + "features", "@Lstm(16)");
    }

    @Test
    void oneHotMustComeFirst() {
        expectError("""
                @Network(input = {8, 3})
                class Net {
                    @Gru(4) Layer gru;
                    @OneHot(5) Layer ids;
                }
                """, "[Kiln/IdsFirst] Net.ids: OneHot reads the network's input as ids, so it must be the first layer, "
                        + "but it is layer 2 of 2; move it to the start", "@OneHot(5)");
    }

    @Test
    void maxBatchMustBePositive() {
        expectError("""
                @Network(input = 4,
                         maxBatch = -1)
                class Net {
                    @Dense(1) Layer out;
                }
                """, "[Kiln/MaxBatch] network Net has maxBatch = -1, but it must be positive", "maxBatch = -1");
    }

    @Test
    void emptyNetwork() {
        expectError("""
                @Network(input = 4)
                class Net {
                    int notALayer;
                }
                """, "[Kiln/EmptyNetwork] network Net has no layers; declare at least one", "@Network(input = 4)");
    }

    @Test
    void unitsMustBePositive() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(0) Layer out;
                }
                """, "[Kiln/Units] Net.out: Dense units must be positive, got 0; give the number of output features, e.g. @Dense(16) or .dense(16)",
                "@Dense(0)");
    }

    @Test
    void initScaleMustBePositive() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(value = 3, init = Init.NORMAL,
                           scale = -0.5) Layer out;
                }
                """, "[Kiln/InitScale] Net.out: the NORMAL init scale must be finite and positive, got -0.5; e.g. scale = 0.01",
                "scale = -0.5");
    }

    @Test
    void leakyReluAlphaOutOfRange() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(3) @LeakyRelu(alpha = 1.5) Layer out;
                }
                """, "[Kiln/ActivationParameter] Net.out: leaky ReLU alpha must be finite and in [0, 1), got 1.5; e.g. alpha = 0.01",
                "alpha = 1.5");
    }

    @Test
    void eluAlphaMustBePositive() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(3)
                    @Elu(alpha = 0) Layer out;
                }
                """, "[Kiln/ActivationParameter] Net.out: ELU alpha must be finite and positive, got 0.0; e.g. alpha = 1.0",
                "@Elu(alpha = 0)");
    }

    @Test
    void parametersThatDoNotFitInAnArray() {
        expectError("""
                @Network(input = 60000)
                class Net {
                    @Dense(40000) Layer out;
                }
                """, "[Kiln/TooLarge] Net.out: the parameter array, up to this layer, needs 2,400,040,000 values, "
                        + "more than a Java array holds (2,147,483,639); use fewer units",
                "@Dense(40000)");
    }

    @Test
    void unrolledLayersHaveALimit() {
        expectError("""
                @Network(input = 10)
                class Net {
                    @Dense(value = 10, tier = Tier.UNROLLED) Layer out;
                }
                """, "[Kiln/UnrolledTooLarge] Net.out: Tier.UNROLLED writes code for each weight and output, but this "
                        + "layer (10 x 10) has 100 weights, and it allows at most 96 weights and 32 outputs; use "
                        + "Tier.AUTO or Tier.LOOPS",
                "tier = Tier.UNROLLED");
    }

    @Test
    void softmaxOnlyLast() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(8)
                    @Softmax Layer hidden;
                    @Dense(3) Layer out;
                }
                """, "[Kiln/SoftmaxNotLast] Net.hidden: softmax must be the last layer, but it is layer 2 of 3; "
                        + "move it to the end, or use another activation here",
                "@Softmax");
    }

    @Test
    void softmaxCrossEntropyNeedsSoftmaxOrLogits() {
        expectError("""
                @Network(input = 4,
                         loss = Loss.SOFTMAX_CROSS_ENTROPY)
                class Net {
                    @Dense(3) @Sigmoid Layer out;
                }
                """, "[Kiln/LossMismatch] loss SOFTMAX_CROSS_ENTROPY does not fit the last layer Net.out (sigmoid) of network Net: "
                        + "it needs a softmax or logits; end with @Softmax or with no activation",
                "loss = Loss.SOFTMAX_CROSS_ENTROPY");
    }

    @Test
    void softmaxCrossEntropyNeedsTwoClasses() {
        expectError("""
                @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
                class Net {
                    @Dense(1) Layer out;
                }
                """, "it needs at least 2 classes, but the network has 1 output; use BINARY_CROSS_ENTROPY for a single output",
                "loss = Loss.SOFTMAX_CROSS_ENTROPY");
    }

    @Test
    void binaryCrossEntropyNeedsSigmoidOrLogits() {
        expectError("""
                @Network(input = 4, loss = Loss.BINARY_CROSS_ENTROPY)
                class Net {
                    @Dense(2) @Softmax Layer out;
                }
                """, "[Kiln/LossMismatch] loss BINARY_CROSS_ENTROPY does not fit the last layer Net.out (softmax) of network Net: "
                        + "it needs probabilities from a sigmoid, or logits",
                "loss = Loss.BINARY_CROSS_ENTROPY");
    }

    @Test
    void squaredErrorOnSoftmax() {
        expectError("""
                @Network(input = 4, loss = Loss.MSE)
                class Net {
                    @Dense(2) @Softmax Layer out;
                }
                """, "[Kiln/LossMismatch] loss MSE does not fit the last layer Net.out (softmax) of network Net: "
                        + "a softmax output under squared error learns slowly",
                "loss = Loss.MSE");
    }

    @Test
    void preluNeedsAFieldOfItsOwn() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(3)
                    @PRelu Layer out;
                }
                """, "[Kiln/PReluField] Net.out: PReLU learns a slope per feature, named out.weight, but the Dense layer "
                        + "declared with it already has a weight of that name; declare the PReLU on a field of its own, "
                        + "e.g. `@Dense(16) Layer hidden; @PRelu Layer hiddenSlopes;`",
                "@PRelu Layer out;");
    }

    @Test
    void maxoutNeedsTwoPieces() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(3)
                    @Maxout(1) Layer out;
                }
                """, "[Kiln/MaxoutPieces] Net.out: maxout needs at least 2 pieces per output, got 1; e.g. @Maxout(2) or .maxout(2)",
                "@Maxout(1)");
    }

    @Test
    void maxoutNeedsAWidthItDivides() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(10)
                    @Maxout(4) Layer hidden;
                    @Dense(1) Layer out;
                }
                """, "[Kiln/MaxoutWidth] Net.hidden: maxout takes the largest of each group of 4 consecutive features, "
                        + "but its input has 10 features, not a multiple of 4; make the layer before it 8 or 12 features "
                        + "wide, or take a k that divides 10",
                "@Maxout(4)");
    }

    @Test
    void dropoutRateOutOfRange() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(8) @Relu
                    @Dropout(1.0) Layer hidden;
                    @Dense(1) Layer out;
                }
                """, "[Kiln/DropoutRate] Net.hidden: the dropout rate is the probability of dropping each value, so it "
                        + "must be in [0, 1), got 1.0; e.g. @Dropout(0.5) or .dropout(0.5)",
                "@Dropout(1.0)");
    }

    @Test
    void dropoutCannotBeLast() {
        expectError("""
                @Network(input = 4, loss = Loss.MSE)
                class Net {
                    @Dense(8) @Relu Layer hidden;
                    @Dense(1)
                    @Dropout(0.5) Layer out;
                }
                """, "[Kiln/DropoutLast] Net.out: dropout is the last layer of network Net, so in training it would drop "
                        + "the outputs the loss reads; put it before the output layer, e.g. on a hidden one: "
                        + "`@Dense(64) @Relu @Dropout(0.5) Layer hidden;`",
                "@Dropout(0.5) Layer out;");
    }

    @Test
    void contrastiveMarginMustBePositive() {
        expectError("""
                @Network(input = 4, loss = Loss.CONTRASTIVE,
                         margin = -1)
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/Margin] network Net has contrastive margin -1.0, but it must be finite and positive; "
                        + "e.g. margin = 1.0 or .loss(Loss.CONTRASTIVE, 1.0)",
                "margin = -1");
    }

    @Test
    void absoluteErrorOnSoftmax() {
        expectError("""
                @Network(input = 4, loss = Loss.MAE)
                class Net {
                    @Dense(2) @Softmax Layer out;
                }
                """, "[Kiln/LossMismatch] loss MAE does not fit the last layer Net.out (softmax) of network Net: "
                        + "a softmax output under absolute error learns slowly and is rarely meant",
                "loss = Loss.MAE");
    }

    @Test
    void hingeNeedsScoresThatCanBeNegative() {
        expectError("""
                @Network(input = 4, loss = Loss.HINGE)
                class Net {
                    @Dense(1) @Relu Layer out;
                }
                """, "[Kiln/LossMismatch] loss HINGE does not fit the last layer Net.out (ReLU) of network Net: its "
                        + "outputs are never negative, so a target of -1 is never met; end with no activation (scores), "
                        + "or with @Tanh",
                "loss = Loss.HINGE");
    }

    @Test
    void multiclassHingeNeedsScores() {
        expectError("""
                @Network(input = 4, loss = Loss.MULTICLASS_HINGE)
                class Net {
                    @Dense(3) @Sigmoid Layer out;
                }
                """, "[Kiln/LossMismatch] loss MULTICLASS_HINGE does not fit the last layer Net.out (sigmoid) of network "
                        + "Net: its outputs lie between 0 and 1, so no score can beat another by the margin of 1; end "
                        + "with no activation (scores)",
                "loss = Loss.MULTICLASS_HINGE");
    }

    @Test
    void multiclassHingeNeedsTwoClasses() {
        expectError("""
                @Network(input = 4, loss = Loss.MULTICLASS_HINGE)
                class Net {
                    @Dense(1) Layer out;
                }
                """, "it needs at least 2 classes, but the network has 1 output; use HINGE for a single output",
                "loss = Loss.MULTICLASS_HINGE");
    }

    @Test
    void headsWithAnotherLoss() {
        expectError("""
                @Network(input = 4,
                         loss = Loss.MSE,
                         heads = {@Head(units = 2, loss = Loss.MSE)})
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/HeadsWithLoss] network Net declares heads and also loss MSE, but with heads the loss is the "
                        + "heads' weighted sum (MULTI_TASK); remove the loss, or the heads",
                "loss = Loss.MSE,");
    }

    @Test
    void multiTaskWithoutHeads() {
        expectError("""
                @Network(input = 4,
                         loss = Loss.MULTI_TASK)
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/NoHeads] network Net has loss MULTI_TASK but no heads; declare them, e.g. heads = "
                        + "{@Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY), @Head(units = 1, loss = Loss.MSE)} or "
                        + ".head(3, Loss.SOFTMAX_CROSS_ENTROPY).head(1, Loss.MSE)",
                "loss = Loss.MULTI_TASK");
    }

    @Test
    void headUnitsMustBePositive() {
        expectError("""
                @Network(input = 4, heads = {
                        @Head(units = 2, loss = Loss.MSE),
                        @Head(units = 0,
                              loss = Loss.MAE)})
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/HeadUnits] network Net, head 2: units must be positive, got 0; give the number of outputs "
                        + "the head takes, e.g. units = 3 or .head(3, ...)",
                "@Head(units = 0,");
    }

    @Test
    void headWeightMustBePositive() {
        expectError("""
                @Network(input = 4, heads = {
                        @Head(units = 2, loss = Loss.MSE,
                              weight = -0.5)})
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/HeadWeight] network Net, head 1: weight must be finite and positive, got -0.5; "
                        + "e.g. weight = 1.0 or .head(3, Loss.MSE, 1.0)",
                "weight = -0.5");
    }

    @Test
    void aHeadNeedsALossOfItsOwn() {
        expectError("""
                @Network(input = 4, heads = {
                        @Head(units = 1, loss = Loss.MSE),
                        @Head(units = 1,
                              loss = Loss.NONE)})
                class Net {
                    @Dense(2) Layer out;
                }
                """, "[Kiln/HeadLoss] network Net, head 2: NONE is not a loss a head can have; give the head a loss of "
                        + "its own, e.g. Loss.MSE",
                "loss = Loss.NONE");
    }

    @Test
    void headsMustCoverTheOutputs() {
        expectError("""
                @Network(input = 4,
                         heads = {@Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY), @Head(units = 2, loss = Loss.MSE)})
                class Net {
                    @Dense(4) Layer out;
                }
                """, "[Kiln/HeadsWidth] network Net: its heads take 5 outputs (3 + 2), but the last layer Net.out "
                        + "(Dense(4)) gives 4; make the heads' units add up to 4",
                "heads = {@Head(units = 3");
    }

    @Test
    void aSoftmaxHeadNeedsLogits() {
        expectError("""
                @Network(input = 4, heads = {
                        @Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY),
                        @Head(units = 1, loss = Loss.MSE)})
                class Net {
                    @Dense(4) @Softmax Layer out;
                }
                """, "[Kiln/HeadLastLayer] network Net, head 1 (SOFTMAX_CROSS_ENTROPY): the last layer Net.out "
                        + "(softmax) normalizes across every head's outputs; end the network with a Dense layer and let "
                        + "each head's loss read its own outputs",
                "@Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY)");
    }

    @Test
    void aMaxoutAndAnotherActivationOnOneField() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(4) @Maxout(2)
                    @Relu Layer out;
                }
                """, "[Kiln/ConflictingAnnotations] field Net.out has both @Maxout and @Relu, but a field declares at "
                        + "most one activation",
                "@Relu Layer out;");
    }

    @Test
    void notAClass() {
        expectError("""
                @Network(input = 4)
                interface Net {
                }
                """, "[Kiln/NotAClass] @Network must annotate a class, but Net is a interface", "@Network(input = 4)");
    }

    @Test
    void privateNestedClassIsUnreachable() {
        JavaFileObject file = Sources.source("Outer", """
                class Outer {
                    @Network(input = 4)
                    private static class Net {
                        @Dense(2) Layer out;
                    }
                }
                """);
        Compilation compilation = Sources.compile(file);
        assertThat(compilation).hadErrorContaining(
                        "[Kiln/Unreachable] network class Outer.Net is private, so the generated class KilnOuter_Net cannot reach it; "
                                + "make it package-private or public")
                .inFile(file).onLineContaining("@Network(input = 4)");
    }

    @Test
    void innerClassIsUnreachable() {
        JavaFileObject file = Sources.source("Outer", """
                class Outer {
                    @Network(input = 4)
                    class Net {
                        @Dense(2) Layer out;
                    }
                }
                """);
        assertThat(Sources.compile(file)).hadErrorContaining(
                        "network class Outer.Net is an inner (non-static) class, so the generated class KilnOuter_Net cannot reach it; "
                                + "declare it static")
                .inFile(file).onLineContaining("@Network(input = 4)");
    }

    @Test
    void layerFieldOfWrongType() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(2) int out;
                }
                """, "[Kiln/LayerType] field Net.out carries layer annotations but has type int; declare it as dev.kiln.dsl.Layer",
                "int out;");
    }

    @Test
    void layerFieldWithoutAnnotation() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(2) Layer hidden;
                    Layer forgotten;
                }
                """, "[Kiln/NoLayerAnnotation] field Net.forgotten has type Layer but no layer annotation", "Layer forgotten;");
    }

    @Test
    void twoActivationsOnOneField() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(2) @Relu
                    @Tanh Layer out;
                }
                """, "[Kiln/ConflictingAnnotations] field Net.out has both @Relu and @Tanh, but a field declares at most one activation",
                "@Tanh");
    }

    @Test
    void staticLayerField() {
        expectError("""
                @Network(input = 4)
                class Net {
                    @Dense(2) static Layer out;
                }
                """, "[Kiln/StaticLayer] field Net.out is static, but layers are per network instance", "static Layer out;");
    }

    @Test
    void twoNetworksGeneratingTheSameClass() {
        JavaFileObject nested = Sources.source("Outer", """
                class Outer {
                    @Network(input = 4)
                    static class Net {
                        @Dense(2) Layer out;
                    }
                }
                """);
        JavaFileObject flat = Sources.source("Outer_Net", """
                @Network(input = 4)
                class Outer_Net {
                    @Dense(2) Layer out;
                }
                """);
        Compilation compilation = Sources.compile(nested, flat);
        assertThat(compilation).hadErrorContaining("[Kiln/GeneratedNameTaken] ");
        assertThat(compilation).hadErrorContaining(" would generate class test.KilnOuter_Net, which ");
        assertThat(compilation).hadErrorCount(1);
    }

    @Test
    void everyErrorIsReportedAndOtherNetworksStillCompile() {
        JavaFileObject bad = Sources.source("Bad", """
                @Network(input = 4)
                class Bad {
                    @Dense(0) Layer a;
                    @Dense(-3) @Elu(alpha = -1) Layer b;
                }
                """);
        JavaFileObject good = Sources.source("Good", """
                @Network(input = 4)
                class Good {
                    @Dense(2) Layer out;
                }
                """);
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Sources.compile(processor, bad, good);
        long errors = compilation.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).count();
        assertEquals(3, errors, compilation.diagnostics().toString());
        assertEquals(List.of("test.KilnGood"), processor.created());
    }

    @Test
    void aValidNetworkCompilesCleanUnderLintAsErrors() {
        Compilation compilation = Sources.compile(JavaFileObjects.forSourceString("test.Net", """
                package test;
                import dev.kiln.dsl.*;
                import dev.kiln.spec.Loss;
                @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
                class Net {
                    @Dense(8) @Tanh Layer hidden;
                    @Dense(3) @Softmax Layer out;
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
    }
}
