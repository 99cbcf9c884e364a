package dev.kiln.runtime.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.NetworkChecks;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.data.Csv;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.data.Standardizer;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interpreted networks train like generated ones: the Iris demo's network, run by the interpreter with
 * the demo's seed, split and schedule, reaches the demo's stated accuracy; gradients accumulate until
 * zeroed; dropout's masks are drawn anew on every training-mode pass unless frozen; and a training step
 * allocates nothing, in training mode.
 */
class InterpreterTrainingTest {

    @Test
    void irisLearnsWithAdam() throws IOException {
        check(trainIris(new Adam(0.01f)));
    }

    @Test
    void irisLearnsWithSgdAndMomentum() throws IOException {
        check(trainIris(new Sgd(0.02f, 0.9f)));
    }

    private record Result(History history, double testAccuracy) {
    }

    /** The Iris demo (samples/iris): a 70/30 split, standardized, 100 epochs of 16, everything seeded 42. */
    private static Result trainIris(Optimizer optimizer) throws IOException {
        Split split = iris().split(0.7, 42);
        Standardizer standardizer = Standardizer.fit(split.train());
        Dataset train = standardizer.apply(split.train());
        Dataset test = standardizer.apply(split.test());

        InterpretedModel network = Interpreter.of(Networks.IRIS, 42);
        History history = Trainer.of(network).optimizer(optimizer).batchSize(16).epochs(100).seed(42).fit(train);
        return new Result(history, Evaluation.accuracy(network, test));
    }

    private static void check(Result result) {
        assertTrue(result.testAccuracy() >= 0.93, "test accuracy " + result.testAccuracy());
        double first = result.history().epochs().getFirst().loss();
        double last = result.history().last().loss();
        assertTrue(last < first / 4, "training loss fell from " + first + " to only " + last);
    }

    /** The 150 samples of the UCI Iris data set, the copy in this module's test resources. */
    private static Dataset iris() throws IOException {
        try (InputStream in = InterpreterTrainingTest.class.getResourceAsStream("/iris.csv")) {
            return Csv.readClassification(in, "iris.csv");
        }
    }

    @Test
    void backwardAccumulatesUntilGradientsAreZeroed() {
        InterpretedModel model = Interpreter.of(Networks.REGRESSION, 1);
        Random random = new Random(1);
        float[] x = Networks.uniform(random, 2 * model.inputSize(), 1.0);
        float[] t = Networks.uniform(random, 2 * model.outputSize(), 1.0);
        model.zeroGradients();
        model.forward(x, 0, 2);
        model.loss(t, 0);
        model.backward();
        float[] once = TestArrays.floats(model.gradients());
        model.forward(x, 0, 2);
        model.loss(t, 0);
        model.backward();
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], model.gradients().getAtIndex(Memory.FLOAT, k), 1e-6f + 1e-5f * Math.abs(once[k]));
        }
        model.zeroGradients();
        for (float g : TestArrays.floats(model.gradients())) {
            assertEquals(0f, g);
        }
    }

    @Test
    void samplesAtAnOffsetGiveTheSameOutputs() {
        InterpretedModel model = Interpreter.of(Networks.LOGITS, 3);
        float[] x = Networks.uniform(new Random(3), 4 * model.inputSize(), 1.0);
        float[] all = model.forward(x, 0, 4).clone();
        float[] last = model.forward(x, 2 * model.inputSize(), 2);
        for (int k = 0; k < 2 * model.outputSize(); k++) {
            assertEquals(all[2 * model.outputSize() + k], last[k]);
        }
    }

    @Test
    void dropoutMasksAreDrawnEveryTrainingPassUnlessFrozen() {
        InterpretedModel model = Interpreter.of(Networks.DROPOUT, 3);
        float[] x = Networks.uniform(new Random(4), 4 * model.inputSize(), 2.0);
        float[] inference = model.forward(x, 0, 4).clone();
        model.setTraining(true);
        float[] first = model.forward(x, 0, 4).clone();
        float[] second = model.forward(x, 0, 4).clone();
        assertFalse(Arrays.equals(first, second), "each training-mode pass draws new masks");
        assertFalse(Arrays.equals(inference, second));

        model.setDropoutMaskFrozen(true);
        assertArrayEquals(second, model.forward(x, 0, 4), "frozen: the last pass's masks again");
        model.setDropoutMaskFrozen(false);
        float[] halves = model.forward(x, 0, 2).clone();
        model.setDropoutMaskFrozen(true);
        float[] grown = model.forward(x, 0, 4).clone();
        int half = 2 * model.outputSize();
        assertArrayEquals(Arrays.copyOf(halves, half), Arrays.copyOf(grown, half), "a larger frozen batch keeps its rows");
        model.forward(x, 0, 1);
        assertArrayEquals(grown, model.forward(x, 0, 4), "and the rows it drew, also after a smaller batch");
        model.setDropoutMaskFrozen(false);
        assertFalse(Arrays.equals(grown, model.forward(x, 0, 4)), "released: new masks");

        InterpretedModel twin = Interpreter.of(Networks.DROPOUT, 3);
        twin.setTraining(true);
        assertArrayEquals(first, twin.forward(x, 0, 4), "two models initialized alike drop alike");
        model.seedDropout(3);
        assertArrayEquals(first, model.forward(x, 0, 4), "seedDropout restarts the masks' generator");
        model.setTraining(false);
        assertArrayEquals(inference, model.forward(x, 0, 4), "inference mode passes everything");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.interpret.Networks#trainable")
    void trainingStepsAllocateNothing(NetworkSpec spec) {
        InterpretedModel model = Interpreter.of(spec, 11);
        model.setInputGradientEnabled(true);
        // training mode: dropout draws its masks at every step
        model.setTraining(true);
        Random random = new Random(11);
        float[] x = Networks.uniform(random, 4 * model.inputSize(), 1.0);
        float[] t = NetworkChecks.targets(random, spec, 4);
        // The first calls link classes and resolve call sites, which allocates once; the JVM may allocate
        // now and then on its own (deoptimization). A step that allocates does so in every round.
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            long overhead = threads.getCurrentThreadAllocatedBytes() - before;
            before = threads.getCurrentThreadAllocatedBytes();
            for (int step = 0; step < 200; step++) {
                model.zeroGradients();
                model.forward(x, 0, 4);
                model.loss(t, 0);
                model.backward();
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before - overhead);
        }
        assertEquals(0, least, spec.name() + ": bytes allocated by 200 training steps, in the best of 5 rounds");
    }
}
