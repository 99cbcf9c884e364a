package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Generated source compared as text with files under {@code src/test/resources/goldens/GoldenTest/<method>/},
 * so that comments and layout count. After an intended change to generated code, rerun with
 * {@code -Dkiln.updateGoldens=true} and review the diff of the golden files.
 */
class GoldenTest {

    private static final Path GOLDENS = Path.of(System.getProperty("kiln.goldens", "src/test/resources/goldens"));

    @Test
    void irisClassifier(TestInfo test) throws IOException {
        check(test, "Iris", "test.KilnIris", """
                @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
                class Iris {
                    @Dense(16) @Relu Layer hidden;
                    @Dense(3) Layer out;
                }
                """);
    }

    @Test
    void fusedSoftmaxAndNoBias(TestInfo test) throws IOException {
        check(test, "Digits", "test.KilnDigits", """
                @Network(input = 64, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 32)
                class Digits {
                    @Dense(value = 32, bias = false, init = Init.XAVIER_NORMAL) @Tanh Layer hidden;
                    @Dense(10) @Softmax Layer probabilities;
                }
                """);
    }

    @Test
    void regressionWithEveryParameterizedActivation(TestInfo test) throws IOException {
        check(test, "Outer", "test.KilnOuter_Regressor", """
                class Outer {
                    @Network(input = 3, loss = Loss.MSE, maxBatch = 8)
                    static class Regressor {
                        @Dense(value = 5, init = Init.UNIFORM, scale = 0.1) @LeakyRelu(alpha = 0.2) Layer first;
                        @Dense(5) @Elu(alpha = 0.5) Layer second;
                        @Dense(1) Layer value;
                    }
                }
                """);
    }

    @Test
    void binaryClassifierStartingWithAnActivation(TestInfo test) throws IOException {
        check(test, "Binary", "test.KilnBinary", """
                @Network(input = 2, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
                class Binary {
                    @Sigmoid Layer squash;
                    @Dense(1) @Sigmoid Layer out;
                }
                """);
    }

    @Test
    void siameseEmbeddingWithMaxoutAndContrastiveLoss(TestInfo test) throws IOException {
        check(test, "Siamese", "test.KilnSiamese", """
                @Network(input = 8, loss = Loss.CONTRASTIVE, margin = 2.0, maxBatch = 16)
                class Siamese {
                    @Dense(24) @Maxout(3) Layer hidden;
                    @Dense(16) Layer embedding;
                }
                """);
    }

    @Test
    void multiTaskHeadsWithPRelu(TestInfo test) throws IOException {
        check(test, "Tagger", "test.KilnTagger", """
                @Network(input = 10, maxBatch = 32, heads = {
                        @Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY),
                        @Head(units = 1, loss = Loss.MSE, weight = 0.5)})
                class Tagger {
                    @Dense(16) Layer hidden;
                    @PRelu Layer slopes;
                    @Dense(value = 4, tier = Tier.BLAS) Layer out;
                }
                """);
    }

    @Test
    void dropoutOnTheInputAndAHiddenLayer(TestInfo test) throws IOException {
        check(test, "Regularized", "test.KilnRegularized", """
                @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 16)
                class Regularized {
                    @Dropout(0.2) Layer inputDropout;
                    @Dense(8) @Relu @Dropout(0.5) Layer hidden;
                    @Dense(3) Layer out;
                }
                """);
    }

    private static void check(TestInfo test, String sourceName, String generated, String body) throws IOException {
        Compilation compilation = Sources.compile(Sources.source(sourceName, body));
        assertThat(compilation).succeededWithoutWarnings();
        JavaFileObject file = compilation.generatedSourceFile(generated)
                .orElseThrow(() -> new AssertionError("no " + generated + " in " + compilation.generatedSourceFiles()));
        String actual = file.getCharContent(false).toString();
        Path golden = GOLDENS.resolve("GoldenTest").resolve(test.getTestMethod().orElseThrow().getName())
                .resolve(generated + ".java");
        if (Boolean.getBoolean("kiln.updateGoldens")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        if (!Files.exists(golden)) {
            fail("missing golden " + golden + "; rerun with -Dkiln.updateGoldens=true to write it, then review it");
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
                "generated source differs from " + golden + " (rerun with -Dkiln.updateGoldens=true if intended)");
    }
}
