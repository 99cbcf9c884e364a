package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.RecurrentOps;
import dev.kiln.runtime.ops.RecurrentOps.Cell;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The LSTM layer of W3, the char-level LSTM: one-hot input over 114 classes, 128 units, 32 streams of 64
 * steps, through {@link RecurrentOps} ({@code forwardOneHot}, then {@code backwardOneHot} with a fixed
 * output gradient), the state carried from one call to the next as in training. Weights uniform in
 * {@code ±1/√128}, biases 0 except the forget gate's {@code bias_ih} at 1, as W3 initializes them; the
 * ids are random (the layer's cost does not depend on which they are). The score is characters per
 * second (32 x 64 per call), through the backend {@link Blases#get()} chooses ({@code backend = chosen})
 * or {@link JavaBlas} ({@code java}); with {@code -prof gc}, {@code gc.alloc.rate.norm} should be 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(LstmBenchmark.BATCH * LstmBenchmark.STEPS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LstmBenchmark {

    static final int BATCH = 32;
    static final int STEPS = 64;
    static final int CLASSES = 114;
    static final int HIDDEN = 128;

    private static final Cell CELL = Cell.LSTM;
    private static final int WIDTH = 4 * HIDDEN;
    private static final long W_IH = 0;
    private static final long W_HH = W_IH + (long) WIDTH * CLASSES;
    private static final long B_IH = W_HH + (long) WIDTH * HIDDEN;
    private static final long B_HH = B_IH + WIDTH;
    private static final long PARAMETERS = B_HH + WIDTH;

    /** {@code chosen}: {@link Blases#get()}; {@code java}: {@link JavaBlas}. */
    @Param({"chosen", "java"})
    public String backend;

    private Blas blas;
    private MemorySegment ids;
    private MemorySegment p;
    private MemorySegment g;
    private MemorySegment ys;
    private MemorySegment dys;
    private MemorySegment state;
    private MemorySegment work;

    /** Draws the weights, the ids and the output gradient, and picks the backend. */
    @Setup(Level.Trial)
    public void setUp() {
        blas = switch (backend) {
            case "chosen" -> Blases.get();
            case "java" -> new JavaBlas();
            default -> throw new IllegalArgumentException("backend '" + backend + "': use chosen or java");
        };
        Rng rng = new Rng(42);
        float bound = (float) (1 / Math.sqrt(HIDDEN));
        p = Memory.allocate(PARAMETERS);
        for (long j = 0; j < B_IH; j++) {
            p.setAtIndex(Memory.FLOAT, j, bound * (2 * rng.nextFloat() - 1));
        }
        for (int j = 0; j < HIDDEN; j++) {
            p.setAtIndex(Memory.FLOAT, B_IH + HIDDEN + j, 1f); // the forget gate's bias
        }
        g = Memory.allocate(PARAMETERS);
        ids = Memory.allocate((long) BATCH * STEPS);
        for (long j = 0; j < (long) BATCH * STEPS; j++) {
            ids.setAtIndex(Memory.FLOAT, j, (int) (rng.nextFloat() * CLASSES));
        }
        ys = Memory.allocate((long) BATCH * STEPS * HIDDEN);
        dys = Memory.allocate((long) BATCH * STEPS * HIDDEN);
        for (long j = 0; j < (long) BATCH * STEPS * HIDDEN; j++) {
            dys.setAtIndex(Memory.FLOAT, j, 0.01f * (2 * rng.nextFloat() - 1));
        }
        state = Memory.allocate(2L * BATCH * HIDDEN);
        work = Memory.allocate(RecurrentOps.workspaceFloats(CELL, BATCH, STEPS, HIDDEN));
    }

    /** The forward pass alone. */
    @Benchmark
    public MemorySegment forward() {
        RecurrentOps.forwardOneHot(CELL, blas, ids, 0, p, W_IH, W_HH, B_IH, B_HH, ys, 0, state, 0,
                (long) BATCH * HIDDEN, work, 0, BATCH, STEPS, CLASSES, HIDDEN);
        return ys;
    }

    /** Forward, then back-propagation through the 64 steps (the parameter gradients accumulate in g). */
    @Benchmark
    public MemorySegment forwardBackward() {
        RecurrentOps.forwardOneHot(CELL, blas, ids, 0, p, W_IH, W_HH, B_IH, B_HH, ys, 0, state, 0,
                (long) BATCH * HIDDEN, work, 0, BATCH, STEPS, CLASSES, HIDDEN);
        RecurrentOps.backwardOneHot(CELL, blas, ids, 0, p, W_IH, W_HH, dys, 0, g, W_IH, W_HH, B_IH, B_HH, work, 0,
                BATCH, STEPS, CLASSES, HIDDEN);
        return g;
    }
}
