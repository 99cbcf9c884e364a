package dev.kiln.samples.iris;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Csv;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.data.Standardizer;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.ProgressBar;
import dev.kiln.runtime.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Trains {@link Iris} end to end: loads the data set shipped with the sample, splits it 70/30 into training
 * and test data under a fixed seed, standardizes the features, trains with mini-batches on the training
 * part less a fifth held out as dev data, showing each epoch's loss, accuracy and F1 on both with a
 * {@link ProgressBar}, reads bias and variance from the last epoch, and reports the accuracy on the test
 * split. When the system property {@code kiln.demo.out} names a directory (the samples' {@code target}
 * under {@code ./kiln demo}), it also writes the learning curves there, as {@code iris-history.csv} and
 * {@code iris-curves.png}.
 *
 * <p>Run with {@code ./kiln demo}. The first argument picks the optimizer, {@code adam} (the default) or
 * {@code sgd} (SGD with momentum); the second the network: {@code annotations} (the default, the class
 * generated from {@link Iris}), {@code builder} (the class generated from {@link IrisChains#IRIS_CHAIN})
 * or {@code interpreter} (that spec run by the interpreter, with nothing generated). The two generated
 * classes compute the same numbers; the interpreter the same within rounding:
 * {@code ./kiln demo -Dexec.args="sgd interpreter"}.
 */
public final class IrisDemo {

    /** The seed of the split, the initial weights and the order of the batches. */
    static final long SEED = 42;
    static final int EPOCHS = 100;
    static final int BATCH_SIZE = 16;
    /** The fraction of the training part held out as dev data. */
    static final double DEV_FRACTION = 0.2;

    private IrisDemo() {
    }

    /** The result of one run: the per-epoch history and the final accuracy on the test split. */
    record Result(History history, double testAccuracy) {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "adam";
        String declaration = args.length > 1 ? args[1] : "annotations";
        Optimizer optimizer = optimizer(name);
        Model network = network(declaration);
        System.out.println("Iris (" + declaration + "), 70/30 split, a fifth of the 70 held out as dev data, " + name
                + ", batch " + BATCH_SIZE + ", " + EPOCHS + " epochs");
        Result result = train(network, optimizer, new ProgressBar(System.out));
        System.out.printf("test accuracy %.4f%n", result.testAccuracy());
        String out = System.getProperty("kiln.demo.out");
        if (out != null) {
            Path directory = Path.of(out);
            try {
                Files.createDirectories(directory);
                result.history().writeCsv(directory.resolve("iris-history.csv"));
                result.history().writePng(directory.resolve("iris-curves.png"));
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the learning curves to " + directory, e);
            }
            System.out.println("learning curves: " + directory.resolve("iris-curves.png") + " (values in "
                    + directory.resolve("iris-history.csv").getFileName() + ")");
        }
    }

    /** The network for {@code annotations}, {@code builder} or {@code interpreter}, initialized with {@link #SEED}. */
    static Model network(String declaration) {
        return switch (declaration) {
            case "annotations" -> new KilnIris(SEED);
            case "builder" -> new KilnIrisChain(SEED);
            case "interpreter" -> Interpreter.of(IrisChains.IRIS_CHAIN, SEED);
            default -> throw new IllegalArgumentException(
                    "unknown network '" + declaration + "'; use annotations, builder or interpreter");
        };
    }

    /** The optimizer the demo uses for {@code adam} (Adam, rate 0.01) or {@code sgd} (rate 0.02, momentum 0.9). */
    static Optimizer optimizer(String name) {
        return switch (name) {
            case "adam" -> new Adam(0.01f);
            case "sgd" -> new Sgd(0.02f, 0.9f);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; use adam or sgd");
        };
    }

    /** Trains {@code network} with {@code optimizer}, printing one plain line per epoch to {@code out}. */
    static Result train(Model network, Optimizer optimizer, PrintStream out) {
        return train(network, optimizer, new ProgressBar(out, false));
    }

    /** Trains {@code network} with {@code optimizer}, showing progress with {@code progress}. */
    static Result train(Model network, Optimizer optimizer, ProgressBar progress) {
        Split split = load().split(0.7, SEED);
        // centimetres of very different ranges: standardize them, with statistics of the training part only
        Standardizer standardizer = Standardizer.fit(split.train());
        Dataset train = standardizer.apply(split.train());
        Dataset test = standardizer.apply(split.test());

        History history = Trainer.of(network)
                .optimizer(optimizer)
                .batchSize(BATCH_SIZE)
                .epochs(EPOCHS)
                .seed(SEED)
                .validationSplit(DEV_FRACTION)
                .callback(progress)
                .fit(train);
        return new Result(history, Evaluation.accuracy(network, test));
    }

    /** The 150 samples of {@code iris.csv}, a copy of the UCI data set kept in this sample's resources. */
    static Dataset load() {
        try (InputStream in = IrisDemo.class.getResourceAsStream("iris.csv")) {
            if (in == null) {
                throw new IllegalStateException("iris.csv is missing from the classpath next to " + IrisDemo.class.getName());
            }
            return Csv.readClassification(in, "iris.csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
