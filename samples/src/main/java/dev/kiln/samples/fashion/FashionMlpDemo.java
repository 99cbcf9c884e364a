package dev.kiln.samples.fashion;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochStats;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains {@link FashionMlp} on Fashion-MNIST as benchmark workload W1 does: He-normal weights drawn with
 * seed 42, Adam with learning rate 1e-3, batches of 128, epoch {@code e} visiting the 60,000 training
 * images in the order {@code new Rng(1000 + e).permutation(60000)} (SplitMix64 and Fisher-Yates; the
 * {@link Trainer}'s batches with seed 1000). It prints each epoch's training loss, accuracy and F1 with its
 * wall time, then the accuracy on the 10,000 test images; five epochs reach about 0.87.
 *
 * <p>Arguments, both optional, in any order: the directory holding the data (see {@link FashionMnist}
 * for where it is looked for otherwise) and the number of epochs (default 5). For example:
 * <pre>{@code
 * ./kiln mvn -q -pl samples -am package -DskipTests
 * java -cp "samples/target/classes:$(cat samples/target/bench.classpath)" dev.kiln.samples.fashion.FashionMlpDemo 5
 * }</pre>
 */
public final class FashionMlpDemo {

    /** The seed of the initial weights. */
    static final long SEED = 42;
    /** Epoch {@code e} shuffles with {@code new Rng(SHUFFLE_SEED + e)}, the order of workload W1. */
    static final long SHUFFLE_SEED = 1000;
    static final int BATCH_SIZE = 128;
    static final float LEARNING_RATE = 1e-3f;
    static final int DEFAULT_EPOCHS = 5;

    private FashionMlpDemo() {
    }

    /**
     * The result of one run.
     *
     * @param history      each epoch's training loss and accuracy
     * @param epochSeconds each epoch's wall time, shuffling included
     * @param testAccuracy the accuracy on the test set after the last epoch
     */
    record Result(History history, List<Double> epochSeconds, double testAccuracy) {
    }

    /**
     * Trains and reports; see the class description for the arguments. Exits with status 2 when an
     * argument is wrong or the data is missing, saying why.
     */
    public static void main(String[] args) throws IOException {
        String directory = null;
        int epochs = DEFAULT_EPOCHS;
        for (String arg : args) {
            if (arg.matches("\\d+")) {
                epochs = Integer.parseInt(arg);
                if (epochs < 1) {
                    fail("the number of epochs must be positive, got " + arg);
                }
            } else if (directory == null) {
                directory = arg;
            } else {
                fail("unexpected argument '" + arg + "'; usage: FashionMlpDemo [DATA_DIR] [EPOCHS]");
            }
        }
        Path dir;
        try {
            dir = FashionMnist.directory(directory);
        } catch (IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        long start = System.nanoTime();
        FashionMnist.Data data = FashionMnist.load(dir);
        System.out.printf(Locale.ROOT, "Fashion-MNIST from %s: %d training and %d test images, loaded in %.2f s%n",
                dir, data.train().size(), data.test().size(), (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "FashionMlp 784-256-128-10, Adam %s, batch %d, %d epochs, BLAS backend %s%n",
                LEARNING_RATE, BATCH_SIZE, epochs, Blases.get().name());
        Result result = train(data.train(), data.test(), epochs, System.out);
        System.out.printf(Locale.ROOT, "test accuracy %.4f%n", result.testAccuracy());
    }

    /**
     * Trains a fresh network on {@code train} for {@code epochs} epochs, printing one line per epoch to
     * {@code out}, and measures it on {@code test}.
     */
    static Result train(Dataset train, Dataset test, int epochs, PrintStream out) {
        return train(new KilnFashionMlp(SEED), train, test, epochs, out);
    }

    /**
     * Trains {@code network} on {@code train} as W1 and W2 do (Adam 1e-3, batches of 128 in the shuffled order
     * of seed 1000 + epoch) for {@code epochs} epochs, printing one line per epoch, and measures it on
     * {@code test}.
     */
    static Result train(Model network, Dataset train, Dataset test, int epochs, PrintStream out) {
        EpochTimer timer = new EpochTimer(train.size(), out);
        timer.start();
        History history = Trainer.of(network)
                .optimizer(new Adam(LEARNING_RATE))
                .batchSize(BATCH_SIZE)
                .epochs(epochs)
                .seed(SHUFFLE_SEED)
                .listener(timer)
                .fit(train);
        return new Result(history, List.copyOf(timer.seconds), Evaluation.accuracy(network, test));
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    /** Prints each epoch with the wall time since the previous one ended. */
    private static final class EpochTimer implements TrainingListener {

        private final int samples;
        private final PrintStream out;
        private final List<Double> seconds = new ArrayList<>();
        private long last;

        EpochTimer(int samples, PrintStream out) {
            this.samples = samples;
            this.out = out;
        }

        void start() {
            last = System.nanoTime();
        }

        @Override
        public void onEpoch(EpochStats stats) {
            long now = System.nanoTime();
            double elapsed = (now - last) / 1e9;
            seconds.add(elapsed);
            out.printf(Locale.ROOT, "%s  time %.2f s  %.0f samples/s%n", stats.format(), elapsed, samples / elapsed);
            last = System.nanoTime();
        }
    }
}
