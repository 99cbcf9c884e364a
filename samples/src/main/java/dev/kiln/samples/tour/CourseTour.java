package dev.kiln.samples.tour;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A tour of an introductory deep-learning course on the small data sets that ship with the samples
 * (Iris, the handwritten digits, wine), one chapter after another, each printing what it shows and what
 * it measured:
 * <ol>
 *   <li>a perceptron, then a multilayer perceptron declared with annotations and with the builder
 *       ({@link PerceptronChapter});</li>
 *   <li>activation functions ({@link ActivationsChapter});</li>
 *   <li>losses: cross-entropy against hinge, squared against absolute error ({@link LossesChapter});</li>
 *   <li>initialization, and why zeros fail ({@link InitializationChapter});</li>
 *   <li>optimizers and a learning-rate schedule ({@link OptimizersChapter});</li>
 *   <li>overfitting and regularization, early stopping, learning curves, bias and variance
 *       ({@link RegularizationChapter});</li>
 *   <li>gradient checking ({@link GradientCheckChapter});</li>
 *   <li>hyperparameter search ({@link SearchChapter});</li>
 *   <li>saving and loading weights ({@link WeightsChapter}).</li>
 * </ol>
 * Every split, initialization and order of batches is seeded, so every run prints the same numbers (the
 * search's seconds aside).
 *
 * <p>Run with {@code ./kiln tour}. Arguments: the directory for the files the tour writes (learning
 * curves, the search's results, weights; by default the system property {@code kiln.tour.out}, which
 * {@code ./kiln tour} sets to {@code samples/target/tour}, else {@code samples/target/tour}), and
 * {@code --quick} for fewer epochs: {@code ./kiln tour --quick /tmp/tour}.
 */
public final class CourseTour {

    /** The output directory when no argument and no {@code kiln.tour.out} property names one. */
    static final String DEFAULT_DIRECTORY = "samples/target/tour";

    private CourseTour() {
    }

    /**
     * What every chapter measured, for tests to check against what the chapters claim.
     *
     * @param perceptron     chapter 1
     * @param activations    chapter 2
     * @param losses         chapter 3
     * @param initialization chapter 4
     * @param optimizers     chapter 5
     * @param regularization chapter 6
     * @param gradientCheck  chapter 7
     * @param search         chapter 8
     * @param weights        chapter 9
     */
    record Result(PerceptronChapter.Result perceptron, ActivationsChapter.Result activations,
                  LossesChapter.Result losses, InitializationChapter.Result initialization,
                  OptimizersChapter.Result optimizers, RegularizationChapter.Result regularization,
                  GradientCheckChapter.Result gradientCheck, SearchChapter.Result search,
                  WeightsChapter.Result weights) {
    }

    /**
     * The command line: where to write, and whether to run quickly.
     *
     * @param directory the output directory
     * @param quick     whether {@code --quick} was given
     */
    record Arguments(Path directory, boolean quick) {
    }

    /**
     * Runs the tour.
     *
     * @param args an output directory and {@code --quick}, both optional, in any order
     */
    public static void main(String[] args) {
        Arguments arguments = parse(args, System.getProperty("kiln.tour.out", DEFAULT_DIRECTORY));
        long start = System.nanoTime();
        run(new Tour(System.out, arguments.directory(), arguments.quick()));
        System.out.printf("%nThe tour took %.1f s; its files are in %s%n", (System.nanoTime() - start) / 1e9,
                arguments.directory().toAbsolutePath().normalize());
    }

    /**
     * Reads the command line: {@code --quick} and an output directory, both optional, in any order.
     *
     * @param defaultDirectory the directory when none is given
     * @throws IllegalArgumentException for an unknown option or a second directory
     */
    static Arguments parse(String[] args, String defaultDirectory) {
        boolean quick = false;
        String directory = null;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + arg + "; the tour takes an output directory"
                        + " and --quick, both optional, e.g. ./kiln tour --quick /tmp/tour");
            } else if (directory == null) {
                directory = arg;
            } else {
                throw new IllegalArgumentException("two output directories, " + directory + " and " + arg
                        + "; give at most one");
            }
        }
        return new Arguments(Path.of(directory == null ? defaultDirectory : directory), quick);
    }

    /** Runs every chapter in order, printing to {@code tour.out()} and writing into {@code tour.directory()}. */
    static Result run(Tour tour) {
        tour.println("A tour of an introductory deep-learning course with Kiln" + (tour.quick() ? " (quick)" : ""));
        PerceptronChapter.Result perceptron = PerceptronChapter.run(tour);
        TourData.ThreeWay digits = TourData.digits();
        ActivationsChapter.Result activations = ActivationsChapter.run(tour, digits);
        LossesChapter.Result losses = LossesChapter.run(tour, digits);
        InitializationChapter.Result initialization = InitializationChapter.run(tour, digits);
        OptimizersChapter.Result optimizers = OptimizersChapter.run(tour, digits);
        RegularizationChapter.Result regularization = RegularizationChapter.run(tour, digits);
        GradientCheckChapter.Result gradientCheck = GradientCheckChapter.run(tour, perceptron.iris());
        SearchChapter.Result search = SearchChapter.run(tour);
        WeightsChapter.Result weights = WeightsChapter.run(tour, perceptron.mlp(), perceptron.iris());
        return new Result(perceptron, activations, losses, initialization, optimizers, regularization, gradientCheck,
                search, weights);
    }

    /** {@link #run(Tour)} printing to {@code out}. */
    static Result run(PrintStream out, Path directory, boolean quick) {
        return run(new Tour(out, directory, quick));
    }
}
