package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.check.GradientCheck;
import dev.kiln.runtime.check.GradientCheckReport;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated classes of networks on images and sequences: convolutions (odd sizes, stride 2, padding, "same"
 * padding with an even kernel, 1x1), max and average pooling (with the ReLU before a max pooling applied by
 * the pooling, also on the input; after a convolution, the three as one call, fused in the vector lanes from
 * a batch of 16 in {@code LanePooled}), flattening, batch norm after convolutions and
 * Dense layers; one-hot and embedding inputs, vanilla RNN, LSTM and GRU, stacked, stateful, giving every step
 * or the last, Dense and softmax on every step. Each agrees with the interpreter (which encodes one-hot inputs
 * in full instead of looking them up) on outputs, losses, gradients and parameters after an SGD step steps, in
 * training and inference mode; and each passes a finite-difference gradient check (step {@code 1e-3}, small
 * enough that a ReLU or a max pooling rarely switches inside it).
 *
 * <p>Tolerance against the interpreter: {@code 1e-5 + 1e-4 |interpreted|}: both call the same kernels, but
 * the generated class sums a one-hot input as a lookup and the interpreter as a product.
 */
class ShapedNetworksTest {

    static final String NETWORKS = """
            @Network(input = {1, 9, 9}, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 5)
            class SmallLeNet {
                @Conv2d(filters = 3, kernel = 3, padding = 1) @Relu Layer conv1;   // 3x9x9
                @MaxPool2d(value = 3, stride = 3) Layer pool1;                      // 3x3x3
                @Conv2d(filters = 4, kernel = 2) @Tanh Layer conv2;                 // 4x2x2
                @Flatten Layer flat;                                                // 16
                @Dense(5) @Relu Layer fc;
                @Dense(3) Layer out;
            }

            @Network(input = {2, 7, 6}, loss = Loss.MSE, maxBatch = 4)
            class Strided {
                @Conv2d(filters = 3, kernel = {3, 2}, stride = 2, padding = {1, 0}) @Elu Layer conv; // 3x4x3
                @AvgPool2d(value = 3, stride = 1, padding = 1) Layer pool;                           // 3x4x3
                @Conv2d(filters = 2, kernel = 1, bias = false) Layer mix;                            // 2x4x3
                @Flatten Layer flat;
                @Dense(2) Layer out;
            }

            @Network(input = {1, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 6)
            class Normalized {
                @Conv2d(filters = 4, kernel = 4, padding = Conv2d.SAME, bias = false) Layer conv;    // 4x6x6
                @BatchNorm @Relu Layer convNorm;
                @MaxPool2d(2) Layer pool;                                                             // 4x3x3
                @Flatten Layer flat;
                @Dense(6) Layer hidden;
                @BatchNorm(momentum = 0.2) @Sigmoid @Dropout(0.25) Layer hiddenNorm;
                @Dense(3) Layer out;
            }

            @Network(input = {2, 8, 6}, loss = Loss.MSE, maxBatch = 3)
            class PooledRelus {
                @Relu Layer gate;                                                    // 2x8x6, on the input
                @MaxPool2d(2) Layer pool1;                                           // 2x4x3
                @Conv2d(filters = 3, kernel = 3, padding = 1) @Relu Layer conv;      // 3x4x3
                @MaxPool2d(value = 2, stride = 1) Layer pool2;                       // 3x3x2, overlapping
                @Flatten Layer flat;
                @Dense(2) Layer out;
            }

            @Network(input = {4, 7, 7}, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 17)
            class LanePooled {
                @Conv2d(filters = 3, kernel = 4) @Relu Layer conv;                   // 3x4x4, 64 weights an output
                @MaxPool2d(2) Layer pool;                                            // 3x2x2
                @Flatten Layer flat;
                @Dense(3) Layer out;
            }

            @Network(input = 7, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class CharModel {
                @OneHot(6) Layer chars;
                @Lstm(value = 5, stateful = true, forgetBias = 0.5) Layer lstm;
                @Dense(6) Layer next;
            }

            @Network(input = {5, 3}, loss = Loss.MSE, maxBatch = 3)
            class LastStep {
                @Rnn(value = 4, returnSequences = false) Layer rnn;
                @Dense(2) Layer out;
            }

            @Network(input = 6, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 3)
            class Stacked {
                @Embedding(vocabulary = 9, dimension = 4) Layer words;
                @Gru(value = 5, stateful = true) Layer gru;
                @Lstm(value = 3) @Tanh Layer lstm;
                @Dense(4) @Softmax Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 2)
            class OneHotDense {
                @OneHot(5) Layer chars;
                @Dense(3) @Relu Layer hidden;
                @Gru(value = 3, returnSequences = false) Layer gru;
                @Dense(2) Layer out;
            }
            """;

    private static Compilation compilation;

    @BeforeAll
    static void compile() {
        compilation = Sources.compile(Sources.source("Shaped", NETWORKS));
        assertThat(compilation).succeededWithoutWarnings();
    }

    static Stream<String> networks() {
        return Stream.of("SmallLeNet", "Strided", "Normalized", "PooledRelus", "LanePooled", "CharModel", "LastStep",
                "Stacked", "OneHotDense");
    }

    /** Inputs for {@code batch} samples: ids for a network that reads ids, else values in [-1, 1). */
    static float[] inputs(Random random, NetworkSpec spec, int offset, int batch) {
        float[] x = new float[offset + batch * spec.inputSize()];
        int vocabulary = switch (spec.layers().getFirst()) {
            case dev.kiln.spec.OneHotSpec o -> o.vocabulary();
            case dev.kiln.spec.EmbeddingSpec e -> e.vocabulary();
            default -> 0;
        };
        for (int i = offset; i < x.length; i++) {
            x[i] = vocabulary > 0 ? random.nextInt(vocabulary) : random.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** Targets: a class per row of the output (each step of a sequence) for softmax, else values. */
    static float[] targets(Random random, NetworkSpec spec, int batch) {
        List<Integer> out = spec.layerShapes().getLast();
        int width = out.getLast();
        int rows = batch * (out.size() == 2 ? out.getFirst() : 1);
        float[] t = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            if (spec.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
                t[r * width + random.nextInt(width)] = 1;
            } else {
                for (int j = 0; j < width; j++) {
                    t[r * width + j] = random.nextFloat() * 2 - 1;
                }
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("networks")
    void generatedAndInterpretedAgreeStepAfterStep(String name) {
        Model generated = Sources.load(compilation, "test.Kiln" + name);
        Model interpreted = Interpreter.of(generated.spec());
        assertEquals(generated.parameterLayout(), interpreted.parameterLayout());
        assertEquals(generated.stateLayout(), interpreted.stateLayout());
        generated.initialize(11);
        interpreted.initialize(11);
        assertClose(floats(interpreted), floats(generated), name + ": initial parameters");
        generated.seedDropout(5);
        interpreted.seedDropout(5);
        Random random = new Random(name.hashCode());
        // plain SGD: Adam's first steps move every parameter by about the learning rate whatever its gradient's
        // size, so a gradient that is 0 up to rounding (a batch norm's shift before a max pooling) would move
        // differently in the two
        Sgd generatedSgd = new Sgd(0.05f);
        Sgd interpretedSgd = new Sgd(0.05f);
        for (int step = 0; step < 6; step++) {
            boolean training = step != 3;
            generated.setTraining(training);
            interpreted.setTraining(training);
            if (step == 4) {
                generated.resetState();
                interpreted.resetState();
            }
            // at least 2 samples: batch norm's training statistics need more than one value per channel
            int batch = 2 + random.nextInt(generated.maxBatch() - 1);
            int offset = random.nextInt(3);
            float[] x = inputs(random, generated.spec(), offset, batch);
            String at = name + " step " + step + ": ";
            int outputs = batch * generated.outputSize();
            assertClose(Arrays.copyOf(interpreted.forward(x, offset, batch), outputs),
                    Arrays.copyOf(generated.forward(x, offset, batch), outputs), at + "output");
            float[] t = targets(random, generated.spec(), batch);
            generated.zeroGradients();
            interpreted.zeroGradients();
            boolean inputGradient = step % 2 == 0;
            generated.setInputGradientEnabled(inputGradient);
            interpreted.setInputGradientEnabled(inputGradient);
            assertClose(new float[] {interpreted.loss(t, 0)}, new float[] {generated.loss(t, 0)}, at + "loss");
            generated.backward();
            interpreted.backward();
            assertClose(interpreted.gradients().toArray(Memory.FLOAT), generated.gradients().toArray(Memory.FLOAT),
                    at + "gradient");
            if (inputGradient && !readsIds(generated.spec())) {
                int n = batch * generated.inputSize();
                assertClose(Arrays.copyOf(interpreted.inputGradient(), n), Arrays.copyOf(generated.inputGradient(), n),
                        at + "input gradient");
            }
            assertClose(interpreted.state().toArray(Memory.FLOAT), generated.state().toArray(Memory.FLOAT),
                    at + "running statistics");
            generatedSgd.step(generated.parameters(), generated.gradients());
            interpretedSgd.step(interpreted.parameters(), interpreted.gradients());
            assertClose(floats(interpreted), floats(generated), at + "parameters after an SGD step");
        }
    }

    @ParameterizedTest
    @MethodSource("networks")
    void gradientsMatchFiniteDifferences(String name) {
        Model model = Sources.load(compilation, "test.Kiln" + name);
        model.initialize(3);
        Random random = new Random(7);
        int batch = model.maxBatch();
        float[] x = inputs(random, model.spec(), 0, batch);
        float[] t = targets(random, model.spec(), batch);
        GradientCheckReport report = GradientCheck.of(model).step(1e-3).seed(1).perTensor(24)
                .run(x, t, batch);
        assertTrue(report.passed(), report.toString());
        assertTrue(report.entries().size() > 20, "checked " + report.entries().size() + " values");
    }

    @Test
    void theGeneratedLeNetNamesItsTensorsAsPyTorch() {
        Model model = Sources.load(compilation, "test.KilnNormalized");
        assertEquals(List.of("conv.weight", "convNorm.weight", "convNorm.bias", "hidden.weight", "hidden.bias",
                "hiddenNorm.weight", "hiddenNorm.bias", "out.weight", "out.bias"),
                model.parameterLayout().stream().map(Parameter::name).toList());
        assertEquals(List.of(4, 1, 4, 4), model.parameterLayout().getFirst().shape());
        assertEquals(List.of("convNorm.running_mean", "convNorm.running_var", "hiddenNorm.running_mean",
                "hiddenNorm.running_var"), model.stateLayout().stream().map(Parameter::name).toList());
        Model lstm = Sources.load(compilation, "test.KilnCharModel");
        assertEquals(List.of("lstm.weight_ih", "lstm.weight_hh", "lstm.bias_ih", "lstm.bias_hh", "next.weight",
                "next.bias"), lstm.parameterLayout().stream().map(Parameter::name).toList());
        assertEquals(List.of(20, 6), lstm.parameterLayout().getFirst().shape());
    }

    @Test
    void batchNormStartsAtTheIdentityAndMovesItsRunningStatisticsOnlyInTraining() {
        Model model = Sources.load(compilation, "test.KilnNormalized");
        model.initialize(1);
        float[] initial = model.state().toArray(Memory.FLOAT);
        assertEquals(0f, initial[0]);
        assertEquals(1f, initial[4], "running variance starts at 1");
        float[] x = inputs(new Random(2), model.spec(), 0, 4);
        model.forward(x, 0, 4);
        assertEquals(Arrays.toString(initial), Arrays.toString(model.state().toArray(Memory.FLOAT)),
                "inference mode leaves the running statistics");
        model.setTraining(true);
        model.forward(x, 0, 4);
        assertNotEquals(Arrays.toString(initial), Arrays.toString(model.state().toArray(Memory.FLOAT)));
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 0, 1));
        assertTrue(one.getMessage().contains("more than 1 value per channel"), one.getMessage());
    }

    @Test
    void aStatefulLayerCarriesItsStateUntilReset() {
        Model model = Sources.load(compilation, "test.KilnCharModel");
        model.initialize(4);
        float[] x = inputs(new Random(3), model.spec(), 0, 2);
        float[] first = Arrays.copyOf(model.forward(x, 0, 2), 2 * model.outputSize());
        float[] second = Arrays.copyOf(model.forward(x, 0, 2), 2 * model.outputSize());
        assertNotEquals(Arrays.toString(first), Arrays.toString(second), "the second pass starts from the first's state");
        model.resetState();
        assertEquals(Arrays.toString(first), Arrays.toString(Arrays.copyOf(model.forward(x, 0, 2), 2 * model.outputSize())));
        float[] bad = x.clone();
        bad[3] = 6;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(bad, 0, 2));
        assertTrue(e.getMessage().contains("sample 0, step 3"), e.getMessage());
    }

    private static boolean readsIds(NetworkSpec spec) {
        return spec.layers().getFirst() instanceof dev.kiln.spec.OneHotSpec
                || spec.layers().getFirst() instanceof dev.kiln.spec.EmbeddingSpec;
    }

    private static float[] floats(Model model) {
        return model.parameters().toArray(Memory.FLOAT);
    }

    private static void assertClose(float[] interpreted, float[] generated, String what) {
        assertEquals(interpreted.length, generated.length, what + ": lengths");
        for (int i = 0; i < interpreted.length; i++) {
            double tolerance = 1e-5 + 1e-4 * Math.abs(interpreted[i]);
            if (!(Math.abs(generated[i] - interpreted[i]) <= tolerance)) {
                fail(what + " [" + i + "]: generated " + generated[i] + ", interpreted " + interpreted[i]);
            }
        }
    }
}
