package dev.kiln.samples.tour;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Chapter 1: from one neuron to a multilayer perceptron. A single sigmoid unit separates wine cultivar 0
 * from the others (logistic regression); then an MLP learns the three Iris species, declared twice, with
 * annotations ({@link IrisMlp}) and with the builder ({@link IrisMlpChain}). Both declarations compile to
 * the same code, so they train to the same parameters bit for bit; the interpreter runs the same spec
 * without generated code and agrees within float rounding.
 */
final class PerceptronChapter {

    static final int BATCH_SIZE = 16;

    /**
     * What the chapter measured.
     *
     * @param perceptronAccuracy     the single neuron's test accuracy on wine cultivar 0 against the rest
     * @param annotatedAccuracy      the MLP's test accuracy on Iris, declared with annotations
     * @param builderAccuracy        the same, declared with the builder and compiled through {@code @Compile}
     * @param interpretedAccuracy    the same spec trained by the interpreter
     * @param sameSpec               whether the two declarations give equal specs
     * @param identicalParameters    whether the two generated classes trained to the same parameters, bit for bit
     * @param interpreterDifference  the largest difference between the interpreter's and the generated
     *                               class's test outputs after training
     * @param mlp                    the trained MLP (annotations), for the later chapters
     * @param iris                   the Iris data it was trained and measured on
     */
    record Result(double perceptronAccuracy, double annotatedAccuracy, double builderAccuracy,
                  double interpretedAccuracy, boolean sameSpec, boolean identicalParameters,
                  double interpreterDifference, KilnIrisMlp mlp, TourData.ThreeWay iris) {
    }

    private PerceptronChapter() {
    }

    /** Trains the wine neuron, then the Iris MLP from both declarations and in the interpreter. */
    static Result run(Tour tour) {
        tour.heading(1, "From a perceptron to a multilayer perceptron", "One sigmoid unit learns to tell wine"
                + " cultivar 0 from the others; then a network with a hidden layer learns the three Iris species,"
                + " declared with annotations and with the builder.");
        double perceptron = perceptron(tour);

        TourData.ThreeWay iris = TourData.iris();
        int epochs = tour.epochs(100, 40);
        KilnIrisMlp annotated = new KilnIrisMlp(Tour.SEED);
        History history = train(annotated, iris, epochs);
        KilnIrisMlpChain built = new KilnIrisMlpChain(Tour.SEED);
        train(built, iris, epochs);
        Model interpreted = Interpreter.of(IrisMlpChain.IRIS_MLP_CHAIN, Tour.SEED);
        train(interpreted, iris, epochs);

        double annotatedAccuracy = Evaluation.accuracy(annotated, iris.test());
        double builderAccuracy = Evaluation.accuracy(built, iris.test());
        double interpretedAccuracy = Evaluation.accuracy(interpreted, iris.test());
        boolean sameSpec = KilnIrisMlp.SPEC.equals(KilnIrisMlpChain.SPEC)
                && KilnIrisMlp.SPEC.equals(IrisMlpChain.IRIS_MLP_CHAIN);
        boolean identical = Arrays.equals(annotated.parameters().toArray(ValueLayout.JAVA_FLOAT),
                built.parameters().toArray(ValueLayout.JAVA_FLOAT));
        double difference = largestDifference(annotated, interpreted, iris.test().features(), iris.test().size());

        tour.printf("Iris MLP 4 -> 8 tanh -> 3, Adam 0.01, batch %d, %d epochs (%d training, %d dev, %d test"
                + " flowers)%n", BATCH_SIZE, epochs, iris.train().size(), iris.dev().size(), iris.test().size());
        tour.println("last epoch: " + history.last().format());
        tour.println(history.biasVariance().line());
        Table table = new Table("declared as", "generated class", "test accuracy");
        table.row("@Network class IrisMlp", "KilnIrisMlp", Table.number(annotatedAccuracy));
        table.row("@Compile builder chain", "KilnIrisMlpChain", Table.number(builderAccuracy));
        table.row("builder chain, interpreted", "(none)", Table.number(interpretedAccuracy));
        tour.out().print(table);
        tour.printf("the two declarations give the same spec: %s; the two classes trained to identical"
                + " parameters: %s%n", sameSpec, identical);
        tour.printf("interpreter against generated code: largest difference of a test output %.2e (float rounding)%n",
                difference);
        return new Result(perceptron, annotatedAccuracy, builderAccuracy, interpretedAccuracy, sameSpec, identical,
                difference, annotated, iris);
    }

    /** Trains the single neuron on wine, prints what it learned, and returns its test accuracy. */
    private static double perceptron(Tour tour) {
        TourData.ThreeWay wine = TourData.wineCultivarZero();
        KilnWinePerceptron neuron = new KilnWinePerceptron(Tour.SEED);
        int epochs = tour.epochs(30, 15);
        Trainer.of(neuron).optimizer(new Sgd(0.1f)).batchSize(BATCH_SIZE).epochs(epochs).seed(Tour.SEED)
                .fit(wine.train(), wine.dev());
        double accuracy = Evaluation.accuracy(neuron, wine.test());
        tour.printf("one sigmoid unit, 13 standardized measurements -> P(cultivar 0), plain SGD 0.1, %d epochs:%n",
                epochs);
        tour.printf("  test accuracy %.4f on %d wines; its largest weights (a standardized unit of each):%n",
                accuracy, wine.test().size());
        Parameter weight = neuron.parameterLayout().getFirst();
        float[] w = new float[weight.size()];
        for (int j = 0; j < w.length; j++) {
            w[j] = neuron.parameters().getAtIndex(Memory.FLOAT, weight.offset() + j);
        }
        IntStream.range(0, w.length).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -Math.abs(w[j])))
                .limit(3)
                .forEach(j -> tour.printf("  %-18s %+.3f%n", TourData.WINE_FEATURES.get(j), w[j]));
        tour.println("");
        return accuracy;
    }

    /** Trains {@code model} with Adam on {@code data}'s training part, measuring its dev part. */
    private static History train(Model model, TourData.ThreeWay data, int epochs) {
        return Trainer.of(model).optimizer(new Adam(0.01f)).batchSize(BATCH_SIZE).epochs(epochs).seed(Tour.SEED)
                .fit(data.train(), data.dev());
    }

    /** The largest absolute difference between the outputs of two models on {@code count} samples of {@code x}. */
    static double largestDifference(Model a, Model b, float[] x, int count) {
        double largest = 0;
        int width = a.inputSize();
        for (int start = 0; start < count; start += a.maxBatch()) {
            int n = Math.min(a.maxBatch(), count - start);
            float[] ya = a.forward(x, start * width, n).clone();
            float[] yb = b.forward(x, start * width, n);
            for (int i = 0; i < n * a.outputSize(); i++) {
                largest = Math.max(largest, Math.abs(ya[i] - yb[i]));
            }
        }
        return largest;
    }
}
