package dev.kiln.samples.bench;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Relu;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.spec.Loss;
import dev.kiln.spec.Tier;
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
 * Where the planner's threshold between its tiers belongs: one Dense layer of {@code n -> n} with ReLU
 * and squared error, compiled once in generated loops and once through the {@code Blas} backend, timed
 * for a training step (forward, loss, backward) at a batch of 1 and of 32. Run with
 * {@code ./kiln bench jmh Tier}; the planner computes a layer in loops up to
 * {@code Planner.LOOPS_MAX_WEIGHTS} weights.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TierBenchmark {

    @Network(input = 8, loss = Loss.MSE, maxBatch = 32)
    static class Loops8 {
        @Dense(value = 8, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 8, loss = Loss.MSE, maxBatch = 32)
    static class Blas8 {
        @Dense(value = 8, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 16, loss = Loss.MSE, maxBatch = 32)
    static class Loops16 {
        @Dense(value = 16, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 16, loss = Loss.MSE, maxBatch = 32)
    static class Blas16 {
        @Dense(value = 16, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 32, loss = Loss.MSE, maxBatch = 32)
    static class Loops32 {
        @Dense(value = 32, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 32, loss = Loss.MSE, maxBatch = 32)
    static class Blas32 {
        @Dense(value = 32, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 64, loss = Loss.MSE, maxBatch = 32)
    static class Loops64 {
        @Dense(value = 64, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 64, loss = Loss.MSE, maxBatch = 32)
    static class Blas64 {
        @Dense(value = 64, tier = Tier.BLAS) @Relu Layer a;
    }

    /** The layer's width: n inputs, n outputs, n * n weights. */
    @Param({"8", "16", "32", "64"})
    public int n;

    /** {@code LOOPS} or {@code BLAS}. */
    @Param({"LOOPS", "BLAS"})
    public String tier;

    /** Samples per step. */
    @Param({"1", "32"})
    public int batch;

    private Model network;
    private float[] input;
    private float[] target;

    /** Builds the network and a batch of random inputs and targets. */
    @Setup
    public void setUp() {
        boolean loops = tier.equals("LOOPS");
        network = switch (n) {
            case 8 -> loops ? new KilnTierBenchmark_Loops8(1) : new KilnTierBenchmark_Blas8(1);
            case 16 -> loops ? new KilnTierBenchmark_Loops16(1) : new KilnTierBenchmark_Blas16(1);
            case 32 -> loops ? new KilnTierBenchmark_Loops32(1) : new KilnTierBenchmark_Blas32(1);
            case 64 -> loops ? new KilnTierBenchmark_Loops64(1) : new KilnTierBenchmark_Blas64(1);
            default -> throw new IllegalArgumentException("n = " + n + ": use 8, 16, 32 or 64");
        };
        Rng rng = new Rng(n);
        input = new float[batch * n];
        target = new float[batch * n];
        for (int j = 0; j < input.length; j++) {
            input[j] = 2 * rng.nextFloat() - 1;
            target[j] = rng.nextFloat();
        }
    }

    /** One training step without the optimizer: zero, forward, loss, backward. */
    @Benchmark
    public float step() {
        network.zeroGradients();
        network.forward(input, 0, batch);
        float loss = network.loss(target, 0);
        network.backward();
        return loss;
    }
}
