package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.regularize.Constraints;
import dev.kiln.runtime.regularize.Regularizers;
import dev.kiln.runtime.train.BiasVariance;
import dev.kiln.runtime.train.EarlyStopping;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Chapter 6: overfitting and what to do about it. A network far larger than its data (two hidden layers
 * of 128 for a couple of hundred digits) learns its training set by heart; L2 weight decay, a max-norm
 * constraint, dropout and early stopping (restoring the best epoch's weights) each narrow the gap to the dev set.
 * The learning curves of the unregularized run and of the L2 run are written as CSV and PNG, and the
 * unregularized run gets the bias/variance reading of its last epoch. Choices are judged on the dev set;
 * the test set is measured once, for the choice.
 */
final class RegularizationChapter {

    /** The training samples: a small subset of the digits' training part. */
    static final int TRAIN_SAMPLES = 200;
    /** The width of both hidden layers. */
    static final int HIDDEN = 128;
    /** L2's coefficient λ in {@code (λ/2) Σ w²}. */
    static final double L2 = 1e-3;
    /** Max-norm's bound on the L2 norm of each unit's incoming weights. */
    static final double MAX_NORM = 1.0;
    /** Dropout's rate after each hidden layer. */
    static final double DROPOUT = 0.5;
    /** Early stopping's patience, in epochs without a better dev loss. */
    static final int PATIENCE = 5;

    /** The network: 64 -> 128 ReLU -> 128 ReLU -> 10, about 26,000 parameters. */
    static final NetworkSpec NETWORK = Kiln.network("Large").input(64)
            .dense(HIDDEN).named("hidden1").relu()
            .dense(HIDDEN).named("hidden2").relu()
            .dense(10).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();

    /** The same network with dropout after each hidden layer: active while training, off when measuring. */
    static final NetworkSpec WITH_DROPOUT = Kiln.network("LargeDropout").input(64)
            .dense(HIDDEN).named("hidden1").relu().dropout(DROPOUT)
            .dense(HIDDEN).named("hidden2").relu().dropout(DROPOUT)
            .dense(10).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();

    /**
     * One run's outcome.
     *
     * @param epochs        the epochs it ran
     * @param trainAccuracy the accuracy on the training samples after training
     * @param devAccuracy   the accuracy on the dev set after training
     * @param devLoss       the mean loss on the dev set after training (without a penalty)
     * @param reading       the bias/variance reading of its last epoch
     */
    record Outcome(int epochs, double trainAccuracy, double devAccuracy, double devLoss, BiasVariance reading) {
    }

    /**
     * What the chapter measured.
     *
     * @param outcomes     each run's outcome, by name: none, L2, max-norm, dropout, early stopping
     * @param stoppedEpoch the epoch after which early stopping stopped
     * @param bestEpoch    the epoch whose weights early stopping restored
     * @param chosen       the run with the best dev accuracy
     * @param testAccuracy the chosen run's test accuracy
     * @param files        the learning curves written: CSV and PNG of the unregularized and the L2 run
     */
    record Result(SequencedMap<String, Outcome> outcomes, int stoppedEpoch, int bestEpoch, String chosen,
                  double testAccuracy, List<Path> files) {
    }

    private final Tour tour;
    private final Dataset train;
    private final TourData.ThreeWay digits;
    private final int epochs;
    private final SequencedMap<String, Outcome> outcomes = new LinkedHashMap<>();
    private final SequencedMap<String, Model> models = new LinkedHashMap<>();
    private final List<Path> files = new ArrayList<>();

    private RegularizationChapter(Tour tour, TourData.ThreeWay digits) {
        this.tour = tour;
        this.digits = digits;
        this.train = digits.train().subset(IntStream.range(0, TRAIN_SAMPLES).toArray());
        this.epochs = tour.epochs(100, 40);
    }

    /** Trains {@link #NETWORK} on a few of {@code digits} without and with each regularization. */
    static Result run(Tour tour, TourData.ThreeWay digits) {
        return new RegularizationChapter(tour, digits).run();
    }

    private Result run() {
        tour.heading(6, "Overfitting and regularization", "64 -> " + HIDDEN + " ReLU -> " + HIDDEN + " ReLU -> 10"
                + " (about 26,000 parameters) on only " + TRAIN_SAMPLES + " training digits, measured on "
                + digits.dev().size() + " dev digits; Adam 0.002, batch 32, up to " + epochs + " epochs. "
                + digits.test().size() + " test digits stay apart until the end.");
        EarlyStopping stopping = new EarlyStopping("val_loss").patience(PATIENCE).restoreBestWeights(true);
        train("none", trainer -> trainer, "regularization-none");
        train("L2 " + L2, trainer -> trainer.regularizer(Regularizers.l2(L2)), "regularization-l2");
        train("max-norm " + MAX_NORM, trainer -> trainer.constraint(Constraints.maxNorm(MAX_NORM)), null);
        train("dropout " + DROPOUT, WITH_DROPOUT, trainer -> trainer, null);
        train("early stopping", trainer -> trainer.callback(stopping), null);

        Table table = new Table("regularization", "epochs", "train accuracy", "dev accuracy", "dev loss");
        outcomes.forEach((name, o) -> table.row(name, Integer.toString(o.epochs()), Table.number(o.trainAccuracy()),
                Table.number(o.devAccuracy()), Table.number(o.devLoss())));
        tour.out().print(table);
        tour.explain("early stopping watched val_loss with patience " + PATIENCE + ": it stopped after epoch "
                + stopping.stoppedEpoch() + " and restored the weights of epoch " + stopping.bestEpoch() + ".");
        tour.println("without regularization, the last epoch reads:");
        tour.println("  " + outcomes.firstEntry().getValue().reading().line());
        String chosen = outcomes.entrySet().stream()
                .max(Comparator.comparingDouble(e -> e.getValue().devAccuracy()))
                .orElseThrow().getKey();
        double test = Evaluation.accuracy(models.get(chosen), digits.test());
        tour.printf("chosen on the dev set: %s; its test accuracy, measured once: %.4f%n", chosen, test);
        tour.explain("learning curves, loss and accuracy per epoch: "
                + String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList()));
        tour.explain("Without regularization the network fits its " + TRAIN_SAMPLES + " digits perfectly (training"
                + " loss near 0) while the dev loss levels off far above it: that gap is the variance. More data would"
                + " help most; short of it, each method limits how far the weights go to fit the training set's"
                + " accidents. Dropout, which trains a different thinned network at every step, needs more epochs"
                + " than the others to pay off. (The curves' val_loss includes L2's penalty; the table's dev loss"
                + " does not.)");
        return new Result(outcomes, stopping.stoppedEpoch(), stopping.bestEpoch(), chosen, test, List.copyOf(files));
    }

    /**
     * Trains the network from {@link Tour#SEED} with {@code regularization} added to the trainer, records
     * the outcome under {@code name}, and writes the learning curves as {@code curves}.csv and .png unless
     * {@code curves} is null.
     */
    private void train(String name, UnaryOperator<Trainer> regularization, String curves) {
        train(name, NETWORK, regularization, curves);
    }

    private void train(String name, NetworkSpec network, UnaryOperator<Trainer> regularization, String curves) {
        Model model = Interpreter.of(network, Tour.SEED);
        Trainer trainer = Trainer.of(model).optimizer(new Adam(0.002f)).batchSize(32).epochs(epochs).seed(Tour.SEED);
        History history = regularization.apply(trainer).fit(train, digits.dev());
        outcomes.put(name, new Outcome(history.epochs().size(), Evaluation.accuracy(model, train),
                Evaluation.accuracy(model, digits.dev()), Evaluation.meanLoss(model, digits.dev()),
                history.biasVariance()));
        models.put(name, model);
        if (curves != null) {
            Path csv = tour.file(curves + ".csv");
            Path png = tour.file(curves + ".png");
            try {
                history.writeCsv(csv);
                history.writePng(png);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the learning curves of " + name, e);
            }
            files.add(csv);
            files.add(png);
        }
    }
}
