package dev.kiln.samples.fashion;

import dev.kiln.runtime.blas.Blases;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains {@link LeNet} on Fashion-MNIST as benchmark workload W2 does: He-normal weights drawn with seed
 * 42, Adam with learning rate 1e-3, batches of 128 in the shuffled order of W1, 3 epochs. It prints each
 * epoch's training loss, accuracy and F1 with its wall time, then the accuracy on the 10,000 test
 * images, about 0.88.
 *
 * <p>Arguments, both optional, in any order: the data directory (see {@link FashionMnist}) and the
 * number of epochs (default 3):
 * <pre>{@code
 * ./kiln mvn -q -pl samples -am package -DskipTests
 * java -cp "samples/target/classes:$(cat samples/target/bench.classpath)" dev.kiln.samples.fashion.LeNetDemo
 * }</pre>
 */
public final class LeNetDemo {

    static final int DEFAULT_EPOCHS = 3;

    private LeNetDemo() {
    }

    /** Trains and reports; exits with status 2 when an argument is wrong or the data is missing, saying why. */
    public static void main(String[] args) throws IOException {
        String directory = null;
        int epochs = DEFAULT_EPOCHS;
        for (String arg : args) {
            if (arg.matches("\\d+") && Integer.parseInt(arg) > 0) {
                epochs = Integer.parseInt(arg);
            } else if (directory == null && !arg.matches("-?\\d+")) {
                directory = arg;
            } else {
                System.err.println("unexpected argument '" + arg + "'; usage: LeNetDemo [DATA_DIR] [EPOCHS > 0]");
                System.exit(2);
            }
        }
        Path dir;
        try {
            dir = FashionMnist.directory(directory);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        FashionMnist.Data data = FashionMnist.load(dir);
        System.out.printf(Locale.ROOT, "LeNet-5 on Fashion-MNIST (%d training, %d test images), Adam %s, batch %d, "
                        + "%d epochs, BLAS backend %s%n", data.train().size(), data.test().size(),
                FashionMlpDemo.LEARNING_RATE, FashionMlpDemo.BATCH_SIZE, epochs, Blases.get().name());
        FashionMlpDemo.Result result = FashionMlpDemo.train(new KilnLeNet(FashionMlpDemo.SEED), data.train(),
                data.test(), epochs, System.out);
        System.out.printf(Locale.ROOT, "test accuracy %.4f%n", result.testAccuracy());
    }
}
