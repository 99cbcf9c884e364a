package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training and inference mode around a network with dropout 0.5: what each mode computes, and that the
 * trainer trains in training mode and measures in inference mode, giving the caller's mode back.
 */
class TrainerDropoutTest {

    private static final Dataset DATA = TrainingStepAllocationTest.threeClasses(40);

    /** {@code 4 -> 16, ReLU, dropout 0.5 -> 3}, with a softmax or, for squared error, scores. */
    private static NetworkSpec spec(double rate, Loss loss) {
        var hidden = Kiln.network("Dropped").input(4).dense(16).named("hidden").relu();
        var out = (rate > 0 ? hidden.dropout(rate) : hidden).dense(3).named("out");
        return (loss == Loss.SOFTMAX_CROSS_ENTROPY ? out.softmax() : out).loss(loss).maxBatch(8).build();
    }

    @Test
    void trainingModeDropsAndInferenceModeIsTheNetworkWithoutDropout() {
        Model dropped = Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 5);
        Model plain = Interpreter.of(spec(0, Loss.SOFTMAX_CROSS_ENTROPY), 5);
        assertArrayEquals(floats(plain.parameters()), floats(dropped.parameters()), "the same weights from one seed");
        float[] x = DATA.features();

        assertFalse(dropped.training(), "inference mode by default");
        float[] inference = dropped.forward(x, 0, 8).clone();
        assertArrayEquals(inference, dropped.forward(x, 0, 8), "deterministic");
        assertArrayEquals(plain.forward(x, 0, 8), inference, "and the network without its dropout, bit for bit");

        dropped.setTraining(true);
        float[] first = dropped.forward(x, 0, 8).clone();
        float[] second = dropped.forward(x, 0, 8).clone();
        assertFalse(Arrays.equals(first, second), "each training-mode pass drops other units");
        assertFalse(Arrays.equals(first, inference));
    }

    @Test
    void onAverageTrainingModeGivesTheInferenceOutput() {
        // scores after a linear layer: the kept units' scaling by 1 / (1 - p) makes the mean the inference output
        Model model = Interpreter.of(spec(0.5, Loss.MSE), 6);
        float[] x = Arrays.copyOf(DATA.features(), 4);
        float[] expected = model.forward(x, 0, 1).clone();
        model.setTraining(true);
        int passes = 20_000;
        double[] sum = new double[3];
        double[] squares = new double[3];
        for (int pass = 0; pass < passes; pass++) {
            float[] y = model.forward(x, 0, 1);
            for (int j = 0; j < 3; j++) {
                sum[j] += y[j];
                squares[j] += (double) y[j] * y[j];
            }
        }
        for (int j = 0; j < 3; j++) {
            double mean = sum[j] / passes;
            double deviation = Math.sqrt(squares[j] / passes - mean * mean);
            assertTrue(deviation > 0.01, "output " + j + " varies: " + deviation);
            assertTrue(Math.abs(mean - expected[j]) <= 5 * deviation / Math.sqrt(passes),
                    "output " + j + ": mean " + mean + " in training mode, " + expected[j] + " in inference mode");
        }
    }

    @Test
    void fitTrainsInTrainingModeAndMeasuresInInferenceMode() {
        for (boolean callerMode : new boolean[] {false, true}) {
            ModeRecorder model = new ModeRecorder(Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 7));
            List<String> told = new ArrayList<>();
            model.setTraining(callerMode);
            History history = Trainer.of(model).optimizer(new Adam(0.01f)).batchSize(4).epochs(3).seed(2)
                    .validationSplit(0.25)
                    .callback(new Callback() {
                        @Override
                        public void onBatchEnd(TrainingContext context) {
                            told.add("batch " + context.model().training());
                        }

                        @Override
                        public void onEpochEnd(TrainingContext context) {
                            told.add("epoch " + context.model().training());
                        }
                    })
                    .fit(DATA);

            assertEquals(callerMode, model.training(), "the caller's mode, given back");
            // 30 training samples in batches of 4: 8 steps per epoch; 10 dev samples: 2 chunks of 8 per epoch
            assertEquals(3 * 8, model.passes(true, true), "every training step in training mode");
            assertEquals(0, model.passes(true, false), "nothing else in training mode");
            assertEquals(3 * 2, model.passes(false, false), "the dev measures in inference mode");
            assertEquals(0, model.passes(false, true), "no step in inference mode");
            assertEquals(3 * 8, told.stream().filter("batch true"::equals).count());
            assertEquals(List.of("epoch false", "epoch false", "epoch false"),
                    told.stream().filter(s -> s.startsWith("epoch")).toList());
            Dataset dev = DATA.holdOut(0.25, 2).test();
            model.setTraining(true);
            assertEquals(Evaluation.measures(model, dev), history.last().validation(),
                    "the last epoch's dev measures are those of the model serving");
            assertTrue(model.training(), "Evaluation gives the mode back");
        }
    }

    @Test
    void evaluationRunsInInferenceModeAndGivesTheModeBack() {
        Model model = Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 8);
        double inference = Evaluation.meanLoss(model, DATA);
        model.setTraining(true);
        for (int i = 0; i < 3; i++) {
            assertEquals(inference, Evaluation.meanLoss(model, DATA));
            assertEquals(Evaluation.accuracy(model, DATA), Evaluation.report(model, DATA).accuracy());
            assertTrue(model.training());
        }
    }

    @Test
    void aResumedRunDropsAsTheUninterruptedOne(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("run.safetensors");
        Model straight = Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 1);
        trainer(straight).epochs(4).fit(DATA);

        trainer(Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 1)).epochs(2)
                .callback(Checkpoints.callback(file)).fit(DATA);
        Model resumed = Interpreter.of(spec(0.5, Loss.SOFTMAX_CROSS_ENTROPY), 99);
        Adam adam = new Adam(0.01f);
        Checkpoint checkpoint = Checkpoints.restore(file, resumed, adam);
        Trainer.of(resumed).optimizer(adam).batchSize(4).seed(11).epochs(4).initialEpoch(checkpoint.epoch()).fit(DATA);

        assertArrayEquals(floats(straight.parameters()), floats(resumed.parameters()));
    }

    private static Trainer trainer(Model model) {
        return Trainer.of(model).optimizer(new Adam(0.01f)).batchSize(4).seed(11);
    }

    private static float[] floats(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** A model that counts its forward passes by mode and by whether a backward pass followed. */
    private static final class ModeRecorder implements Model {
        private final Model inner;
        /** [training ? 1 : 0][stepped ? 1 : 0]. */
        private final int[][] passes = new int[2][2];
        private boolean lastTraining;
        private boolean pending;

        ModeRecorder(Model inner) {
            this.inner = inner;
        }

        int passes(boolean training, boolean stepped) {
            finish();
            return passes[training ? 1 : 0][stepped ? 1 : 0];
        }

        private void finish() {
            if (pending) {
                passes[lastTraining ? 1 : 0][0]++;
                pending = false;
            }
        }

        @Override
        public float[] forward(float[] input, int offset, int batch) {
            finish();
            lastTraining = inner.training();
            pending = true;
            return inner.forward(input, offset, batch);
        }

        @Override
        public void backward() {
            inner.backward();
            passes[lastTraining ? 1 : 0][1]++;
            pending = false;
        }

        @Override public NetworkSpec spec() { return inner.spec(); }
        @Override public int inputSize() { return inner.inputSize(); }
        @Override public int outputSize() { return inner.outputSize(); }
        @Override public int maxBatch() { return inner.maxBatch(); }
        @Override public List<Parameter> parameterLayout() { return inner.parameterLayout(); }
        @Override public MemorySegment parameters() { return inner.parameters(); }
        @Override public MemorySegment gradients() { return inner.gradients(); }
        @Override public void initialize(long seed) { inner.initialize(seed); }
        @Override public float loss(float[] target, int offset) { return inner.loss(target, offset); }
        @Override public void zeroGradients() { inner.zeroGradients(); }
        @Override public void setInputGradientEnabled(boolean enabled) { inner.setInputGradientEnabled(enabled); }
        @Override public float[] inputGradient() { return inner.inputGradient(); }
        @Override public void setTraining(boolean training) { inner.setTraining(training); }
        @Override public boolean training() { return inner.training(); }
        @Override public void setDropoutMaskFrozen(boolean frozen) { inner.setDropoutMaskFrozen(frozen); }
        @Override public boolean dropoutMaskFrozen() { return inner.dropoutMaskFrozen(); }
        @Override public void seedDropout(long seed) { inner.seedDropout(seed); }
    }
}
