package dev.kiln.samples.iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Iris demo learns: with the fixed seed, both optimizers reach at least 0.93 accuracy on the 45
 * held-out samples (at most 3 mistakes), and the training loss falls.
 */
class IrisLearningTest {

    @Test
    void theDataSetIsComplete() {
        Dataset iris = IrisDemo.load();
        assertEquals(150, iris.size());
        assertEquals(4, iris.featureSize());
        assertEquals(3, iris.classes());
    }

    @Test
    void adamReachesTheStatedAccuracy() {
        check(IrisDemo.train(IrisDemo.optimizer("adam"), quiet()));
    }

    @Test
    void sgdWithMomentumReachesTheStatedAccuracy() {
        check(IrisDemo.train(IrisDemo.optimizer("sgd"), quiet()));
    }

    private static void check(IrisDemo.Result result) {
        assertTrue(result.testAccuracy() >= 0.93, "test accuracy " + result.testAccuracy());
        double first = result.history().epochs().getFirst().loss();
        double last = result.history().last().loss();
        assertTrue(last < first / 4, "training loss fell from " + first + " to only " + last);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
