package dev.kiln.samples.digits;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The digits CNN learns: with the demo's seed, 30 epochs reach at least 0.96 accuracy on the 360 held-out
 * digits (at most 14 mistakes; a run gives 0.978), and the training loss falls below a tenth of the first
 * epoch's.
 */
class DigitsCnnLearningTest {

    @Test
    void reachesTheStatedAccuracy() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DigitsCnnDemo.Result result = DigitsCnnDemo.train(DigitsCnnDemo.EPOCHS,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertTrue(result.testAccuracy() >= 0.96, "test accuracy " + result.testAccuracy());
        double first = result.history().epochs().getFirst().loss();
        double last = result.history().epochs().getLast().loss();
        assertTrue(last < first / 10, "loss " + first + " -> " + last);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("epoch 30/30"), printed.toString(StandardCharsets.UTF_8));
    }
}
