package dev.kiln.runtime.tune;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.regularize.Regularizer;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.NetworkSpec;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The usual objective for a classifier: build the network a configuration describes, run it with the
 * {@link Interpreter}, train it with the {@link Trainer} and measure it on the development set.
 * <pre>{@code
 * Objective objective = ClassificationObjective.of(
 *                 config -> Kiln.input(4)
 *                         .dense(config.getInt("hidden")).relu()
 *                         .dense(3)
 *                         .loss(Loss.SOFTMAX_CROSS_ENTROPY).build(),
 *                 config -> new Adam(config.getFloat("learningRate")),
 *                 train, dev)
 *         .batchSize(16)
 *         .epochs(50)
 *         .seed(42);
 * }</pre>
 * For each configuration it builds the spec, creates the model with {@code Interpreter.of(spec, seed)},
 * trains it for the epochs on {@code train} with the optimizer, the batch size and the same seed for the
 * batches' order, so that configurations differ in nothing else, and then measures:
 * <ul>
 *   <li>{@value #DEV_ACCURACY}: the accuracy on {@code dev}, the score (highest best), unless
 *       {@link #rankByDevLoss()};</li>
 *   <li>{@value #DEV_LOSS}: the mean loss on {@code dev};</li>
 *   <li>{@value #TRAIN_LOSS} and {@value #TRAIN_ACCURACY}: the mean loss and the accuracy on {@code train}
 *       after training (the last epoch's running mean would mix the parameters of all its steps).</li>
 * </ul>
 * A spec the builder rejects, a batch larger than the network's {@code maxBatch}, a training that
 * diverges: each fails its trial with the exception's message. Keep a test set apart from {@code dev}
 * for the final measure of the chosen configuration: the best of many dev scores is an optimistic one.
 *
 * <p>Each setter returns a new objective; defaults: a batch of {@code min(32, maxBatch)}, 10 epochs, seed 0.
 */
public final class ClassificationObjective implements Objective {

    /** The name of the accuracy on the development set. */
    public static final String DEV_ACCURACY = "dev_accuracy";
    /** The name of the mean loss on the development set. */
    public static final String DEV_LOSS = "dev_loss";
    /** The name of the mean loss on the training set after training. */
    public static final String TRAIN_LOSS = "train_loss";
    /** The name of the accuracy on the training set after training. */
    public static final String TRAIN_ACCURACY = "train_accuracy";

    private static final int DEFAULT_BATCH_SIZE = 32;
    private static final int DEFAULT_EPOCHS = 10;

    private final Function<Configuration, NetworkSpec> specs;
    private final Function<Configuration, ? extends Optimizer> optimizers;
    private final Dataset train;
    private final Dataset dev;
    private final ToIntFunction<Configuration> batchSize;
    private final ToIntFunction<Configuration> epochs;
    private final long seed;
    private final boolean byLoss;
    private final Function<Configuration, ? extends Regularizer> regularizers;

    private ClassificationObjective(Function<Configuration, NetworkSpec> specs,
                                    Function<Configuration, ? extends Optimizer> optimizers, Dataset train,
                                    Dataset dev, ToIntFunction<Configuration> batchSize,
                                    ToIntFunction<Configuration> epochs, long seed, boolean byLoss,
                                    Function<Configuration, ? extends Regularizer> regularizers) {
        this.specs = specs;
        this.optimizers = optimizers;
        this.train = train;
        this.dev = dev;
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.seed = seed;
        this.byLoss = byLoss;
        this.regularizers = regularizers;
    }

    /**
     * The objective that trains {@code specs.apply(config)} with {@code optimizers.apply(config)} on
     * {@code train} and measures it on {@code dev}.
     *
     * @param specs      the network of a configuration, typically through the builder
     *                   ({@code Kiln.input(...)...build()})
     * @param optimizers a new optimizer for each configuration (optimizers keep state: never share one)
     * @throws IllegalArgumentException if a data set has no class labels
     */
    public static ClassificationObjective of(Function<Configuration, NetworkSpec> specs,
                                             Function<Configuration, ? extends Optimizer> optimizers,
                                             Dataset train, Dataset dev) {
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(optimizers, "optimizers");
        requireLabels(train, "training");
        requireLabels(dev, "development");
        return new ClassificationObjective(specs, optimizers, train, dev, null, config -> DEFAULT_EPOCHS, 0, false,
                null);
    }

    /**
     * This objective with batches of {@code batchSize} samples.
     *
     * @throws IllegalArgumentException if not positive
     */
    public ClassificationObjective batchSize(int batchSize) {
        requirePositive("batchSize", batchSize);
        return new ClassificationObjective(specs, optimizers, train, dev, config -> batchSize, epochs, seed, byLoss,
                regularizers);
    }

    /** This objective with the batch size a configuration gives, e.g. {@code c -> c.getInt("batchSize")}. */
    public ClassificationObjective batchSize(ToIntFunction<Configuration> batchSize) {
        Objects.requireNonNull(batchSize, "batchSize");
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, byLoss,
                regularizers);
    }

    /**
     * This objective with {@code epochs} passes over the training data.
     *
     * @throws IllegalArgumentException if not positive
     */
    public ClassificationObjective epochs(int epochs) {
        requirePositive("epochs", epochs);
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, config -> epochs, seed, byLoss,
                regularizers);
    }

    /** This objective with the number of epochs a configuration gives, e.g. {@code c -> c.getInt("epochs")}. */
    public ClassificationObjective epochs(ToIntFunction<Configuration> epochs) {
        Objects.requireNonNull(epochs, "epochs");
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, byLoss,
                regularizers);
    }

    /** This objective with {@code seed} for every model's initial weights and every training's batches. */
    public ClassificationObjective seed(long seed) {
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, byLoss,
                regularizers);
    }

    /**
     * This objective scored by the mean loss on the development set (lowest best), with the dev accuracy
     * among the metrics: finer-grained than the accuracy on a small development set, where many
     * configurations reach the same accuracy.
     */
    public ClassificationObjective rankByDevLoss() {
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, true, regularizers);
    }

    /** This objective scored by the accuracy on the development set (highest best), the default. */
    public ClassificationObjective rankByDevAccuracy() {
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, false, regularizers);
    }

    /**
     * This objective training each configuration with the regularizer it gives, e.g.
     * {@code c -> Regularizers.l2(c.getFloat("l2"))}, so that a search can tune its strength. The scores
     * and metrics measure the loss alone, without the penalty.
     */
    public ClassificationObjective regularizer(Function<Configuration, ? extends Regularizer> regularizers) {
        Objects.requireNonNull(regularizers, "regularizers");
        return new ClassificationObjective(specs, optimizers, train, dev, batchSize, epochs, seed, byLoss,
                regularizers);
    }

    /** {@value #DEV_ACCURACY}, or {@value #DEV_LOSS} after {@link #rankByDevLoss()}. */
    @Override
    public String scoreName() {
        return byLoss ? DEV_LOSS : DEV_ACCURACY;
    }

    /** Maximize the dev accuracy, or minimize the dev loss after {@link #rankByDevLoss()}. */
    @Override
    public Direction direction() {
        return byLoss ? Direction.MINIMIZE : Direction.MAXIMIZE;
    }

    /**
     * Builds, trains and measures the network of {@code configuration}.
     *
     * @throws RuntimeException whatever the builder, the interpreter or the trainer throws
     */
    @Override
    public TrialResult evaluate(Configuration configuration) {
        NetworkSpec spec = Objects.requireNonNull(specs.apply(configuration),
                "the spec factory returned null; return the network, e.g. Kiln.input(4)...build()");
        Model model = Interpreter.of(spec, seed);
        Optimizer optimizer = Objects.requireNonNull(optimizers.apply(configuration),
                "the optimizer factory returned null; return a new optimizer, e.g. new Adam(0.01f)");
        int batch = batchSize == null ? Math.min(DEFAULT_BATCH_SIZE, model.maxBatch())
                : batchSize.applyAsInt(configuration);
        Trainer trainer = Trainer.of(model)
                .optimizer(optimizer)
                .batchSize(batch)
                .epochs(epochs.applyAsInt(configuration))
                .seed(seed);
        if (regularizers != null) {
            trainer.regularizer(Objects.requireNonNull(regularizers.apply(configuration),
                    "the regularizer factory returned null; return one, e.g. Regularizers.l2(1e-4f)"));
        }
        trainer.fit(train, dev);
        double devAccuracy = Evaluation.accuracy(model, dev);
        double devLoss = Evaluation.meanLoss(model, dev);
        TrialResult result = byLoss
                ? TrialResult.of(devLoss).with(DEV_ACCURACY, devAccuracy)
                : TrialResult.of(devAccuracy).with(DEV_LOSS, devLoss);
        return result.with(TRAIN_LOSS, Evaluation.meanLoss(model, train))
                .with(TRAIN_ACCURACY, Evaluation.accuracy(model, train));
    }

    private static void requireLabels(Dataset data, String role) {
        Objects.requireNonNull(data, role + " data");
        if (data.labels() == null) {
            throw new IllegalArgumentException("the " + role + " data " + data + " has no class labels, which a"
                    + " classification objective needs for its accuracy; for regression write an objective of your"
                    + " own, e.g. Objective.minimize(\"dev_loss\", config -> ...Evaluation.meanLoss(model, dev)...)");
        }
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + " must be positive");
        }
    }
}
