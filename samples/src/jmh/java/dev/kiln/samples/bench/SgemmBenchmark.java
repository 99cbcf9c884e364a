package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W5: {@code C = A B}, square, row-major, {@code alpha = 1}, {@code beta = 0}, {@code A} and {@code B}
 * uniform in {@code [-1, 1)}, through the backend {@link Blases#get()} chooses ({@code backend = chosen})
 * and through {@link JavaBlas} ({@code backend = java}). The score is calls per second; the secondary
 * score {@code gflop} is the rate in GFLOP/s ({@code 2 n^3} per call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {

    /** The matrix size. */
    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    /** {@code chosen}: {@link Blases#get()}; {@code java}: {@link JavaBlas}. */
    @Param({"chosen", "java"})
    public String backend;

    private Blas blas;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private double gflopPerCall;

    /** Counts the floating-point work done, reported by JMH as a rate: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {

        /** GFLOP done in the current iteration. */
        public double gflop;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    /** Draws the matrices and picks the backend. */
    @Setup(Level.Trial)
    public void setUp() {
        blas = switch (backend) {
            case "chosen" -> Blases.get();
            case "java" -> new JavaBlas();
            default -> throw new IllegalArgumentException("backend '" + backend + "': use chosen or java");
        };
        Rng rng = new Rng(n);
        // off-heap, as a model's memory, so that native backends run without copies
        a = Memory.allocate((long) n * n);
        b = Memory.allocate((long) n * n);
        c = Memory.allocate((long) n * n);
        for (long j = 0; j < (long) n * n; j++) {
            a.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
            b.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
        }
        gflopPerCall = 2.0 * n * n * n / 1e9;
    }

    /** One product. */
    @Benchmark
    public MemorySegment sgemm(Work work) {
        blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        work.gflop += gflopPerCall;
        return c;
    }
}
