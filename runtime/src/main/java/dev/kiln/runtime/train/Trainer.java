package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.LearningRateSchedule;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a model with mini-batch gradient descent:
 * <pre>{@code
 * History history = Trainer.of(model)
 *         .optimizer(new Adam(0.01f))
 *         .batchSize(16)
 *         .epochs(100)
 *         .seed(42)
 *         .listener(TrainingListener.printing(System.out))
 *         .fit(split.train(), split.test());
 * }</pre>
 * Each epoch visits the training samples in a new order drawn from the seed (see {@link Batches}); each
 * step is {@code zeroGradients, forward, loss, backward} followed by an optimizer step. After each epoch
 * the validation set, if any, is measured with {@link Evaluation} and the listeners are told.
 *
 * <p>A {@link LearningRateSchedule} sets the optimizer's learning rate before each epoch
 * ({@link #schedulePerEpoch}, {@code t} the epochs completed) or before each step
 * ({@link #schedulePerStep}, {@code t} the steps completed in this {@code fit}, across epochs); each
 * epoch's {@link EpochStats#learningRate()} records the rate of its first step. The optimizer keeps the
 * last rate after {@code fit}.
 *
 * <p>The trainer does not initialize the model: call {@link Model#initialize} first (or load weights).
 * Defaults: a batch of {@code min(32, maxBatch)} samples, 10 epochs, seed 0; the optimizer has no
 * default and must be given.
 */
public final class Trainer {

    private static final int DEFAULT_BATCH_SIZE = 32;
    private static final int DEFAULT_EPOCHS = 10;

    private final Model model;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Optimizer optimizer;
    private int batchSize;
    private int epochs = DEFAULT_EPOCHS;
    private long seed;
    private LearningRateSchedule schedule;
    private boolean schedulePerStep;

    private Trainer(Model model) {
        this.model = model;
        this.batchSize = Math.min(DEFAULT_BATCH_SIZE, model.maxBatch());
    }

    /** A trainer for {@code model}, with the defaults. */
    public static Trainer of(Model model) {
        return new Trainer(Objects.requireNonNull(model, "model"));
    }

    /** The optimizer that updates the parameters; it should serve this model only. */
    public Trainer optimizer(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        return this;
    }

    /**
     * The number of samples per step.
     *
     * @throws IllegalArgumentException if not in {@code [1, model.maxBatch()]}
     */
    public Trainer batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > model.maxBatch()) {
            throw new IllegalArgumentException(model.spec().name() + ": batch size " + batchSize
                    + " is outside [1, " + model.maxBatch() + "]; use a batch size of at most " + model.maxBatch()
                    + ", or raise @Network(maxBatch)");
        }
        this.batchSize = batchSize;
        return this;
    }

    /**
     * The number of passes over the training data.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Trainer epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs = " + epochs + " must be positive");
        }
        this.epochs = epochs;
        return this;
    }

    /** The seed of the per-epoch shuffles. */
    public Trainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Sets the optimizer's learning rate before each epoch to {@code schedule.learningRate(t)}, {@code t}
     * the number of epochs completed (0 for the first); replaces any schedule given before.
     */
    public Trainer schedulePerEpoch(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.schedulePerStep = false;
        return this;
    }

    /**
     * Sets the optimizer's learning rate before each step to {@code schedule.learningRate(t)}, {@code t}
     * the number of steps completed in this {@code fit} (0 for the first, counting on across epochs);
     * replaces any schedule given before.
     */
    public Trainer schedulePerStep(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.schedulePerStep = true;
        return this;
    }

    /** Adds a listener, told about each epoch in the order listeners were added. */
    public Trainer listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Trains on {@code train} without a validation set.
     *
     * @throws IllegalStateException    if no optimizer was given
     * @throws IllegalArgumentException if the data set does not fit the model
     * @throws ArithmeticException      if the loss becomes NaN or infinite, naming the epoch and step
     * @throws IllegalArgumentException if the schedule gives a learning rate that is not positive and
     *     finite, naming it and {@code t}
     */
    public History fit(Dataset train) {
        return run(train, null);
    }

    /**
     * Trains on {@code train}, measuring {@code validation} after each epoch.
     *
     * @throws IllegalStateException    if no optimizer was given
     * @throws IllegalArgumentException if a data set does not fit the model
     * @throws ArithmeticException      if the loss becomes NaN or infinite, naming the epoch and step
     * @throws IllegalArgumentException if the schedule gives a learning rate that is not positive and
     *     finite, naming it and {@code t}
     */
    public History fit(Dataset train, Dataset validation) {
        return run(train, Objects.requireNonNull(validation, "validation"));
    }

    private History run(Dataset train, Dataset validation) {
        if (optimizer == null) {
            throw new IllegalStateException("no optimizer: call optimizer(...), e.g. optimizer(new Adam(0.001f)),"
                    + " before fit");
        }
        Evaluation.requireFits(model, train, "training data");
        if (validation != null) {
            Evaluation.requireFits(model, validation, "validation data");
        }
        Batches batches = new Batches(train, batchSize, seed);
        Predictions predictions = new Predictions(model);
        List<EpochStats> history = new ArrayList<>(epochs);
        long stepsDone = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            EpochStats stats = epoch(batches, predictions, train, validation, epoch, stepsDone);
            stepsDone += (train.size() + batchSize - 1) / batchSize;
            history.add(stats);
            for (TrainingListener listener : listeners) {
                listener.onEpoch(stats);
            }
        }
        return new History(history);
    }

    /** One epoch; {@code stepsDone} counts the steps of the epochs before. */
    private EpochStats epoch(Batches batches, Predictions predictions, Dataset train, Dataset validation,
                             int epoch, long stepsDone) {
        boolean labelled = train.labels() != null;
        int steps = (train.size() + batchSize - 1) / batchSize;
        double lossSum = 0;
        long correct = 0;
        if (schedule != null && !schedulePerStep) {
            applySchedule(epoch - 1, epoch, 0);
        }
        float learningRate = Float.NaN;
        batches.startEpoch(epoch);
        for (int step = 1; batches.next(); step++) {
            if (schedule != null && schedulePerStep) {
                applySchedule(stepsDone + step - 1, epoch, step);
            }
            if (step == 1) {
                learningRate = optimizer.learningRate();
            }
            int size = batches.size();
            model.zeroGradients();
            float[] outputs = model.forward(batches.features(), 0, size);
            if (labelled) {
                correct += predictions.correct(outputs, batches.labels(), 0, size);
            }
            float loss = model.loss(batches.targets(), 0);
            if (!Float.isFinite(loss)) {
                throw new ArithmeticException(model.spec().name() + ": the loss became " + loss + " at epoch "
                        + epoch + ", step " + step + " of " + steps + "; training diverged: try a lower learning"
                        + " rate than " + optimizer.learningRate());
            }
            model.backward();
            optimizer.step(model.parameters(), model.gradients());
            lossSum += (double) loss * size;
        }
        double accuracy = labelled ? (double) correct / train.size() : Double.NaN;
        double validationLoss = validation == null ? Double.NaN : Evaluation.meanLoss(model, validation);
        double validationAccuracy = validation == null || validation.labels() == null
                ? Double.NaN : Evaluation.accuracy(model, validation);
        return new EpochStats(epoch, epochs, lossSum / train.size(), accuracy, validationLoss, validationAccuracy,
                learningRate);
    }

    /** Sets the optimizer's rate to the schedule's at {@code t}; {@code step} is 0 for a per-epoch schedule. */
    private void applySchedule(long t, int epoch, int step) {
        float rate = schedule.learningRate(t);
        if (!(rate > 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException("the learning-rate schedule gave " + rate + " at t = " + t + " (epoch "
                    + epoch + (step > 0 ? ", step " + step : "") + "); a learning rate must be positive and finite:"
                    + " check the schedule's arguments, e.g. a decay that underflows to 0");
        }
        optimizer.setLearningRate(rate);
    }
}
