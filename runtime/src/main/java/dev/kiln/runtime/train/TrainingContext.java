package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link Trainer#fit} run stands, as its {@link Callback}s see it: one object per run, whose values
 * the trainer updates as it goes (reading them allocates nothing). The running measures cover the
 * batches of the current epoch so far; {@link #logs()} is the last finished epoch's record.
 */
public final class TrainingContext {

    private final Model model;
    private final Optimizer optimizer;
    private final int initialEpoch;
    private final int epochs;
    private final int steps;
    private final int trainingSize;
    private final boolean validation;
    private final List<EpochStats> finished = new ArrayList<>();
    private int epoch;
    private int step;
    private int samples;
    private double lossSum;
    private long correct;
    private final boolean labelled;
    private float batchLoss = Float.NaN;
    private String stopReason;

    TrainingContext(Model model, Optimizer optimizer, int initialEpoch, int epochs, int steps, int trainingSize,
                    boolean labelled, boolean validation) {
        this.model = model;
        this.optimizer = optimizer;
        this.initialEpoch = initialEpoch;
        this.epochs = epochs;
        this.steps = steps;
        this.trainingSize = trainingSize;
        this.labelled = labelled;
        this.validation = validation;
    }

    /** The model being trained. */
    public Model model() {
        return model;
    }

    /** The optimizer updating it. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The epochs completed before this run began (0 unless the run resumes one). */
    public int initialEpoch() {
        return initialEpoch;
    }

    /** The last epoch of the run. */
    public int epochs() {
        return epochs;
    }

    /** The current epoch, from 1; 0 before the first. */
    public int epoch() {
        return epoch;
    }

    /** The number of batches (steps) per epoch. */
    public int steps() {
        return steps;
    }

    /** The batches of the current epoch done so far; 0 at its beginning. */
    public int step() {
        return step;
    }

    /** The training samples of the current epoch seen so far. */
    public int samples() {
        return samples;
    }

    /** The number of training samples (after any validation split). */
    public int trainingSize() {
        return trainingSize;
    }

    /** Whether the run measures validation data after each epoch. */
    public boolean hasValidation() {
        return validation;
    }

    /** The loss of the last batch, with any regularization penalty; NaN before the first. */
    public double batchLoss() {
        return batchLoss;
    }

    /** The mean training loss over the current epoch's batches so far; NaN before the first. */
    public double loss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    /** The training accuracy over the current epoch's batches so far; NaN before the first or without labels. */
    public double accuracy() {
        return samples == 0 || !labelled ? Double.NaN : (double) correct / samples;
    }

    /**
     * The last finished epoch's measures: in {@code onEpochEnd}, the epoch just measured.
     *
     * @throws IllegalStateException before the first epoch has finished
     */
    public EpochStats logs() {
        if (finished.isEmpty()) {
            throw new IllegalStateException("no epoch has finished yet: logs() are there from onEpochEnd on");
        }
        return finished.getLast();
    }

    /** The finished epochs of this run so far, in order; unmodifiable, empty before the first ends. */
    public List<EpochStats> finishedEpochs() {
        return Collections.unmodifiableList(finished);
    }

    /**
     * Asks the trainer to stop. The trainer looks after every batch and after every epoch: asked during an
     * epoch ({@code onTrainBegin}, {@code onEpochBegin}, {@code onBatchEnd}), it ends that epoch after the
     * current batch, measures it over the batches it ran and calls {@code onEpochEnd}; asked in
     * {@code onEpochEnd}, it runs no further epoch. {@code onTrainEnd} is called either way. The first
     * reason given is kept.
     */
    public void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = Objects.requireNonNull(reason, "reason");
        }
    }

    /** Whether a callback asked to stop. */
    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Why training was asked to stop; null if it was not. */
    public String stopReason() {
        return stopReason;
    }

    void startEpoch(int epoch) {
        this.epoch = epoch;
        this.step = 0;
        this.samples = 0;
        this.lossSum = 0;
        this.correct = 0;
        this.batchLoss = Float.NaN;
    }

    void endBatch(int step, int samples, double lossSum, long correct, float batchLoss) {
        this.step = step;
        this.samples = samples;
        this.lossSum = lossSum;
        this.correct = correct;
        this.batchLoss = batchLoss;
    }

    void endEpoch(EpochStats stats) {
        finished.add(stats);
    }
}
