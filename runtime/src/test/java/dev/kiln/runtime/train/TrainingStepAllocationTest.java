package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Augmentation;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.regularize.Constraint;
import dev.kiln.runtime.regularize.Regularizer;
import dev.kiln.spec.Loss;
import org.junit.jupiter.api.Test;

/**
 * The trainer's step allocates nothing in the steady state: the core step (zero, forward, loss, backward,
 * optimizer) with the measures it keeps, also in training mode with dropout drawing its masks, and the
 * progress bar between redraws.
 */
class TrainingStepAllocationTest {

    @Test
    void theCoreStepAllocatesNothing() {
        Model model = TinyMlp.of(4, 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, 16);
        model.initialize(1);
        assertStepAllocatesNothing(model);
    }

    @Test
    void theCoreStepAllocatesNothingWhileDropoutDrawsItsMasks() {
        Model model = Interpreter.of(Kiln.input(4).dropout(0.2).dense(8).tanh().dropout(0.5).dense(3).softmax()
                .loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(16).build(), 1);
        model.setTraining(true);
        assertStepAllocatesNothing(model);
    }

    private static void assertStepAllocatesNothing(Model model) {
        Dataset data = threeClasses(64);
        Batches batches = new Batches(data, 16, 5);
        TrainingStep step = new TrainingStep(model, new Adam(0.01f), new Regularizer[0], new Constraint[0],
                new Augmentation[0], true);
        step.startEpoch(null);
        batches.startEpoch(1);
        batches.next(); // gathering a batch allocates nothing either: see BatchesTest

        long bytes = Allocations.steadyStateBytes(() -> step.run(batches, 1, 1, 4), 2000, 20);

        assertEquals(0, bytes);
    }

    @Test
    void theProgressBarAllocatesNothingBetweenRedraws() {
        ProgressBar bar = new ProgressBar(TestOutput.discarding(), true, () -> 0L);
        TrainingContext context = new TrainingContext(TinyMlp.of(4, 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, 16), null,
                0, 10, 100, 1600, true, false);
        context.startEpoch(1);
        bar.onEpochBegin(context);
        context.endBatch(1, 16, 8.0, 4, 0.5f);

        long bytes = Allocations.steadyStateBytes(() -> bar.onBatchEnd(context), 10_000, 20);

        assertEquals(0, bytes);
    }

    /** {@code size} samples of 4 features in 3 classes. */
    static Dataset threeClasses(int size) {
        float[][] features = new float[size][4];
        int[] labels = new int[size];
        for (int s = 0; s < size; s++) {
            labels[s] = s % 3;
            for (int j = 0; j < 4; j++) {
                features[s][j] = (float) Math.sin(s * 4 + j) + labels[s];
            }
        }
        return Dataset.classification(features, labels, 3);
    }
}
