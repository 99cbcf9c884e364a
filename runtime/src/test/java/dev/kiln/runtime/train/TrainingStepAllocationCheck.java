package dev.kiln.runtime.train;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A program, run in a JVM of its own by {@link TrainingStepAllocationTest}, that checks that the trainer's
 * step allocates nothing once the JIT has compiled it: the core step with the measures it keeps, the same in
 * training mode with dropout drawing its masks, and the progress bar between redraws. Prints {@code none
 * allocate}, or those that do.
 */
final class TrainingStepAllocationCheck {

    private TrainingStepAllocationCheck() {
    }

    public static void main(String[] args) {
        List<String> allocating = new ArrayList<>();
        Model mlp = TinyMlp.of(4, 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, 16);
        mlp.initialize(1);
        check("the core step", stepBytes(mlp), allocating);
        Model dropout = Interpreter.of(Kiln.input(4).dropout(0.2).dense(8).tanh().dropout(0.5).dense(3).softmax()
                .loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(16).build(), 1);
        dropout.setTraining(true);
        check("the core step with dropout drawing its masks", stepBytes(dropout), allocating);
        check("the progress bar between redraws", progressBarBytes(), allocating);
        System.out.println(allocating.isEmpty() ? "none allocate" : String.join(", ", allocating));
    }

    private static void check(String what, long bytes, List<String> allocating) {
        if (bytes != 0) {
            allocating.add(what + ": " + bytes + " bytes per round");
        }
    }

    private static long stepBytes(Model model) {
        Dataset data = threeClasses(64);
        Batches batches = new Batches(data, 16, 5);
        TrainingStep step = new TrainingStep(model, new Adam(0.01f), new Regularizer[0], new Constraint[0],
                new Augmentation[0], true);
        step.startEpoch(null);
        batches.startEpoch(1);
        batches.next(); // gathering a batch allocates nothing either: see BatchesTest
        return Allocations.steadyStateBytes(() -> step.run(batches, 1, 1, 4), 2000, 20);
    }

    private static long progressBarBytes() {
        ProgressBar bar = new ProgressBar(TestOutput.discarding(), true, () -> 0L);
        TrainingContext context = new TrainingContext(TinyMlp.of(4, 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, 16), null,
                0, 10, 100, 1600, true, false);
        context.startEpoch(1);
        bar.onEpochBegin(context);
        context.endBatch(1, 16, 8.0, 4, 0.5f);
        return Allocations.steadyStateBytes(() -> bar.onBatchEnd(context), 10_000, 20);
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
