package dev.kiln.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The Fashion-MNIST demo learns, when the data is installed (otherwise the test is skipped): one epoch
 * over the first 10,000 training images (79 steps of W1's recipe, a few seconds) reaches at least 0.75
 * accuracy on the 10,000 test images with the fixed seeds (0.771 with the Java backend; the margin
 * allows for another backend's rounding).
 */
class FashionMlpLearningTest {

    @Test
    void oneEpochOnTenThousandImagesReachesTheStatedAccuracy() throws IOException {
        Optional<Path> directory = FashionMnist.find();
        assumeTrue(directory.isPresent(), "Fashion-MNIST is not installed; apt-get install -y dataset-fashion-mnist");
        FashionMnist.Data data = FashionMnist.load(directory.get());
        Dataset subset = data.train().subset(IntStream.range(0, 10_000).toArray());
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        FashionMlpDemo.Result result = FashionMlpDemo.train(subset, data.test(), 1,
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertTrue(result.testAccuracy() >= 0.75, "test accuracy " + result.testAccuracy());
        assertEquals(1, result.epochSeconds().size());
        String line = log.toString(StandardCharsets.UTF_8);
        assertTrue(line.matches(
                "epoch 1/1  loss \\d\\.\\d{4}  acc \\d\\.\\d{4}  f1 \\d\\.\\d{4}  time \\d+\\.\\d\\d s  \\d+ samples/s\\R"), line);
        System.out.print("FashionMlpLearningTest: " + line.strip() + ", test accuracy " + result.testAccuracy()
                + System.lineSeparator());
    }
}
