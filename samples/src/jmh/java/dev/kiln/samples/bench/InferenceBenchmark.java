package dev.kiln.samples.bench;

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
 * W4: inference with the W1 network, freshly initialised (seed 42). {@code batch1}: one image per call,
 * the first 1,000 test images (each its own array) in turn, sampled call by call so that JMH reports the
 * median and the 99th percentile in microseconds. {@code batch128}: the first 128 test images in one
 * call; the score is samples per second.
 */
@State(Scope.Thread)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class InferenceBenchmark {

    static final int INPUTS = 1000;
    static final int BATCH = 128;

    private KilnFashionMlp network;
    private float[][] singles;
    private float[] batch;
    private int next;

    /** The network and the inputs. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchmarkData data = BenchmarkData.firstTestImages(INPUTS);
        singles = new float[INPUTS][];
        for (int s = 0; s < INPUTS; s++) {
            singles[s] = data.image(s);
        }
        batch = java.util.Arrays.copyOf(data.images, BATCH * BenchmarkData.FEATURES);
        network = new KilnFashionMlp(42);
    }

    /** One image; returns the logits buffer. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] batch1() {
        float[] input = singles[next];
        next = next + 1 == INPUTS ? 0 : next + 1;
        return network.forward(input, 0, 1);
    }

    /** 128 images; returns the logits buffer. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public float[] batch128() {
        return network.forward(batch, 0, BATCH);
    }
}
