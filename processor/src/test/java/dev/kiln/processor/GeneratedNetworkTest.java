package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.kiln.runtime.NetworkChecks.assertGradient;
import static dev.kiln.runtime.NetworkChecks.batchFor;
import static dev.kiln.runtime.NetworkChecks.centralDifference;
import static dev.kiln.runtime.NetworkChecks.targets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.sun.management.ThreadMXBean;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.ReferenceNetwork;
import dev.kiln.spec.Loss;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour of generated classes: networks are compiled with the processor, loaded and run; small
 * layers are computed in loops by default, and the {@code ...Blas} networks force the matrix-product tier
 * on the same shapes, so both tiers and every fused activation are checked. Outputs,
 * losses and gradients are checked against {@link ReferenceNetwork}, a double-precision evaluation of
 * the same spec; gradients against its central finite differences.
 *
 * <p>Tolerances: finite differences in double with step {@code 1e-6}; an analytic (float) gradient
 * {@code g} matches a numerical one {@code n} when {@code |g - n| <= 1e-4 + 1e-3 * |n|}, which leaves room
 * for float rounding in the generated class and nothing more. Outputs and losses agree within
 * {@code 1e-5 + 1e-5 * |ref|}.
 */
class GeneratedNetworkTest {

    /** One declaration per case: every activation, every loss, fused and unfused, with and without bias. */
    static final String NETWORKS = """
            @Network(input = 5, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class Logits {
                @Dense(4) @Sigmoid Layer a;
                @Dense(3) @Tanh Layer b;
                @Dense(value = 4, bias = false) @Relu Layer c;
                @Dense(3) Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class FusedSoftmax {
                @Dense(6) @LeakyRelu(alpha = 0.1) Layer a;
                @Dense(5) @Elu(alpha = 0.7) Layer b;
                @Dense(3) @Softmax Layer out;
            }

            @Network(input = 3, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
            class FusedSigmoid {
                @Dense(4) @Identity Layer a;
                @Dense(2) @Sigmoid Layer out;
            }

            @Network(input = 3, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
            class BinaryLogits {
                @Dense(5) @Tanh Layer a;
                @Dense(2) Layer out;
            }

            @Network(input = 4, loss = Loss.MSE, maxBatch = 4)
            class Regression {
                @Dense(5) @Elu Layer a;
                @Dense(2) @Sigmoid Layer out;
            }

            @Network(input = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class SoftmaxOnly {
                @Softmax Layer p;
            }

            @Network(input = 3, maxBatch = 4)
            class Inference {
                @Dense(2) Layer out;
            }

            @Network(input = 5, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class LogitsBlas {
                @Dense(value = 4, tier = Tier.BLAS) @Sigmoid Layer a;
                @Dense(value = 3, tier = Tier.BLAS) @Tanh Layer b;
                @Dense(value = 4, bias = false, tier = Tier.BLAS) @Relu Layer c;
                @Dense(value = 3, tier = Tier.BLAS) Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class FusedSoftmaxBlas {
                @Dense(value = 6, tier = Tier.BLAS) @LeakyRelu(alpha = 0.1) Layer a;
                @Dense(value = 5, tier = Tier.BLAS) @Elu(alpha = 0.7) Layer b;
                @Dense(value = 3, tier = Tier.BLAS) @Softmax Layer out;
            }

            @Network(input = 3, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
            class FusedSigmoidBlas {
                @Dense(value = 4, bias = false, tier = Tier.BLAS) @Identity Layer a;
                @Dense(value = 2, tier = Tier.BLAS) @Sigmoid Layer out;
            }

            @Network(input = 4, loss = Loss.MSE, maxBatch = 4)
            class MixedTiers {
                @Elu Layer first;
                @Dense(value = 5, tier = Tier.BLAS) @Relu Layer a;
                @Dense(value = 2, tier = Tier.LOOPS, bias = false) @Sigmoid Layer out;
            }

            @Network(input = 5, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class LogitsLoops {
                @Dense(value = 4, tier = Tier.LOOPS) @Sigmoid Layer a;
                @Dense(value = 3, tier = Tier.LOOPS) @Tanh Layer b;
                @Dense(value = 4, bias = false, tier = Tier.LOOPS) @Relu Layer c;
                @Dense(value = 3, tier = Tier.LOOPS) Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class FusedSoftmaxLoops {
                @Dense(value = 6, tier = Tier.LOOPS) @LeakyRelu(alpha = 0.1) Layer a;
                @Dense(value = 5, tier = Tier.LOOPS) @Elu(alpha = 0.7) Layer b;
                @Dense(value = 3, tier = Tier.LOOPS) @Softmax Layer out;
            }

            @Network(input = 5, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class LogitsUnrolled {
                @Dense(value = 4, tier = Tier.UNROLLED) @Sigmoid Layer a;
                @Dense(value = 3, tier = Tier.UNROLLED) @Tanh Layer b;
                @Dense(value = 4, bias = false, tier = Tier.UNROLLED) @Relu Layer c;
                @Dense(value = 3, tier = Tier.UNROLLED) Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class FusedSoftmaxUnrolled {
                @Dense(value = 6, tier = Tier.UNROLLED) @LeakyRelu(alpha = 0.1) Layer a;
                @Dense(value = 5, tier = Tier.UNROLLED) @Elu(alpha = 0.7) Layer b;
                @Dense(value = 3, tier = Tier.UNROLLED) @Softmax Layer out;
            }

            @Network(input = 3, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
            class FusedSigmoidUnrolled {
                @Dense(value = 4, bias = false, tier = Tier.UNROLLED) @Identity Layer a;
                @Dense(value = 2, tier = Tier.UNROLLED) @Sigmoid Layer out;
            }

            @Network(input = 8, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 24)
            class Switching {
                @Dense(12) @Tanh Layer a;
                @Dense(value = 3, bias = false) @Softmax Layer out;
            }

            @Network(input = 8, loss = Loss.MSE, maxBatch = 4)
            class WidestUnrolled {
                @Dense(value = 12, tier = Tier.UNROLLED) @Elu Layer a;
                @Dense(value = 8, tier = Tier.UNROLLED) @Sigmoid Layer out;
            }

            @Network(input = 3, loss = Loss.MAE, maxBatch = 4)
            class AbsolutePRelu {
                @Dense(5) Layer a;
                @PRelu Layer slopes;
                @Dense(2) Layer out;
            }

            @Network(input = 4, loss = Loss.MEAN_BIAS_ERROR, maxBatch = 4)
            class MeanBias {
                @Dense(6) @Maxout(3) Layer a;
                @Dense(2) @Tanh Layer out;
            }

            @Network(input = 3, loss = Loss.HINGE, maxBatch = 4)
            class Hinge {
                @Dense(4) @Tanh Layer a;
                @Dense(2) Layer out;
            }

            @Network(input = 4, loss = Loss.MULTICLASS_HINGE, maxBatch = 4)
            class MulticlassHinge {
                @Dense(6) @Maxout(2) Layer a;
                @Dense(3) Layer out;
            }

            @Network(input = 3, loss = Loss.CONTRASTIVE, margin = 1.5, maxBatch = 4)
            class Contrastive {
                @Dense(4) @Elu Layer a;
                @Dense(3) Layer embedding;
            }

            @Network(input = 4, maxBatch = 4, heads = {
                    @Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY),
                    @Head(units = 1, loss = Loss.MSE, weight = 0.5),
                    @Head(units = 2, loss = Loss.HINGE, weight = 0.25)})
            class MultiTask {
                @Dense(5) @Relu Layer a;
                @Dense(6) Layer out;
            }

            @Network(input = 8, margin = 0.75, maxBatch = 4, heads = {
                    @Head(units = 2, loss = Loss.CONTRASTIVE),
                    @Head(units = 1, loss = Loss.BINARY_CROSS_ENTROPY, weight = 2.0),
                    @Head(units = 1, loss = Loss.MAE, weight = 0.5),
                    @Head(units = 1, loss = Loss.MEAN_BIAS_ERROR, weight = 0.125),
                    @Head(units = 2, loss = Loss.MULTICLASS_HINGE, weight = 1.5)})
            class MultiTaskPairs {
                @PRelu Layer slopes;
                @Maxout(2) Layer pool;
                @Dense(7) Layer out;
            }

            @Network(input = 6, loss = Loss.MSE, maxBatch = 4)
            class MaxoutFirst {
                @Maxout(3) Layer pool;
                @Dense(2) Layer out;
            }

            @Network(input = 4, loss = Loss.MAE, maxBatch = 4)
            class MaxoutPReluLoops {
                @Dense(value = 6, tier = Tier.LOOPS) @Maxout(2) Layer a;
                @PRelu Layer slopes;
                @Dense(value = 2, tier = Tier.LOOPS) Layer out;
            }

            @Network(input = 4, loss = Loss.MULTICLASS_HINGE, maxBatch = 4)
            class MaxoutPReluBlas {
                @Dense(value = 6, tier = Tier.BLAS) @Maxout(3) Layer a;
                @PRelu Layer slopes;
                @Dense(value = 3, tier = Tier.BLAS) Layer out;
            }

            @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 4)
            class DropoutHidden {
                @Dense(6) @Relu @Dropout(0.5) Layer a;
                @Dense(3) Layer out;
            }

            @Network(input = 5, loss = Loss.MSE, maxBatch = 4)
            class DropoutFirst {
                @Dropout(0.25) Layer drop;
                @Dense(value = 4, tier = Tier.BLAS) @Tanh @Dropout(0.3) Layer a;
                @Dropout(0.0) Layer none;
                @Dense(2) Layer out;
            }

            @Network(input = 4, loss = Loss.BINARY_CROSS_ENTROPY, maxBatch = 4)
            class DropoutLoops {
                @Dense(value = 6, tier = Tier.LOOPS) @Dropout(0.5) Layer a;
                @PRelu @Dropout(0.2) Layer slopes;
                @Dense(value = 1, tier = Tier.LOOPS) @Sigmoid Layer out;
            }
            """;

    private static Compilation compilation;

    @BeforeAll
    static void compile() {
        compilation = Sources.compile(Sources.source("Networks", NETWORKS));
        assertThat(compilation).succeededWithoutWarnings();
    }

    static Stream<String> trainable() {
        return Stream.of("Logits", "FusedSoftmax", "FusedSigmoid", "BinaryLogits", "Regression", "SoftmaxOnly",
                "LogitsBlas", "FusedSoftmaxBlas", "FusedSigmoidBlas", "MixedTiers", "LogitsLoops",
                "FusedSoftmaxLoops", "LogitsUnrolled", "FusedSoftmaxUnrolled", "FusedSigmoidUnrolled", "WidestUnrolled", "Switching",
                "AbsolutePRelu", "MeanBias", "Hinge", "MulticlassHinge", "Contrastive", "MultiTask", "MultiTaskPairs",
                "MaxoutFirst", "MaxoutPReluLoops", "MaxoutPReluBlas", "DropoutHidden", "DropoutFirst", "DropoutLoops");
    }

    /** The networks with dropout layers: dropout after an activation, first, twice in a row, after a Dense layer and a PReLU. */
    static Stream<String> withDropout() {
        return Stream.of("DropoutHidden", "DropoutFirst", "DropoutLoops");
    }

    private static Model model(String name) {
        return Sources.load(compilation, "test.Kiln" + name);
    }

    /**
     * Every trainable network at batches of 2 and 3 (a network whose loss pairs rows takes 4 instead of 3);
     * and {@code Switching}, whose first layer (96 weights) the planner computes unrolled up to a batch of
     * 10 and through Blas beyond, at 10 and 11 (see {@code Planner.unrolledMaxBatch}).
     */
    static Stream<Arguments> trainableAndBatches() {
        return Stream.concat(trainable().flatMap(name -> Stream.of(Arguments.of(name, 2), Arguments.of(name, 3))),
                Stream.of(Arguments.of("Switching", 10), Arguments.of("Switching", 11)));
    }

    @ParameterizedTest
    @MethodSource("trainableAndBatches")
    void forwardLossAndEveryGradientMatchTheReference(String name, int rows) {
        Model model = model(name);
        int batch = batchFor(model.spec(), rows);
        model.initialize(7);
        ReferenceNetwork reference = new ReferenceNetwork(model.spec());
        Random random = new Random(name.hashCode() + batch);
        // random biases too (they start at zero), so that every parameter's use is checked
        float[] weights = randoms(random, floats(model.parameters()).length);
        Memory.copy(weights, 0, model.parameters(), 0, weights.length);
        float[] x = randoms(random, batch * model.inputSize());
        float[] t = targets(random, model.spec(), batch);
        checkAgainst(reference, model, x, t, batch, name);
    }

    /**
     * Every network with dropout, in training mode, at batches of 2 and 3: its outputs, loss and gradients
     * are those of the reference applying the masks drawn by the documented procedure from the seed that
     * {@code initialize} gave (and at least one value is dropped and one kept).
     */
    @ParameterizedTest
    @MethodSource("withDropoutAndBatches")
    void inTrainingModeDropoutMatchesTheReferenceWithTheSameMasks(String name, int batch) {
        Model model = model(name);
        model.initialize(7);
        Random random = new Random(name.hashCode() + batch);
        float[] weights = randoms(random, floats(model.parameters()).length);
        Memory.copy(weights, 0, model.parameters(), 0, weights.length);
        float[] x = randoms(random, batch * model.inputSize());
        float[] t = targets(random, model.spec(), batch);
        ReferenceNetwork reference = new ReferenceNetwork(model.spec()).withDropoutMasks(7, batch);
        double[] masks = reference.dropoutMasks().stream().flatMapToDouble(Arrays::stream).toArray();
        assertTrue(Arrays.stream(masks).anyMatch(m -> m == 0) && Arrays.stream(masks).anyMatch(m -> m > 1),
                name + ": the masks drop some values and keep others");
        model.setTraining(true);
        checkAgainst(reference, model, x, t, batch, name + " in training mode");
    }

    static Stream<Arguments> withDropoutAndBatches() {
        return withDropout().flatMap(name -> Stream.of(Arguments.of(name, 2), Arguments.of(name, 3)));
    }

    /**
     * Runs {@code model} forward, loss and backward on {@code x} and {@code t} and checks its outputs and
     * loss against {@code reference}, and every parameter and input gradient against the reference's
     * central differences.
     */
    private static void checkAgainst(ReferenceNetwork reference, Model model, float[] x, float[] t, int batch,
                                     String name) {
        double[] p = toDouble(floats(model.parameters()));
        double[] xd = toDouble(x);
        double[] td = toDouble(t);

        float[] y = model.forward(x, 0, batch);
        double[] expected = reference.forward(p, xd, batch);
        for (int k = 0; k < expected.length; k++) {
            assertClose(expected[k], y[k], 1e-5, name + " output " + k);
        }
        model.zeroGradients();
        model.setInputGradientEnabled(true);
        float loss = model.loss(t, 0);
        assertClose(reference.loss(p, xd, td, batch), loss, 1e-5, name + " loss");
        model.backward();

        float[] grads = floats(model.gradients());
        for (int k = 0; k < p.length; k++) {
            double numeric = centralDifference(values -> reference.loss(p, xd, td, batch), p, k);
            assertGradient(numeric, grads[k], name + " gradient of parameter " + parameterName(model, k));
        }
        float[] inputGrad = model.inputGradient();
        for (int k = 0; k < xd.length; k++) {
            double numeric = centralDifference(values -> reference.loss(p, xd, td, batch), xd, k);
            assertGradient(numeric, inputGrad[k], name + " gradient of input " + k);
        }
    }

    @ParameterizedTest
    @MethodSource("trainable")
    void trainingStepsAllocateNothing(String name) {
        Model model = model(name);
        model.initialize(11);
        model.setInputGradientEnabled(true);
        // training mode: dropout draws its masks at every step
        model.setTraining(true);
        Random random = new Random(11);
        float[] x = randoms(random, 4 * model.inputSize());
        float[] t = targets(random, model.spec(), 4);
        // The first calls link classes and resolve call sites, which allocates once; the JVM may allocate
        // now and then on its own (deoptimization). A step that allocates does so in every round.
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            long overhead = threads.getCurrentThreadAllocatedBytes() - before;
            before = threads.getCurrentThreadAllocatedBytes();
            trainingSteps(model, x, t, 200);
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before - overhead);
        }
        assertEquals(0, least, name + ": bytes allocated by 200 training steps, in the best of 5 rounds");
    }

    private static void trainingSteps(Model model, float[] x, float[] t, int steps) {
        for (int step = 0; step < steps; step++) {
            model.zeroGradients();
            model.forward(x, 0, 4);
            model.loss(t, 0);
            model.backward();
        }
    }

    @Test
    void aNewModelIsInInferenceModeWhereDropoutDrawsNothing() {
        Model model = model("DropoutHidden");
        model.initialize(3);
        assertFalse(model.training());
        assertFalse(model.dropoutMaskFrozen());
        float[] x = randoms(new Random(3), 4 * model.inputSize());
        float[] once = model.forward(x, 0, 4).clone();
        assertArrayEquals(once, model.forward(x, 0, 4).clone(), "inference is deterministic");
        model.setTraining(true);
        assertTrue(model.training());
        assertFalse(Arrays.equals(once, model.forward(x, 0, 4)), "training mode drops");
        model.setTraining(false);
        assertArrayEquals(once, model.forward(x, 0, 4), "and inference mode passes everything again");
    }

    @Test
    void trainingModeDrawsNewMasksEveryPassUnlessTheyAreFrozen() {
        Model model = model("DropoutHidden");
        model.initialize(3);
        model.setTraining(true);
        float[] x = randoms(new Random(4), 4 * model.inputSize());
        float[] first = model.forward(x, 0, 4).clone();
        float[] second = model.forward(x, 0, 4).clone();
        assertFalse(Arrays.equals(first, second), "each training-mode pass draws new masks");

        model.setDropoutMaskFrozen(true);
        assertTrue(model.dropoutMaskFrozen());
        assertArrayEquals(second, model.forward(x, 0, 4), "frozen: the last pass's masks again");
        model.setDropoutMaskFrozen(false);
        float[] halves = model.forward(x, 0, 2).clone();
        model.setDropoutMaskFrozen(true);
        float[] grown = model.forward(x, 0, 4).clone();
        int half = 2 * model.outputSize();
        assertArrayEquals(Arrays.copyOf(halves, half), Arrays.copyOf(grown, half),
                "a larger frozen batch keeps the rows it has");
        assertArrayEquals(grown, model.forward(x, 0, 4), "and keeps the rows it drew for the rest");
        model.forward(x, 0, 1);
        assertArrayEquals(grown, model.forward(x, 0, 4), "also after a smaller batch");
        model.setDropoutMaskFrozen(false);
        assertFalse(Arrays.equals(grown, model.forward(x, 0, 4)), "released: new masks");

        Model twin = model("DropoutHidden");
        twin.initialize(3);
        twin.setTraining(true);
        assertArrayEquals(first, twin.forward(x, 0, 4), "two models initialized alike drop alike");
        model.seedDropout(3);
        assertArrayEquals(first, model.forward(x, 0, 4), "seedDropout restarts the masks' generator");
    }

    @Test
    void aNetworkWithoutDropoutRemembersTheModeAndComputesTheSame() {
        Model model = model("Logits");
        model.initialize(3);
        float[] x = randoms(new Random(5), 4 * model.inputSize());
        float[] inference = model.forward(x, 0, 4).clone();
        model.setTraining(true);
        model.setDropoutMaskFrozen(true);
        model.seedDropout(9);
        assertTrue(model.training());
        assertTrue(model.dropoutMaskFrozen());
        assertArrayEquals(inference, model.forward(x, 0, 4));
    }

    @Test
    void parameterLayoutIsWeightThenBiasPerLayer() {
        Model model = model("Logits");
        List<Parameter> layout = model.parameterLayout();
        assertEquals(List.of("a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "out.weight", "out.bias"),
                layout.stream().map(Parameter::name).toList());
        assertEquals(List.of(4, 5), layout.get(0).shape());
        assertEquals(20, layout.get(1).offset());
        int end = layout.getLast().offset() + layout.getLast().size();
        assertEquals(floats(model.parameters()).length, end);
        assertEquals(floats(model.parameters()).length, floats(model.gradients()).length);
    }

    @Test
    void initializationIsSeededAndBiasesStartAtZero() {
        Model first = model("FusedSoftmax");
        Model second = model("FusedSoftmax");
        first.initialize(42);
        second.initialize(42);
        assertArrayEquals(floats(first.parameters()), floats(second.parameters()));
        second.initialize(43);
        assertNotEquals(floats(first.parameters())[0], floats(second.parameters())[0]);
        Parameter bias = first.parameterLayout().get(1);
        for (int k = 0; k < bias.size(); k++) {
            assertEquals(0f, floats(first.parameters())[bias.offset() + k]);
        }
    }

    @Test
    void backwardAccumulatesUntilGradientsAreZeroed() {
        Model model = model("Regression");
        model.initialize(1);
        float[] x = randoms(new Random(1), 2 * model.inputSize());
        float[] t = randoms(new Random(2), 2 * model.outputSize());
        model.zeroGradients();
        model.forward(x, 0, 2);
        model.loss(t, 0);
        model.backward();
        float[] once = floats(model.gradients());
        model.forward(x, 0, 2);
        model.loss(t, 0);
        model.backward();
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], floats(model.gradients())[k], 1e-6f + 1e-5f * Math.abs(once[k]));
        }
        model.zeroGradients();
        for (float g : floats(model.gradients())) {
            assertEquals(0f, g);
        }
    }

    @Test
    void samplesAtAnOffsetGiveTheSameOutputs() {
        Model model = model("Logits");
        model.initialize(3);
        float[] x = randoms(new Random(3), 4 * model.inputSize());
        float[] all = model.forward(x, 0, 4).clone();
        float[] last = model.forward(x, 2 * model.inputSize(), 2);
        for (int k = 0; k < 2 * model.outputSize(); k++) {
            assertEquals(all[2 * model.outputSize() + k], last[k], 1e-6f);
        }
    }

    @Test
    void badBatchesAndArraysAreRejectedWithWhatAndWhere() {
        Model model = model("Logits");
        float[] x = new float[4 * 5];
        var tooBig = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 0, 5));
        assertTrue(tooBig.getMessage().contains("Logits: batch 5 is outside [1, 4]"), tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.forward(x, 0, 0));
        var tooShort = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 6, 3));
        assertTrue(tooShort.getMessage().contains("Logits"), tooShort.getMessage());
        assertTrue(tooShort.getMessage().contains("15"), tooShort.getMessage());
        assertThrows(NullPointerException.class, () -> model.forward(null, 0, 1));

        model.forward(x, 0, 2);
        var shortTarget = assertThrows(IllegalArgumentException.class, () -> model.loss(new float[5], 0));
        assertTrue(shortTarget.getMessage().contains("target"), shortTarget.getMessage());
    }

    @Test
    void passesOutOfOrderAreRejected() {
        Model model = model("Regression");
        var noForward = assertThrows(IllegalStateException.class, () -> model.loss(new float[8], 0));
        assertEquals("Regression: loss() needs a forward() first", noForward.getMessage());
        model.forward(new float[8], 0, 2);
        var noLoss = assertThrows(IllegalStateException.class, model::backward);
        assertEquals("Regression: backward() needs loss() after the last forward()", noLoss.getMessage());
        model.loss(new float[4], 0);
        model.backward();
        assertThrows(IllegalStateException.class, model::backward, "one loss, one backward");
    }

    @Test
    void aNetworkWithoutLossRunsForwardOnly() {
        Model model = model("Inference");
        model.initialize(5);
        float[] y = model.forward(new float[] {1, 2, 3}, 0, 1);
        assertTrue(Float.isFinite(y[0]) && Float.isFinite(y[1]));
        var e = assertThrows(IllegalStateException.class, () -> model.loss(new float[2], 0));
        assertTrue(e.getMessage().startsWith("Inference declares no loss"), e.getMessage());
    }

    private static String parameterName(Model model, int index) {
        for (Parameter p : model.parameterLayout()) {
            if (index >= p.offset() && index < p.offset() + p.size()) {
                return p.name() + "[" + (index - p.offset()) + "]";
            }
        }
        return "#" + index;
    }

    private static void assertClose(double expected, float actual, double tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance + tolerance * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual);
    }

    static float[] randoms(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian());
        }
        return v;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** A copy of a model's parameters or gradients. */
    static float[] floats(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }
}
