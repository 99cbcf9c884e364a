package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Augmentation;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.optim.LearningRateSchedule;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.regularize.Constraint;
import dev.kiln.runtime.regularize.Regularizer;
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
 *         .validationSplit(0.2)                          // or fit(train, dev)
 *         .callback(new ProgressBar(System.out))
 *         .callback(new EarlyStopping().patience(10).restoreBestWeights(true))
 *         .fit(train);
 * }</pre>
 * Each epoch visits the training samples in a new order drawn from the seed (see {@link Batches}); each
 * step applies the {@link Augmentation}s to the gathered batch, runs {@code zeroGradients, forward, loss}
 * (adding each {@link Regularizer}'s penalty to the loss), {@code backward} (adding each regularizer's
 * gradient), the optimizer's step, and then each {@link Constraint}. After each epoch the validation
 * (dev) data, if any, is measured with {@link Evaluation#measures} (the regularizers' penalties added to
 * its loss, as to the training loss), and the epoch's {@link EpochStats} is added to the {@link History}.
 * A step allocates nothing when the model, the optimizer and the hooks do not, with or without callbacks.
 *
 * <p>{@link Callback}s are told about the run, its epochs and its batches, and may stop it;
 * {@link TrainingListener}s, the older form, hear about each finished epoch. Both are called in the order
 * they were given.
 *
 * <p>A {@link LearningRateSchedule} sets the optimizer's learning rate before each epoch
 * ({@link #schedulePerEpoch}, {@code t} the epochs completed) or before each step
 * ({@link #schedulePerStep}, {@code t} the steps completed, across epochs); each epoch's
 * {@link EpochStats#learningRate()} records the rate of its first step. The optimizer keeps the last rate
 * after {@code fit}.
 *
 * <p><b>Training and inference mode.</b> The trainer puts the model in training mode
 * ({@link Model#setTraining}) for the steps of each epoch, so that dropout layers drop, and in inference
 * mode for everything else: the validation measures (as {@link Evaluation} always does), and the callbacks
 * outside a batch ({@link Callback#onEpochEnd} sees the model as it will serve). When {@code fit} returns,
 * or throws, the model is back in the mode the caller had it in. Before epoch {@code e}'s first step the
 * trainer restarts the model's dropout generator with {@code seedDropout(seed + e)}. The training measures
 * of an epoch are those of its steps, so they are taken with dropout (as Keras reports them), and a
 * network with dropout usually shows a higher training loss than its validation loss.
 *
 * <p>A run resumed from a checkpoint ({@link Checkpoints#restore}) with {@link #initialEpoch} set to the
 * checkpoint's epoch continues exactly, bit for bit, as the uninterrupted run would have: epoch {@code e}'s
 * order of batches, its augmentations, its dropout masks and its schedule depend on {@code e} and the seed
 * alone.
 *
 * <p>The trainer does not initialize the model: call {@link Model#initialize} first (or load weights).
 * Defaults: a batch of {@code min(32, maxBatch)} samples, 10 epochs, seed 0, no validation; the optimizer
 * has no default and must be given.
 */
public final class Trainer {

    private static final int DEFAULT_BATCH_SIZE = 32;
    private static final int DEFAULT_EPOCHS = 10;
    /** Added to {@code seed + epoch} for the augmentations' generator, so that it is not the shuffle's. */
    private static final long AUGMENTATION_STREAM = 0x5851F42D4C957F2DL;

    private final Model model;
    private final List<Callback> callbacks = new ArrayList<>();
    private final List<Regularizer> regularizers = new ArrayList<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private final List<Augmentation> augmentations = new ArrayList<>();
    private Optimizer optimizer;
    private int batchSize;
    private int epochs = DEFAULT_EPOCHS;
    private int initialEpoch;
    private long seed;
    private LearningRateSchedule schedule;
    private boolean schedulePerStep;
    private double validationFraction = Double.NaN;
    private Long validationSeed;

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
     * The number of passes over the training data; with {@link #initialEpoch}, the number of the last epoch.
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

    /**
     * The epochs already completed, to resume a run from a checkpoint taken after that epoch: {@code fit}
     * runs epochs {@code initialEpoch + 1} to {@link #epochs}, each exactly as an uninterrupted run would
     * (as Keras's {@code initial_epoch}). Default 0.
     *
     * @throws IllegalArgumentException if negative
     */
    public Trainer initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initialEpoch = " + initialEpoch + " must not be negative");
        }
        this.initialEpoch = initialEpoch;
        return this;
    }

    /**
     * The seed of the per-epoch shuffles, the augmentations, the dropout masks and (unless given its own)
     * the validation split.
     */
    public Trainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Holds out {@code fraction} of the data given to {@link #fit(Dataset)} as validation (dev) data, drawn
     * with the trainer's {@link #seed}: see {@link Dataset#holdOut(double, long)}.
     *
     * @throws IllegalArgumentException if {@code fraction} is not strictly between 0 and 1
     */
    public Trainer validationSplit(double fraction) {
        this.validationFraction = checkFraction(fraction);
        this.validationSeed = null;
        return this;
    }

    /**
     * Holds out {@code fraction} of the data given to {@link #fit(Dataset)} as validation data, drawn with
     * {@code splitSeed}, so that runs with other seeds keep the same dev set.
     *
     * @throws IllegalArgumentException if {@code fraction} is not strictly between 0 and 1
     */
    public Trainer validationSplit(double fraction, long splitSeed) {
        this.validationFraction = checkFraction(fraction);
        this.validationSeed = splitSeed;
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
     * the number of steps completed (0 for the first, counting on across epochs, and from
     * {@link #initialEpoch}'s steps when resuming); replaces any schedule given before.
     */
    public Trainer schedulePerStep(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.schedulePerStep = true;
        return this;
    }

    /** Adds a listener, told about each epoch after it has been measured, among the callbacks in order. */
    public Trainer listener(TrainingListener listener) {
        Objects.requireNonNull(listener, "listener");
        callbacks.add(new Callback() {
            @Override
            public void onEpochEnd(TrainingContext context) {
                listener.onEpoch(context.logs());
            }
        });
        return this;
    }

    /** Adds a callback, told about the run in the order callbacks (and listeners) were added. */
    public Trainer callback(Callback callback) {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
        return this;
    }

    /** Adds a penalty on the parameters to the loss and its gradient, at every step; may be given several times. */
    public Trainer regularizer(Regularizer regularizer) {
        regularizers.add(Objects.requireNonNull(regularizer, "regularizer"));
        return this;
    }

    /** Adds a constraint, applied to the parameters after every optimizer step; may be given several times. */
    public Trainer constraint(Constraint constraint) {
        constraints.add(Objects.requireNonNull(constraint, "constraint"));
        return this;
    }

    /**
     * Adds an augmentation, applied in place to every training batch before the forward pass (never to
     * validation data), in the order given; may be given several times. Epoch {@code e}'s augmentations
     * draw from one generator seeded from the trainer's seed and {@code e}.
     */
    public Trainer augmentation(Augmentation augmentation) {
        augmentations.add(Objects.requireNonNull(augmentation, "augmentation"));
        return this;
    }

    /**
     * Trains on {@code train}: all of it, or with a {@link #validationSplit}, the part not held out, measuring
     * the held-out part after each epoch.
     *
     * @throws IllegalStateException    if no optimizer was given
     * @throws IllegalArgumentException if the data set does not fit the model, the validation split leaves a
     *     part empty, or {@link #initialEpoch} leaves no epoch to run
     * @throws ArithmeticException      if the loss becomes NaN or infinite, naming the epoch and step
     * @throws IllegalArgumentException if the schedule gives a learning rate that is not positive and
     *     finite, naming it and {@code t}
     */
    public History fit(Dataset train) {
        Objects.requireNonNull(train, "train");
        if (Double.isNaN(validationFraction)) {
            return run(train, null);
        }
        Split split = train.holdOut(validationFraction, validationSeed == null ? seed : validationSeed);
        return run(split.train(), split.test());
    }

    /**
     * Trains on {@code train}, measuring {@code validation} after each epoch.
     *
     * @throws IllegalStateException    if no optimizer was given, or a {@link #validationSplit} was too
     * @throws IllegalArgumentException if a data set does not fit the model, or {@link #initialEpoch} leaves
     *     no epoch to run
     * @throws ArithmeticException      if the loss becomes NaN or infinite, naming the epoch and step
     * @throws IllegalArgumentException if the schedule gives a learning rate that is not positive and
     *     finite, naming it and {@code t}
     */
    public History fit(Dataset train, Dataset validation) {
        Objects.requireNonNull(validation, "validation");
        if (!Double.isNaN(validationFraction)) {
            throw new IllegalStateException("both validationSplit(" + validationFraction + ") and a validation set"
                    + " were given; use one: fit(train) to hold out part of train, or fit(train, validation)"
                    + " without validationSplit");
        }
        return run(train, validation);
    }

    private History run(Dataset train, Dataset validation) {
        if (optimizer == null) {
            throw new IllegalStateException("no optimizer: call optimizer(...), e.g. optimizer(new Adam(0.001f)),"
                    + " before fit");
        }
        if (initialEpoch >= epochs) {
            throw new IllegalArgumentException("initialEpoch(" + initialEpoch + ") leaves no epoch to run of "
                    + epochs + "; epochs(n) is the number of the last epoch, so give more than " + initialEpoch);
        }
        Evaluation.requireFits(model, train, "training data");
        if (validation != null) {
            Evaluation.requireFits(model, validation, "validation data");
        }
        boolean labelled = train.labels() != null;
        int steps = (train.size() + batchSize - 1) / batchSize;
        Batches batches = new Batches(train, batchSize, seed);
        TrainingStep step = new TrainingStep(model, optimizer, regularizers.toArray(Regularizer[]::new),
                constraints.toArray(Constraint[]::new), augmentations.toArray(Augmentation[]::new), labelled);
        TrainingContext context = new TrainingContext(model, optimizer, initialEpoch, epochs, steps, train.size(),
                labelled, validation != null);
        Callback[] told = callbacks.toArray(Callback[]::new);
        boolean callerTraining = model.training();
        model.setTraining(false);
        try {
            epochs(validation, batches, step, context, told, steps);
        } finally {
            model.setTraining(callerTraining);
        }
        return new History(context.finishedEpochs());
    }

    /** Runs the epochs and tells the callbacks, the model in inference mode but for the steps. */
    private void epochs(Dataset validation, Batches batches, TrainingStep step, TrainingContext context,
                        Callback[] told, int steps) {
        for (Callback callback : told) {
            callback.onTrainBegin(context);
        }
        for (int epoch = initialEpoch + 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            context.startEpoch(epoch);
            for (Callback callback : told) {
                callback.onEpochBegin(context);
            }
            model.setTraining(true);
            model.seedDropout(seed + epoch);
            float learningRate = trainEpoch(batches, step, context, told, epoch, steps);
            model.setTraining(false);
            Measures measured = validation == null ? Measures.NONE
                    : Evaluation.measures(model, validation).plusPenalty(penalty());
            EpochStats stats = new EpochStats(epoch, epochs, step.measures(), measured, learningRate,
                    (System.nanoTime() - start) / 1e9);
            context.endEpoch(stats);
            for (Callback callback : told) {
                callback.onEpochEnd(context);
            }
            if (context.stopRequested()) {
                break;
            }
        }
        for (Callback callback : told) {
            callback.onTrainEnd(context);
        }
    }

    /**
     * Trains one epoch, until its batches run out or a callback asks to stop.
     *
     * @return the learning rate of its first step
     */
    private float trainEpoch(Batches batches, TrainingStep step, TrainingContext context, Callback[] told,
                             int epoch, int steps) {
        if (schedule != null && !schedulePerStep) {
            applySchedule(epoch - 1, epoch, 0);
        }
        long stepsDone = (long) (epoch - 1) * steps;
        step.startEpoch(step.augments() ? new Rng(seed + epoch + AUGMENTATION_STREAM) : null);
        float learningRate = Float.NaN;
        batches.startEpoch(epoch);
        for (int s = 1; batches.next(); s++) {
            if (schedule != null && schedulePerStep) {
                applySchedule(stepsDone + s - 1, epoch, s);
            }
            if (s == 1) {
                learningRate = optimizer.learningRate();
            }
            double loss = step.run(batches, epoch, s, steps);
            if (told.length > 0) {
                context.endBatch(s, step.samples(), step.lossSum(), step.correct(), (float) loss);
                for (Callback callback : told) {
                    callback.onBatchEnd(context);
                }
                if (context.stopRequested()) {
                    break;
                }
            }
        }
        return learningRate;
    }

    /** The regularizers' penalties for the current parameters. */
    private double penalty() {
        double penalty = 0;
        for (Regularizer regularizer : regularizers) {
            penalty += regularizer.penalty(model);
        }
        return penalty;
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

    private static double checkFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validationSplit(" + fraction + "): the fraction to hold out must be"
                    + " strictly between 0 and 1, e.g. 0.2");
        }
        return fraction;
    }
}
