package dev.kiln.samples.iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.train.History;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Iris demo learns: with the fixed seed, both optimizers reach at least 0.93 accuracy on the 45
 * held-out samples (at most 3 mistakes), and the training loss falls; the same network declared with
 * the builder trains to exactly the same numbers when compiled, and to the same within rounding when
 * interpreted.
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
        check(IrisDemo.train(IrisDemo.network("annotations"), IrisDemo.optimizer("adam"), quiet()));
    }

    @Test
    void sgdWithMomentumReachesTheStatedAccuracy() {
        check(IrisDemo.train(IrisDemo.network("annotations"), IrisDemo.optimizer("sgd"), quiet()));
    }

    @Test
    void theBuilderAndTheInterpreterTrainToTheSameNumbers() {
        IrisDemo.Result annotated = IrisDemo.train(IrisDemo.network("annotations"), IrisDemo.optimizer("adam"), quiet());
        IrisDemo.Result built = IrisDemo.train(IrisDemo.network("builder"), IrisDemo.optimizer("adam"), quiet());
        IrisDemo.Result interpreted = IrisDemo.train(IrisDemo.network("interpreter"), IrisDemo.optimizer("adam"), quiet());
        // the same generated code from either declaration: the same numbers to the bit
        assertEquals(measures(annotated.history()), measures(built.history()));
        // the interpreter runs the runtime's kernels, which round differently from the generated loops
        double generatedLoss = annotated.history().last().loss();
        double interpretedLoss = interpreted.history().last().loss();
        assertEquals(generatedLoss, interpretedLoss, 1e-3 * generatedLoss, "final training loss");
        assertEquals(annotated.testAccuracy(), interpreted.testAccuracy(), 1.0 / 45, "test accuracy");
        assertEquals(KilnIris.SPEC, KilnIrisChain.SPEC);
        assertEquals(IrisChains.IRIS_CHAIN, KilnIrisChain.SPEC);
    }

    private static void check(IrisDemo.Result result) {
        assertTrue(result.testAccuracy() >= 0.93, "test accuracy " + result.testAccuracy());
        double first = result.history().epochs().getFirst().loss();
        double last = result.history().last().loss();
        assertTrue(last < first / 4, "training loss fell from " + first + " to only " + last);
    }

    /** Every epoch's measures and learning rate: the history without its wall times. */
    private static List<List<Object>> measures(History history) {
        return history.epochs().stream()
                .map(stats -> List.<Object>of(stats.train(), stats.validation(), stats.learningRate()))
                .toList();
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
