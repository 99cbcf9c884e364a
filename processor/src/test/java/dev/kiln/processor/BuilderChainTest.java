package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.dsl.Kiln;
import dev.kiln.spec.Activation;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Compile} builder fields: the processor reads the chain from the source, generates the same
 * code as for the annotated declaration, and reports every chain it cannot follow at the expression at
 * fault.
 */
class BuilderChainTest {

    private static final String IMPORTS = """
            package test;

            import dev.kiln.dsl.Compile;
            import dev.kiln.dsl.Kiln;
            import dev.kiln.spec.Activation;
            import dev.kiln.spec.Init;
            import dev.kiln.spec.Loss;
            import dev.kiln.spec.NetworkSpec;

            """;

    private static JavaFileObject models(String body) {
        return JavaFileObjects.forSourceString("test.Models", IMPORTS + body);
    }

    /** Compiles {@code body} as {@code test.Models}, expecting one error containing {@code message} on the line containing {@code line}. */
    private static void expectError(String body, String message, String line) {
        JavaFileObject file = models(body);
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Sources.compile(processor, file);
        assertThat(compilation).hadErrorContaining(message).inFile(file).onLineContaining(line);
        assertEquals(List.of(), processor.created(), "nothing may be generated for an invalid chain");
    }

    // ---------------------------------------------------------------- what is generated

    @Test
    void annotationsAndBuilderGenerateTheSameClass() throws IOException {
        Compilation annotated = Sources.compile(Sources.source("Iris", """
                @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
                class Iris {
                    @Dense(16) @Relu Layer hidden;
                    @Dense(3) Layer out;
                }
                """));
        Compilation built = Sources.compile(models("""
                class Models {
                    @Compile
                    static final NetworkSpec IRIS = Kiln.network("Iris").input(4)
                            .dense(16).named("hidden").relu()
                            .dense(3).named("out")
                            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                            .build();
                }
                """));
        assertThat(annotated).succeededWithoutWarnings();
        assertThat(built).succeededWithoutWarnings();
        String fromAnnotations = source(annotated, "test.KilnIris");
        String fromBuilder = source(built, "test.KilnIris");
        // The one line that differs is the link to the declaration.
        assertEquals(fromAnnotations.replace("{@link Iris}", "{@link Models#IRIS}"), fromBuilder);
    }

    @Test
    void theGeneratedSpecEqualsTheChainsValueAtRunTime() {
        Compilation compilation = Sources.compile(models("""
                class Models {
                    @Compile
                    static final NetworkSpec SMALL_NET = Kiln.input(3)
                            .dense(5).noBias().init(Init.UNIFORM, 0.5).tanh()
                            .dense(2).leakyRelu(0.2)
                            .elu()
                            .dense(1).sigmoid()
                            .loss(Loss.BINARY_CROSS_ENTROPY)
                            .maxBatch(7)
                            .build();
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
        NetworkSpec expected = Kiln.input(3)
                .dense(5).noBias().init(Init.UNIFORM, 0.5).tanh()
                .dense(2).leakyRelu(0.2)
                .elu()
                .dense(1).sigmoid()
                .loss(Loss.BINARY_CROSS_ENTROPY)
                .maxBatch(7)
                .build();
        assertEquals(expected, Sources.load(compilation, "test.KilnSmallNet").spec());
    }

    @Test
    void preluMaxoutAndHeadsGenerateTheSameClassBothWays() throws IOException {
        Compilation annotated = Sources.compile(Sources.source("Tagger", """
                @Network(input = 6, maxBatch = 16, margin = 2.0, heads = {
                        @Head(units = 2, loss = Loss.CONTRASTIVE),
                        @Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY, weight = 0.5)})
                class Tagger {
                    @Dense(12) @Maxout(3) Layer hidden;
                    @PRelu Layer slopes;
                    @Dense(5) Layer out;
                }
                """));
        Compilation built = Sources.compile(models("""
                class Models {
                    @Compile
                    static final NetworkSpec TAGGER = Kiln.network("Tagger").input(6)
                            .dense(12).named("hidden").maxout(3)
                            .prelu().named("slopes")
                            .dense(5).named("out")
                            .head(2, Loss.CONTRASTIVE)
                            .head(3, Loss.SOFTMAX_CROSS_ENTROPY, 0.5)
                            .loss(Loss.MULTI_TASK, 2.0)
                            .maxBatch(16)
                            .build();
                }
                """));
        assertThat(annotated).succeededWithoutWarnings();
        assertThat(built).succeededWithoutWarnings();
        assertEquals(source(annotated, "test.KilnTagger").replace("{@link Tagger}", "{@link Models#TAGGER}"),
                source(built, "test.KilnTagger"));
    }

    @Test
    void dropoutGeneratesTheSameClassBothWays() throws IOException {
        Compilation annotated = Sources.compile(Sources.source("Regularized", """
                @Network(input = 6, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 16)
                class Regularized {
                    @Dropout(0.2) Layer inputDropout;
                    @Dense(12) @Relu @Dropout(0.5) Layer hidden;
                    @PRelu @Dropout(0.25) Layer slopes;
                    @Dense(3) Layer out;
                }
                """));
        Compilation built = Sources.compile(models("""
                class Models {
                    static final double RATE = 0.25;

                    @Compile
                    static final NetworkSpec REGULARIZED = Kiln.network("Regularized").input(6)
                            .dropout(0.2).named("inputDropout")
                            .dense(12).named("hidden").relu().dropout(2 * RATE)
                            .prelu().named("slopes").dropout(RATE)
                            .dense(3).named("out")
                            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                            .maxBatch(16)
                            .build();
                }
                """));
        assertThat(annotated).succeededWithoutWarnings();
        assertThat(built).succeededWithoutWarnings();
        assertEquals(source(annotated, "test.KilnRegularized").replace("{@link Regularized}", "{@link Models#REGULARIZED}"),
                source(built, "test.KilnRegularized"));
        assertEquals(Kiln.network("Regularized").input(6).dropout(0.2).named("inputDropout")
                        .dense(12).named("hidden").relu().dropout(0.5).prelu().named("slopes").dropout(0.25)
                        .dense(3).named("out").loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(16).build(),
                Sources.load(built, "test.KilnRegularized").spec());
    }

    @Test
    void aDropoutRatePointsAtItsArgument() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(5).relu()
                            .dropout(
                                    -0.5)
                            .dense(1)
                            .build();
                }
                """, "[Kiln/DropoutRate] Network.dense1: the dropout rate is the probability of dropping each value, so it "
                        + "must be in [0, 1), got -0.5", "-0.5)");
    }

    @Test
    void theNewCallsReplayToTheChainsValue() {
        Compilation compilation = Sources.compile(models("""
                class Models {
                    static final double MARGIN = 0.5;

                    @Compile
                    static final NetworkSpec PAIRS = Kiln.input(4)
                            .dense(6).maxout(2)
                            .prelu()
                            .dense(3)
                            .loss(Loss.CONTRASTIVE, 4 * MARGIN)
                            .build();

                    @Compile
                    static final NetworkSpec HEADS = Kiln.input(4)
                            .dense(3)
                            .head(2, Loss.MULTICLASS_HINGE)
                            .head(1, Loss.HINGE, 3 * MARGIN)
                            .build();
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals(Kiln.input(4).dense(6).maxout(2).prelu().dense(3).loss(Loss.CONTRASTIVE, 2.0).build(),
                Sources.load(compilation, "test.KilnPairs").spec());
        assertEquals(Kiln.input(4).dense(3).head(2, Loss.MULTICLASS_HINGE).head(1, Loss.HINGE, 1.5).build(),
                Sources.load(compilation, "test.KilnHeads").spec());
    }

    @Test
    void argumentsMayBeConstantsFromAnywhereTheClassSees() {
        JavaFileObject sizes = JavaFileObjects.forSourceString("test.Sizes", """
                package test;

                public final class Sizes {
                    public static final int FEATURES = 6;
                    public static final double SLOPE = 0.25;
                }
                """);
        JavaFileObject models = JavaFileObjects.forSourceString("test.Models", """
                package test;

                import static dev.kiln.dsl.Kiln.input;
                import static dev.kiln.spec.Loss.MSE;

                import dev.kiln.dsl.Compile;
                import dev.kiln.spec.Activation;
                import dev.kiln.spec.NetworkSpec;

                class Models {
                    static final int HIDDEN = 2 * 4;
                    static final String NAME = "hidden";

                    static final class Inner {
                        @Compile
                        static final NetworkSpec REGRESSOR = input(Sizes.FEATURES)
                                .dense(HIDDEN + 1).named(NAME + "1").activation(Activation.LEAKY_RELU, Sizes.SLOPE / 2)
                                .dense((int) 2.9).named("out")
                                .loss(MSE)
                                .maxBatch(HIDDEN > 4 ? 16 : 32)
                                .build();
                    }

                    @Compile
                    static final NetworkSpec QUALIFIED = dev.kiln.dsl.Kiln.input(-(-2)).dense('\\u0003').build();
                }
                """);
        Compilation compilation = Sources.compile(sizes, models);
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals(Kiln.input(6)
                        .dense(9).named("hidden1").activation(Activation.LEAKY_RELU, 0.125)
                        .dense(2).named("out")
                        .loss(Loss.MSE)
                        .maxBatch(16)
                        .build(),
                Sources.load(compilation, "test.KilnRegressor").spec());
        assertEquals(Kiln.input(2).dense(3).build(), Sources.load(compilation, "test.KilnQualified").spec());
    }

    @Test
    void aStringJoinedWithAnEnumConstantIsNotAConstant() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(3).named("block" + Loss.MSE)
                            .build();
                }
                """, "(a string joined with an enum constant, which Java computes at run time)", ".named(");
    }

    @Test
    void comparisonsWithNaNAreFalseAsInJava() {
        Compilation compilation = Sources.compile(models("""
                class Models {
                    static final double NOT_A_NUMBER = 0.0 / 0.0;

                    @Compile
                    static final NetworkSpec NAN_CHECK = Kiln.input(2)
                            .dense(NOT_A_NUMBER == NOT_A_NUMBER ? 5 : 3)
                            .build();
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals(3, ((dev.kiln.spec.DenseSpec) Sources.load(compilation, "test.KilnNanCheck").spec().layers()
                .get(0)).units());
    }

    private static String source(Compilation compilation, String name) throws IOException {
        return compilation.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
    }

    // ---------------------------------------------------------------- errors

    @Test
    void anArgumentThatIsNotAConstant() {
        expectError("""
                class Models {
                    static int width() { return 3; }

                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(width())
                            .build();
                }
                """, "[Kiln/NotConstant] @Compile field Models.NET: argument 1 of dense(...) is not a compile-time "
                + "constant (a method call); write a literal, a static final constant or an enum constant, e.g. 16",
                "dense(width())");
    }

    @Test
    void aFieldThatIsNotFinal() {
        expectError("""
                class Models {
                    static int width = 3;

                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(width)
                            .build();
                }
                """, "argument 1 of dense(...) is not a compile-time constant (width is not final)", ".dense(width)");
    }

    @Test
    void aChainThatDoesNotStartAtKiln() {
        expectError("""
                class Models {
                    static final dev.kiln.dsl.NetworkBuilder BASE = Kiln.input(4);

                    @Compile
                    static final NetworkSpec NET = BASE
                            .dense(3)
                            .build();
                }
                """, "[Kiln/NotAChain] @Compile field Models.NET: it starts at BASE; the initializer must be one "
                + "builder chain, from Kiln.input(...) or Kiln.network(...) to .build()", "NET = BASE");
    }

    @Test
    void aChainThatDoesNotEndWithBuild() {
        expectError("""
                class Models {
                    static NetworkSpec make() { return Kiln.input(4).dense(3).build(); }

                    @Compile
                    static final NetworkSpec NET = make();
                }
                """, "[Kiln/NotAChain] @Compile field Models.NET: it does not end with .build()", "= make();");
    }

    @Test
    void aFieldThatIsNotStaticFinalNetworkSpec() {
        expectError("""
                class Models {
                    @Compile
                    NetworkSpec net = Kiln.input(4).dense(3).build();
                }
                """, "[Kiln/CompileField] @Compile field Models.net is not static and is not final; declare it as "
                + "`static final NetworkSpec net = Kiln.input(...)...build();`", "NetworkSpec net");
    }

    @Test
    void specRulesPointAtTheArgumentAtFault() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(16).relu()
                            .dense(0)
                            .build();
                }
                """, "[Kiln/Units] Network.dense2: Dense units must be positive, got 0", ".dense(0)");
    }

    @Test
    void aLossThatDoesNotFitPointsAtTheLossCall() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(3).relu()
                            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                            .build();
                }
                """, "[Kiln/LossMismatch] loss SOFTMAX_CROSS_ENTROPY does not fit the last layer", ".loss(");
    }

    @Test
    void aHeadProblemPointsAtTheHeadsArgument() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(3)
                            .head(2, Loss.MSE)
                            .head(1, Loss.MSE,
                                    -1.0)
                            .build();
                }
                """, "[Kiln/HeadWeight] network Network, head 2: weight must be finite and positive, got -1.0", "-1.0)");
    }

    @Test
    void aMaxoutProblemPointsAtItsPieces() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(5)
                            .maxout(
                                    2)
                            .build();
                }
                """, "[Kiln/MaxoutWidth] Network.dense1: maxout takes the largest of each group of 2 consecutive features", "2)");
    }

    @Test
    void aMarginProblemPointsAtTheMargin() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(2)
                            .loss(Loss.CONTRASTIVE,
                                    0.0)
                            .build();
                }
                """, "[Kiln/Margin] network Network has contrastive margin 0.0", "0.0)");
    }

    @Test
    void builderRulesPointAtTheCall() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(3).relu()
                            .noBias()
                            .build();
                }
                """, "[Kiln/BuilderOrder] noBias() must directly follow dense(...)", ".noBias()");
    }

    @Test
    void aDuplicateLayerNamePointsAtTheName() {
        expectError("""
                class Models {
                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(3).named("a")
                            .dense(2).named("a")
                            .build();
                }
                """, "[Kiln/LayerName] named(\"a\"): layer name \"a\" is already the name of block 1", ".dense(2)");
    }

    @Test
    void anArgumentOfTheWrongType() {
        expectError("""
                class Models {
                    static final String UNITS = "3";

                    @Compile
                    static final NetworkSpec NET = Kiln.input(4)
                            .dense(UNITS)
                            .build();
                }
                """, "[Kiln/NotAChain] @Compile field Models.NET: argument 1 of dense(...) must be an int, not \"3\"",
                ".dense(UNITS)");
    }

    @Test
    void twoDeclarationsOfOneGeneratedClass() {
        JavaFileObject iris = Sources.source("Iris", """
                @Network(input = 4)
                class Iris {
                    @Dense(2) Layer out;
                }
                """);
        JavaFileObject models = models("""
                class Models {
                    @Compile
                    static final NetworkSpec IRIS = Kiln.input(4).dense(2).build();
                }
                """);
        Compilation compilation = Sources.compile(iris, models);
        assertThat(compilation).hadErrorContaining(
                "[Kiln/GeneratedNameTaken] Models#IRIS would generate class test.KilnIris, which Iris also generates");
    }
}
