package dev.kiln.samples.digits;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.samples.data.SmallDatasets;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Trains {@link DigitsCnn} on the 1,797 handwritten 8x8 digits that ship with the samples (no download):
 * pixels scaled from 0..16 to [0, 1], a seeded split of 80 % for training and 20 % for the test, Adam
 * with learning rate 0.01 in batches of 32 for 30 epochs. It prints each epoch, then the test accuracy,
 * about 0.97.
 * <pre>{@code
 * ./kiln mvn -q -pl samples -am package -DskipTests
 * java -cp "samples/target/classes:$(cat samples/target/bench.classpath)" dev.kiln.samples.digits.DigitsCnnDemo
 * }</pre>
 */
public final class DigitsCnnDemo {

    static final long SEED = 7;
    static final int EPOCHS = 30;
    static final int BATCH_SIZE = 32;
    static final float LEARNING_RATE = 0.01f;

    private DigitsCnnDemo() {
    }

    /**
     * The result of one run.
     *
     * @param history      each epoch's training loss and accuracy
     * @param testAccuracy the accuracy on the held-out fifth of the digits
     */
    record Result(History history, double testAccuracy) {
    }

    /** Trains and reports. */
    public static void main(String[] args) {
        Result result = train(EPOCHS, System.out);
        System.out.printf(Locale.ROOT, "test accuracy %.4f%n", result.testAccuracy());
    }

    /** The digits with pixels in [0, 1], split 80 / 20 with the demo's seed. */
    static Split data() {
        Dataset digits = SmallDatasets.digits();
        int features = digits.featureSize();
        float[][] scaled = new float[digits.size()][features];
        for (int s = 0; s < digits.size(); s++) {
            for (int j = 0; j < features; j++) {
                scaled[s][j] = digits.features()[s * features + j] / 16f;
            }
        }
        return Dataset.classification(scaled, digits.labels(), digits.classes()).split(0.8, SEED);
    }

    /** Trains a fresh network for {@code epochs} epochs, printing each to {@code out}, and tests it. */
    static Result train(int epochs, PrintStream out) {
        Split split = data();
        KilnDigitsCnn network = new KilnDigitsCnn(SEED);
        out.printf(Locale.ROOT, "DigitsCnn on %d training and %d test digits: %s%n", split.train().size(),
                split.test().size(), KilnDigitsCnn.SPEC.layers().size() + " layers");
        History history = Trainer.of(network)
                .optimizer(new Adam(LEARNING_RATE))
                .batchSize(BATCH_SIZE)
                .epochs(epochs)
                .seed(SEED)
                .listener(stats -> out.println(stats.format()))
                .fit(split.train());
        return new Result(history, Evaluation.accuracy(network, split.test()));
    }
}
