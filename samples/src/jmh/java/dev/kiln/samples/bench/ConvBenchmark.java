package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.Conv2dGeometry;
import dev.kiln.runtime.ops.ConvOps;
import dev.kiln.runtime.ops.ConvOps.Algorithm;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LeNet-5's two convolutions on Fashion-MNIST images, at a training batch, by each of
 * {@link ConvOps}'s algorithms: {@code conv1} takes 1 x 28 x 28 to 6 x 28 x 28 (5 x 5, padding 2),
 * {@code conv2} 6 x 14 x 14 to 16 x 10 x 10 (5 x 5, no padding). {@code forward} is the layer's forward
 * pass, {@code backward} its backward pass as a LeNet training step runs it: weight and bias gradients,
 * and the input gradient for {@code conv2} only ({@code conv1} is the first layer). All tensors live in
 * native memory, as a model's do. Run with {@code ./kiln bench jmh Conv}; the choice of algorithm the
 * figures support is in docs/decisions.md, "Convolution kernels".
 *
 * <p>{@code path}: {@code direct} ({@link Algorithm#DIRECT}), {@code im2col} ({@link Algorithm#IM2COL}
 * through the backend {@link Blases#get()} chooses, OpenBLAS when it is installed) or {@code im2col-java}
 * (through {@link JavaBlas}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {

    /** {@code conv1} or {@code conv2}. */
    @Param({"conv1", "conv2"})
    public String layer;

    /** {@code direct}, {@code im2col} or {@code im2col-java}. */
    @Param({"direct", "im2col", "im2col-java"})
    public String path;

    /** Samples per pass. */
    @Param({"128"})
    public int batch;

    private Conv2dGeometry g;
    private Algorithm algorithm;
    private Blas blas;
    private MemorySegment x;
    private MemorySegment params;
    private MemorySegment y;
    private MemorySegment dy;
    private MemorySegment grads;
    private MemorySegment dx;
    private MemorySegment work;

    /** Draws the tensors and picks the algorithm. */
    @Setup
    public void setUp() {
        g = switch (layer) {
            case "conv1" -> Conv2dGeometry.of(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2);
            case "conv2" -> Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
            default -> throw new IllegalArgumentException("layer '" + layer + "': use conv1 or conv2");
        };
        algorithm = path.equals("direct") ? Algorithm.DIRECT : Algorithm.IM2COL;
        blas = switch (path) {
            case "direct", "im2col" -> Blases.get();
            case "im2col-java" -> new JavaBlas();
            default -> throw new IllegalArgumentException("path '" + path + "': use direct, im2col or im2col-java");
        };
        Rng rng = new Rng(5);
        x = random(rng, (long) batch * g.inputSize());
        params = random(rng, g.weightSize() + g.outChannels());
        y = Memory.allocate((long) batch * g.outputSize());
        dy = random(rng, (long) batch * g.outputSize());
        grads = Memory.allocate(g.weightSize() + g.outChannels());
        dx = layer.equals("conv2") ? Memory.allocate((long) batch * g.inputSize()) : null;
        work = Memory.allocate(ConvOps.workspaceFloats(g, batch));
    }

    private static MemorySegment random(Rng rng, long n) {
        MemorySegment segment = Memory.allocate(n);
        for (long j = 0; j < n; j++) {
            segment.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
        }
        return segment;
    }

    /** The forward pass, with bias. */
    @Benchmark
    public MemorySegment forward() {
        ConvOps.forward(algorithm, blas, g, x, 0, params, 0, g.weightSize(), y, 0, work, 0, batch);
        return y;
    }

    /** The backward pass of a training step: weight and bias gradients, and for conv2 the input gradient. */
    @Benchmark
    public MemorySegment backward() {
        ConvOps.backward(algorithm, blas, g, x, 0, params, 0, dy, 0, grads, 0, g.weightSize(), dx, 0, work, 0,
                batch);
        return grads;
    }
}
