package dev.kiln.samples.bench;

import dev.kiln.runtime.optim.Adam;
import dev.kiln.samples.fashion.KilnFashionMlp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the W1 network on a fixed batch of 128 (the first 128 test images, see
 * {@link BenchmarkData}): zero the gradients, forward, loss, backward, Adam step (learning rate 1e-3).
 * The score is samples per second (128 per step); with {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * the bytes allocated per sample, which should be 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TrainingStepBenchmark.BATCH)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainingStepBenchmark {

    static final int BATCH = 128;

    private KilnFashionMlp network;
    private Adam adam;
    private float[] input;
    private float[] target;

    /** A network drawn with seed 42, a fresh optimizer and the batch. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchmarkData data = BenchmarkData.firstTestImages(BATCH);
        input = data.images;
        target = data.targets;
        network = new KilnFashionMlp(42);
        adam = new Adam(1e-3f);
    }

    /** One step; returns the loss. */
    @Benchmark
    public float step() {
        network.zeroGradients();
        network.forward(input, 0, BATCH);
        float loss = network.loss(target, 0);
        network.backward();
        adam.step(network.parameters(), network.gradients());
        return loss;
    }
}
