package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.NetworkChecks;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated code against the interpreter, the oracle that runs any spec with the runtime's kernels: for
 * every network of {@link GeneratedNetworkTest} (every layer type, activation and loss, fused and
 * unfused, with and without bias), random parameters and random batches at random offsets, the two
 * agree on outputs, losses, every parameter gradient, the input gradient, and the parameters after an
 * Adam step, for several steps in a row: in training mode, with their dropout generators seeded alike, so
 * that both draw the same masks; then a step in inference mode, a step with the masks frozen (on the
 * largest batch, so that the rows they lack are drawn), and a step with them released.
 *
 * <p>Tolerance: {@code |generated - interpreted| <= 1e-6 + 1e-5 * |interpreted|}: generated code computes
 * small layers in its own loops and fuses bias and activation into them, so it sums in another order
 * than the runtime's kernels and rounds differently; the tolerance leaves room for that and nothing more.
 */
class GeneratedVsInterpretedTest {

    private static Compilation compilation;

    @BeforeAll
    static void compile() {
        compilation = Sources.compile(Sources.source("Networks", GeneratedNetworkTest.NETWORKS));
        assertThat(compilation).succeededWithoutWarnings();
    }

    static Stream<String> networks() {
        return Stream.of("Logits", "FusedSoftmax", "FusedSigmoid", "BinaryLogits", "Regression", "SoftmaxOnly",
                "Inference", "LogitsBlas", "FusedSoftmaxBlas", "FusedSigmoidBlas", "MixedTiers", "LogitsLoops",
                "FusedSoftmaxLoops", "LogitsUnrolled", "FusedSoftmaxUnrolled", "FusedSigmoidUnrolled", "WidestUnrolled", "Switching",
                "AbsolutePRelu", "MeanBias", "Hinge", "MulticlassHinge", "Contrastive", "MultiTask", "MultiTaskPairs",
                "MaxoutFirst", "MaxoutPReluLoops", "MaxoutPReluBlas", "DropoutHidden", "DropoutFirst", "DropoutLoops");
    }

    @ParameterizedTest
    @MethodSource("networks")
    void generatedAndInterpretedAgreeStepAfterStep(String name) {
        Model generated = Sources.load(compilation, "test.Kiln" + name);
        Model interpreted = Interpreter.of(generated.spec());
        assertEquals(generated.parameterLayout(), interpreted.parameterLayout());
        assertEquals(generated.maxBatch(), interpreted.maxBatch());

        Random random = new Random(name.hashCode());
        float[] weights = GeneratedNetworkTest.randoms(random, GeneratedNetworkTest.floats(generated.parameters()).length);
        Memory.copy(weights, 0, generated.parameters(), 0, weights.length);
        Memory.copy(weights, 0, interpreted.parameters(), 0, weights.length);
        boolean trainable = generated.spec().loss() != dev.kiln.spec.Loss.NONE;
        Adam generatedAdam = new Adam(0.05f);
        Adam interpretedAdam = new Adam(0.05f);
        generated.seedDropout(name.hashCode());
        interpreted.seedDropout(name.hashCode());
        for (int step = 0; step < 5; step++) {
            boolean training = step != 2;
            boolean frozen = step == 3;
            generated.setTraining(training);
            interpreted.setTraining(training);
            generated.setDropoutMaskFrozen(frozen);
            interpreted.setDropoutMaskFrozen(frozen);
            // the frozen step takes the largest batch, so that it draws the rows the masks lack
            int batch = NetworkChecks.batchFor(generated.spec(),
                    frozen ? generated.maxBatch() : 1 + random.nextInt(generated.maxBatch()));
            int offset = random.nextInt(4);
            float[] x = GeneratedNetworkTest.randoms(random, offset + batch * generated.inputSize());
            String at = name + " step " + step + ": ";
            float[] y = generated.forward(x, offset, batch);
            float[] yi = interpreted.forward(x, offset, batch);
            assertClose(Arrays.copyOf(yi, batch * generated.outputSize()),
                    Arrays.copyOf(y, batch * generated.outputSize()), at + "output");
            if (!trainable) {
                continue;
            }
            boolean inputGradient = step % 2 == 0;
            generated.setInputGradientEnabled(inputGradient);
            interpreted.setInputGradientEnabled(inputGradient);
            float[] t = NetworkChecks.targets(random, generated.spec(), batch);
            generated.zeroGradients();
            interpreted.zeroGradients();
            assertClose(new float[] {interpreted.loss(t, 0)}, new float[] {generated.loss(t, 0)}, at + "loss");
            generated.backward();
            interpreted.backward();
            assertClose(GeneratedNetworkTest.floats(interpreted.gradients()), GeneratedNetworkTest.floats(generated.gradients()),
                    at + "gradient of");
            if (inputGradient) {
                int n = batch * generated.inputSize();
                assertClose(Arrays.copyOf(interpreted.inputGradient(), n), Arrays.copyOf(generated.inputGradient(), n),
                        at + "input gradient");
            }
            generatedAdam.step(generated.parameters(), generated.gradients());
            interpretedAdam.step(interpreted.parameters(), interpreted.gradients());
            assertClose(GeneratedNetworkTest.floats(interpreted.parameters()),
                    GeneratedNetworkTest.floats(generated.parameters()), at + "parameter after Adam");
        }
    }

    private static void assertClose(float[] interpreted, float[] generated, String what) {
        assertEquals(interpreted.length, generated.length, what + ": lengths");
        for (int i = 0; i < interpreted.length; i++) {
            double tolerance = 1e-6 + 1e-5 * Math.abs(interpreted[i]);
            if (!(Math.abs(generated[i] - interpreted[i]) <= tolerance)) {
                fail(what + " [" + i + "]: generated " + generated[i] + ", interpreted " + interpreted[i]);
            }
        }
    }
}
