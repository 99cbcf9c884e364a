package dev.kiln.samples.tour;

import static dev.kiln.runtime.tune.Dimension.values;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.regularize.Regularizers;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.tune.Configuration;
import dev.kiln.runtime.tune.GridSearch;
import dev.kiln.runtime.tune.Objective;
import dev.kiln.runtime.tune.SearchResult;
import dev.kiln.runtime.tune.SearchSpace;
import dev.kiln.runtime.tune.TrialResult;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Chapter 8: hyperparameter search. A grid over the learning rate, the hidden layer's width and L2's
 * coefficient for a wine classifier, each configuration built with the builder, run by the interpreter,
 * trained from the same seed and ranked by its dev loss: on a dev set of 36 wines many configurations
 * classify every wine right, and the loss still tells how confidently. The best configuration is then
 * measured once on the test set.
 */
final class SearchChapter {

    /** The space searched: 3 x 2 x 2 = 12 configurations. */
    static final SearchSpace SPACE = SearchSpace.of(
            values("learningRate", 0.1, 0.01, 0.001),
            values("hidden", 4, 16),
            values("l2", 0.0, 0.01));

    /**
     * What the chapter measured.
     *
     * @param result       the search's trials
     * @param best         the best configuration
     * @param testAccuracy the best configuration's test accuracy, trained again
     * @param csv          the results file written
     */
    record Result(SearchResult result, Configuration best, double testAccuracy, Path csv) {
    }

    private SearchChapter() {
    }

    /** Runs the grid over {@link #SPACE} on wine, prints and writes its results, and tests the best. */
    static Result run(Tour tour) {
        int epochs = epochs(tour);
        tour.heading(8, "Hyperparameter search", "A grid of " + SPACE.dimensions().size() + " hyperparameters for"
                + " a 13 -> hidden tanh -> 3 wine classifier, Adam, batch 16, " + epochs + " epochs each, ranked by"
                + " the dev loss (the seconds vary from run to run).");
        TourData.ThreeWay wine = TourData.wine();
        Objective objective = Objective.minimize("dev_loss", config -> {
            Model model = train(config, wine, epochs);
            return TrialResult.of(Evaluation.meanLoss(model, wine.dev()))
                    .with("dev_accuracy", Evaluation.accuracy(model, wine.dev()))
                    .with("train_accuracy", Evaluation.accuracy(model, wine.train()));
        });
        SearchResult result = GridSearch.over(SPACE).run(objective);
        tour.out().print(result);
        Path csv = tour.file("search.csv");
        try {
            result.writeCsv(csv);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the search's results to " + csv, e);
        }
        Configuration best = result.bestConfiguration();
        double test = Evaluation.accuracy(train(best, wine, epochs), wine.test());
        tour.explain(String.format(Locale.ROOT, "best: %s; trained again, its test accuracy is %.4f (results in %s)",
                best, test, csv.getFileName()));
        tour.explain("The best of many dev scores flatters the winner: the test set, kept apart, gives the honest"
                + " estimate.");
        return new Result(result, best, test, csv);
    }

    /** The epochs each configuration trains for. */
    static int epochs(Tour tour) {
        return tour.epochs(30, 12);
    }

    /** The network of {@code config}. */
    static NetworkSpec spec(Configuration config) {
        return Kiln.network("Wine").input(13)
                .dense(config.getInt("hidden")).named("hidden").tanh()
                .dense(3).named("out")
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .build();
    }

    /** {@code config}'s network trained on the wine training data. */
    static Model train(Configuration config, TourData.ThreeWay wine, int epochs) {
        Model model = Interpreter.of(spec(config), Tour.SEED);
        Trainer trainer = Trainer.of(model)
                .optimizer(new Adam(config.getFloat("learningRate")))
                .batchSize(16)
                .epochs(epochs)
                .seed(Tour.SEED);
        double l2 = config.getDouble("l2");
        if (l2 > 0) {
            trainer.regularizer(Regularizers.l2(l2));
        }
        trainer.fit(wine.train(), wine.dev());
        return model;
    }
}
