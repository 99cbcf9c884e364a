package dev.kiln.samples.bench;

import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.samples.fashion.KilnLeNet;
import dev.kiln.samples.text.CharLanguageModel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of workloads W2 and W3, for profiling them and for their allocation: with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per step, which should be 0.
 * <ul>
 *   <li>{@link #lenet}: LeNet-5 (W2) on a fixed batch of 128 images (the first of the test set, see
 *       {@link BenchmarkData}): zero the gradients, forward, loss, backward, Adam (1e-3).</li>
 *   <li>{@link #charLstm}: the char-LSTM (W3) on the fortunes corpus, one step of 32 streams of 64
 *       characters, the state carried from step to step as in the workload. Needs the corpus
 *       ({@code apt-get install fortunes}).</li>
 * </ul>
 * The score is the time of one step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class WorkloadStepBenchmark {

    /** W2's network, optimizer and batch. */
    @State(Scope.Thread)
    public static class LeNetStep {
        static final int BATCH = 128;
        KilnLeNet network;
        Adam adam;
        float[] input;
        float[] target;

        /** A network drawn with seed 42, a fresh optimizer and the batch. */
        @Setup(Level.Trial)
        public void setUp() {
            BenchmarkData data = BenchmarkData.firstTestImages(BATCH);
            input = data.images;
            target = data.targets;
            network = new KilnLeNet(42);
            network.setTraining(true);
            adam = new Adam(1e-3f);
        }
    }

    /** W3's language model and the step it is at. */
    @State(Scope.Thread)
    public static class CharLstmStep {
        CharLanguageModel model;
        int step;

        /** A model drawn with seed 42 over the fortunes corpus. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            model = new CharLanguageModel(TextCorpus.fortunes(), 42);
        }
    }

    /** One W2 step; returns the loss. */
    @Benchmark
    public float lenet(LeNetStep s) {
        s.network.zeroGradients();
        s.network.forward(s.input, 0, LeNetStep.BATCH);
        float loss = s.network.loss(s.target, 0);
        s.network.backward();
        s.adam.step(s.network.parameters(), s.network.gradients());
        return loss;
    }

    /** One W3 step; returns the loss. */
    @Benchmark
    public float charLstm(CharLstmStep s) {
        return s.model.trainStep(s.step++);
    }
}
