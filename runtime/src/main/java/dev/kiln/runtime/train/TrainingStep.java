package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Augmentation;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.regularize.Constraint;
import dev.kiln.runtime.regularize.Regularizer;
import java.util.Arrays;

/**
 * One training step, and the sums over an epoch's steps: augment the gathered batch, {@code zeroGradients,
 * forward, loss} (plus the regularizers' penalties), {@code backward} (plus their gradients), the
 * optimizer's step, then the constraints. Everything it uses is allocated in the constructor: a step
 * allocates nothing (as long as the model, the optimizer and the hooks do not).
 */
final class TrainingStep {

    private final Model model;
    private final Optimizer optimizer;
    private final Regularizer[] regularizers;
    private final Constraint[] constraints;
    private final Augmentation[] augmentations;
    private final Predictions predictions;
    private final long[] confusion;
    private Rng rng;
    private double lossSum;
    private int samples;
    private long correct;

    /** A step for {@code model}; {@code labelled} says whether the batches carry class labels. */
    TrainingStep(Model model, Optimizer optimizer, Regularizer[] regularizers, Constraint[] constraints,
                 Augmentation[] augmentations, boolean labelled) {
        this.model = model;
        this.optimizer = optimizer;
        this.regularizers = regularizers.clone();
        this.constraints = constraints.clone();
        this.augmentations = augmentations.clone();
        this.predictions = new Predictions(model);
        this.confusion = labelled ? new long[predictions.classes() * predictions.classes()] : null;
    }

    /** Whether any augmentation is applied (and so needs a generator). */
    boolean augments() {
        return augmentations.length > 0;
    }

    /** Clears the sums for a new epoch, whose augmentations draw from {@code rng} (null if there are none). */
    void startEpoch(Rng rng) {
        this.rng = rng;
        this.lossSum = 0;
        this.samples = 0;
        this.correct = 0;
        if (confusion != null) {
            Arrays.fill(confusion, 0);
        }
    }

    /**
     * Trains on the batch {@code batches} holds.
     *
     * @param epoch the epoch, for the message of a non-finite loss
     * @param step  the step in the epoch, from 1, for the same message
     * @param steps the steps per epoch, for the same message
     * @return the batch's loss, with the regularizers' penalties
     * @throws ArithmeticException if that loss is NaN or infinite; nothing was updated then
     */
    double run(Batches batches, int epoch, int step, int steps) {
        int size = batches.size();
        float[] features = batches.features();
        for (Augmentation augmentation : augmentations) {
            augmentation.apply(features, size, model.inputSize(), rng);
        }
        model.zeroGradients();
        float[] outputs = model.forward(features, 0, size);
        if (confusion != null) {
            correct += predictions.tally(outputs, batches.labels(), 0, size, confusion);
        }
        double loss = model.loss(batches.targets(), 0);
        for (Regularizer regularizer : regularizers) {
            loss += regularizer.penalty(model);
        }
        if (!Double.isFinite(loss)) {
            throw new ArithmeticException(model.spec().name() + ": the loss became " + (float) loss + " at epoch "
                    + epoch + ", step " + step + " of " + steps + "; training diverged: try a lower learning"
                    + " rate than " + optimizer.learningRate());
        }
        model.backward();
        for (Regularizer regularizer : regularizers) {
            regularizer.addGradient(model);
        }
        optimizer.step(model.parameters(), model.gradients());
        for (Constraint constraint : constraints) {
            constraint.apply(model);
        }
        lossSum += loss * size;
        samples += size;
        return loss;
    }

    /** The sum of the epoch's batch losses, each times its batch size. */
    double lossSum() {
        return lossSum;
    }

    /** The samples the epoch has trained on so far. */
    int samples() {
        return samples;
    }

    /** The correctly classified samples so far (0 without labels). */
    long correct() {
        return correct;
    }

    /** The epoch's training measures so far. */
    Measures measures() {
        double loss = lossSum / samples;
        return Measures.of(loss, confusion == null ? null : Evaluation.report(predictions, confusion));
    }
}
