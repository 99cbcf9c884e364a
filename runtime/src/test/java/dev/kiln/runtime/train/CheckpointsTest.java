package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Augmentation;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.io.SafeTensors;
import dev.kiln.runtime.io.TensorInfo;
import dev.kiln.runtime.io.Weights;
import dev.kiln.runtime.io.WeightsMismatchException;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.LearningRateSchedule;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Checkpoints}: the file, resuming bit for bit, and every way a restore can be refused. */
class CheckpointsTest {

    private static final Dataset DATA = TrainingStepAllocationTest.threeClasses(40);
    private static final Augmentation NOISE = (inputs, batch, inputSize, rng) -> {
        for (int i = 0; i < batch * inputSize; i++) {
            inputs[i] += 0.1f * (float) rng.nextGaussian();
        }
    };

    @TempDir
    Path directory;

    @Test
    void twoEpochsACheckpointAndTwoMoreAreFourEpochsBitForBit() throws IOException {
        Path file = directory.resolve("run.safetensors");
        Model straight = model(1);
        Adam straightAdam = new Adam(0.01f);
        History all = trainer(straight, straightAdam).epochs(4).fit(DATA);

        trainer(model(1), new Adam(0.01f)).epochs(2).callback(Checkpoints.callback(file)).fit(DATA);
        Model resumed = model(99);                        // other weights, replaced by the checkpoint's
        Adam resumedAdam = new Adam(0.5f);                // another rate, replaced too
        Checkpoint checkpoint = Checkpoints.restore(file, resumed, resumedAdam);
        History rest = trainer(resumed, resumedAdam).epochs(4).initialEpoch(checkpoint.epoch()).fit(DATA);

        assertEquals(2, checkpoint.epoch());
        assertArrayEquals(straight.parameters().toArray(ValueLayout.JAVA_FLOAT),
                resumed.parameters().toArray(ValueLayout.JAVA_FLOAT));
        assertStatesEqual(straightAdam.state(), resumedAdam.state());
        assertEquals(TrainerTest.measures(new History(all.epochs().subList(2, 4))), TrainerTest.measures(rest));
    }

    @Test
    void theFileHoldsTheWeightsTheOptimizerStateAndTheEpoch() throws IOException {
        Path file = directory.resolve("run.safetensors");
        Model model = model(1);
        Adam adam = new Adam(0.01f, 0.8f, 0.99f, 1e-7f);
        trainer(model, adam).epochs(3).callback(Checkpoints.callback(file)).fit(DATA);

        SafeTensors.Header header = SafeTensors.readHeader(file);

        // 30 training samples (10 held out) in batches of 4: 8 steps per epoch, 24 in all; the rate is the
        // schedule's after 23 steps, 0.01 / (1 + 0.05 * 23)
        assertEquals(List.of("format=kiln-checkpoint-1", "epoch=3", "network=Tiny", "optimizer=Adam",
                "optimizer.learningRate=" + (float) (0.01 / (1 + 0.05 * 23)), "optimizer.beta1=0.8",
                "optimizer.beta2=0.99", "optimizer.epsilon=1.0E-7"),
                header.metadata().entrySet().stream().map(Object::toString).toList());
        assertEquals(List.of("hidden.weight", "hidden.bias", "out.weight", "out.bias", "optimizer.step",
                "optimizer.exp_avg", "optimizer.exp_avg_sq"), header.tensors().stream().map(TensorInfo::name).toList());
        assertEquals(List.of(1L), header.tensor("optimizer.step").orElseThrow().shape());
        assertEquals(List.of(27L), header.tensor("optimizer.exp_avg").orElseThrow().shape());
        assertEquals(24f, SafeTensors.read(file).tensor("optimizer.step").toArray()[0]);
    }

    @Test
    void theLearningRateIsRestored() throws IOException {
        Path file = directory.resolve("rate.safetensors");
        Model model = model(1);
        Sgd sgd = new Sgd(0.1f, 0.9f);
        trainer(model, sgd).epochs(1).fit(DATA);
        sgd.setLearningRate(0.003f);
        Checkpoints.save(file, model, sgd, 1);

        Sgd restored = new Sgd(0.1f, 0.9f);
        Checkpoints.restore(file, model(2), restored);

        assertEquals(0.003f, restored.learningRate());
        assertStatesEqual(sgd.state(), restored.state());
    }

    @Test
    void aCallbackCanSaveEveryFewEpochsAndAfterTheLast() throws IOException {
        Path file = directory.resolve("every.safetensors");
        List<String> saved = new ArrayList<>();

        trainer(model(1), new Sgd(0.1f)).epochs(5).callback(Checkpoints.callback(file, 2)).callback(new Callback() {
            @Override
            public void onEpochEnd(TrainingContext context) {
                try {
                    saved.add(file.toFile().exists() ? SafeTensors.readHeader(file).metadata().get("epoch") : "none");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }).fit(DATA);

        assertEquals(List.of("none", "2", "2", "4", "5"), saved);
    }

    @Test
    void anotherKindOfOptimizerIsRefused() throws IOException {
        Path file = saved(new Adam(0.01f));

        assertEquals(file + ": the checkpoint holds the state of Adam, but the optimizer given is Sgd; restore into a"
                + " new Adam with the same hyper-parameters",
                assertThrows(IllegalArgumentException.class,
                        () -> Checkpoints.restore(file, model(1), new Sgd(0.01f))).getMessage());
    }

    @Test
    void otherHyperparametersAreRefusedListingThem() throws IOException {
        Path file = saved(new Adam(0.01f));

        assertEquals(file + ": the optimizer's hyper-parameters differ from the checkpoint's, so training would not"
                + " continue as it was: beta1 is 0.9 in the checkpoint, 0.8 here; epsilon is 1.0E-8 in the checkpoint,"
                + " 1.0E-6 here; give the optimizer the checkpoint's values",
                assertThrows(IllegalArgumentException.class,
                        () -> Checkpoints.restore(file, model(1), new Adam(0.02f, 0.8f, 0.999f, 1e-6f))).getMessage());
    }

    @Test
    void aFileOfWeightsAloneIsNotACheckpoint() throws IOException {
        Path file = directory.resolve("weights.safetensors");
        Weights.save(model(1), file);

        assertEquals(file + " is not a Kiln checkpoint (its metadata has no format kiln-checkpoint-1 and epoch); a file"
                + " of weights alone loads with Weights.load",
                assertThrows(IllegalArgumentException.class,
                        () -> Checkpoints.restore(file, model(1), new Adam())).getMessage());
    }

    @Test
    void aStateOfAnotherSizeIsRefusedAndNothingChanges() throws IOException {
        Path file = saved(new Adam(0.01f));
        Model bigger = TinyMlp.of(4, 5, 3, Loss.SOFTMAX_CROSS_ENTROPY, 8);
        bigger.initialize(3);
        float[] before = bigger.parameters().toArray(ValueLayout.JAVA_FLOAT);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.restore(file, bigger, new Adam(0.01f)));

        assertEquals(file + ": the optimizer's state does not fit: ", e.getMessage().substring(0,
                (file + ": the optimizer's state does not fit: ").length()));
        assertArrayEquals(before, bigger.parameters().toArray(ValueLayout.JAVA_FLOAT));
    }

    @Test
    void weightsThatDoNotFitLeaveTheOptimizerAsItWas() throws IOException {
        // Tiny(4 -> 3 -> 3) and Tiny(2 -> 4 -> 3) both have 27 parameters, in other shapes: the optimizer's
        // state fits, the weights do not
        Path file = saved(new Adam(0.01f));
        Model other = TinyMlp.of(2, 4, 3, Loss.SOFTMAX_CROSS_ENTROPY, 8);
        other.initialize(3);
        Adam adam = new Adam(0.01f);
        Dataset twoFeatures = Dataset.classification(new float[][] {{1, 2}, {3, 4}}, new int[] {0, 2}, 3);
        Trainer.of(other).optimizer(adam).epochs(1).fit(twoFeatures);
        Map<String, float[]> state = adam.state();
        float[] parameters = other.parameters().toArray(ValueLayout.JAVA_FLOAT);

        assertThrows(WeightsMismatchException.class, () -> Checkpoints.restore(file, other, adam));

        assertStatesEqual(state, adam.state());
        assertArrayEquals(parameters, other.parameters().toArray(ValueLayout.JAVA_FLOAT));
    }

    /** A checkpoint after one epoch with {@code optimizer}. */
    private Path saved(Optimizer optimizer) throws IOException {
        Path file = directory.resolve("saved.safetensors");
        Model model = model(1);
        trainer(model, optimizer).epochs(1).fit(DATA);
        Checkpoints.save(file, model, optimizer, 1);
        return file;
    }

    /** Batches of 4, a per-step schedule, augmentation and a validation split: all must resume exactly. */
    private static Trainer trainer(Model model, Optimizer optimizer) {
        return Trainer.of(model).optimizer(optimizer).batchSize(4).seed(11).validationSplit(0.25)
                .schedulePerStep(LearningRateSchedule.inverseTime(0.01f, 0.05)).augmentation(NOISE);
    }

    private static Model model(long seed) {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 8);
        model.initialize(seed);
        return model;
    }

    private static void assertStatesEqual(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name));
    }
}
