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
 * Where the planner's thresholds between its tiers belong: one Dense layer of {@code n -> n} with ReLU
 * and squared error, compiled once per tier (unrolled, loops, through the {@code Blas} backend), timed
 * for a training step (zero, forward, loss, backward) at several batch sizes. Run with
 * {@code ./kiln bench jmh Tier}; the planner computes a layer unrolled while batch x weights stays
 * within {@code Planner.UNROLLED_MAX_MULTIPLY_ADDS}.
 * Unrolled code exists up to {@code Tier.UNROLLED_MAX_WEIGHTS} weights (n = 9), so n = 16 compares
 * the other two.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TierBenchmark {

    @Network(input = 4, loss = Loss.MSE, maxBatch = 32)
    static class Unrolled4 {
        @Dense(value = 4, tier = Tier.UNROLLED) @Relu Layer a;
    }

    @Network(input = 4, loss = Loss.MSE, maxBatch = 32)
    static class Loops4 {
        @Dense(value = 4, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 4, loss = Loss.MSE, maxBatch = 32)
    static class Blas4 {
        @Dense(value = 4, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 8, loss = Loss.MSE, maxBatch = 32)
    static class Unrolled8 {
        @Dense(value = 8, tier = Tier.UNROLLED) @Relu Layer a;
    }

    @Network(input = 8, loss = Loss.MSE, maxBatch = 32)
    static class Loops8 {
        @Dense(value = 8, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 8, loss = Loss.MSE, maxBatch = 32)
    static class Blas8 {
        @Dense(value = 8, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 9, loss = Loss.MSE, maxBatch = 32)
    static class Unrolled9 {
        @Dense(value = 9, tier = Tier.UNROLLED) @Relu Layer a;
    }

    @Network(input = 9, loss = Loss.MSE, maxBatch = 32)
    static class Loops9 {
        @Dense(value = 9, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 9, loss = Loss.MSE, maxBatch = 32)
    static class Blas9 {
        @Dense(value = 9, tier = Tier.BLAS) @Relu Layer a;
    }

    @Network(input = 16, loss = Loss.MSE, maxBatch = 32)
    static class Loops16 {
        @Dense(value = 16, tier = Tier.LOOPS) @Relu Layer a;
    }

    @Network(input = 16, loss = Loss.MSE, maxBatch = 32)
    static class Blas16 {
        @Dense(value = 16, tier = Tier.BLAS) @Relu Layer a;
    }

    /** The layer's width: n inputs, n outputs, n * n weights. */
    @Param({"4", "8", "9", "16"})
    public int n;

    /** {@code UNROLLED}, {@code LOOPS} or {@code BLAS}. */
    @Param({"UNROLLED", "LOOPS", "BLAS"})
    public String tier;

    /** Samples per step. */
    @Param({"1", "2", "4", "8", "32"})
    public int batch;

    private Model network;
    private float[] input;
    private float[] target;

    /** Builds the network and a batch of random inputs and targets. */
    @Setup
    public void setUp() {
        network = switch (tier + n) {
            case "UNROLLED4" -> new KilnTierBenchmark_Unrolled4(1);
            case "LOOPS4" -> new KilnTierBenchmark_Loops4(1);
            case "BLAS4" -> new KilnTierBenchmark_Blas4(1);
            case "UNROLLED8" -> new KilnTierBenchmark_Unrolled8(1);
            case "LOOPS8" -> new KilnTierBenchmark_Loops8(1);
            case "BLAS8" -> new KilnTierBenchmark_Blas8(1);
            case "UNROLLED9" -> new KilnTierBenchmark_Unrolled9(1);
            case "LOOPS9" -> new KilnTierBenchmark_Loops9(1);
            case "BLAS9" -> new KilnTierBenchmark_Blas9(1);
            case "LOOPS16" -> new KilnTierBenchmark_Loops16(1);
            case "BLAS16" -> new KilnTierBenchmark_Blas16(1);
            // JMH runs every combination of the parameters; this one does not exist
            case "UNROLLED16" -> throw new IllegalArgumentException("n = 16 has 256 weights, more than UNROLLED allows");
            default -> throw new IllegalArgumentException(tier + " at n = " + n + ": use n = 4, 8, 9 or 16");
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
