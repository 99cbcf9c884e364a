package dev.kiln.runtime.openblas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * W5 of the Kiln benchmarks ({@code benchmarks.md}) through {@link OpenBlas}, to compare with
 * {@code src/bench/c/sgemm_bench.c}, which does the same from C: C = A.B, square n, row-major, alpha = 1,
 * beta = 0, A and B uniform in [-1, 1); five warm-up calls, then {@code reps} doubled until one loop takes
 * at least 0.1 s, 15 loops of {@code reps}; GFLOP/s from the fastest loop, and the median; one element
 * checked against a double-precision dot product. One line of JSON per n.
 *
 * <p>Arguments: the thread count (default 1), then the sizes (default 64 to 2048), and optionally
 * {@code --array} to time the {@code float[]} form (copied through the scratch) instead of native
 * segments. Run after {@code test-compile}, from the repository root:
 * <pre>
 * OPENBLAS_NUM_THREADS=1 java --enable-native-access=ALL-UNNAMED \
 *     -cp runtime-native/target/classes:runtime-native/target/test-classes:runtime/target/classes:dsl/target/classes \
 *     dev.kiln.runtime.openblas.W5SgemmBench 1 256 512 1024 2048
 * </pre>
 */
public final class W5SgemmBench {

    private static final int LOOPS = 15;

    private W5SgemmBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the thread count, then sizes, and {@code --array} for the array form
     */
    public static void main(String[] args) {
        boolean arrays = false;
        List<Integer> numbers = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--array")) {
                arrays = true;
            } else {
                numbers.add(Integer.parseInt(arg));
            }
        }
        int threads = numbers.isEmpty() ? 1 : numbers.removeFirst();
        List<Integer> sizes = numbers.isEmpty() ? List.of(64, 128, 256, 512, 1024, 2048) : numbers;
        OpenBlas blas = new OpenBlas();
        blas.setThreads(threads);
        for (int n : sizes) {
            run(blas, n, threads, arrays);
        }
    }

    private static void run(OpenBlas blas, int n, int threads, boolean arrays) {
        long seed = 42;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = uniform(seed += 0x9E3779B97F4A7C15L);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = uniform(seed += 0x9E3779B97F4A7C15L);
        }
        float[] c = new float[n * n];
        try (Arena arena = Arena.ofConfined()) {
            // 64-byte aligned, as the C benchmark's aligned_alloc(64, ...)
            MemorySegment sa = arena.allocate(4L * n * n, 64).copyFrom(MemorySegment.ofArray(a));
            MemorySegment sb = arena.allocate(4L * n * n, 64).copyFrom(MemorySegment.ofArray(b));
            MemorySegment sc = arena.allocate(4L * n * n, 64);
            Runnable product = arrays
                    ? () -> blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n)
                    : () -> blas.sgemm(false, false, n, n, n, 1f, sa, 0, n, sb, 0, n, 0f, sc, 0, n);
            for (int i = 0; i < 5; i++) {
                product.run();
            }
            long reps = 1;
            double first;
            while (true) {
                first = time(product, reps);
                if (first >= 0.1) {
                    break;
                }
                reps *= 2;
            }
            double[] times = new double[LOOPS];
            times[0] = first;
            for (int loop = 1; loop < LOOPS; loop++) {
                times[loop] = time(product, reps);
            }
            Arrays.sort(times);
            double flops = 2.0 * n * (double) n * n * reps;
            if (!arrays) {
                MemorySegment.copy(sc, ValueLayout.JAVA_FLOAT, 0, c, 0, n * n);
            }
            int i = n / 3;
            int j = 2 * n / 3;
            double exact = 0;
            double magnitude = 0;
            for (int p = 0; p < n; p++) {
                exact += (double) a[i * n + p] * b[p * n + j];
                magnitude += Math.abs((double) a[i * n + p] * b[p * n + j]);
            }
            double error = Math.abs(c[i * n + j] - exact) / magnitude;
            System.out.printf("{\"workload\":\"W5\",\"impl\":\"java-ffm-%s\",\"n\":%d,\"threads\":%d,\"reps\":%d,"
                            + "\"loops\":%d,\"best_gflops\":%.2f,\"median_gflops\":%.2f,\"check_relative_error\":%.2e,"
                            + "\"openblas\":\"%s\"}%n",
                    arrays ? "array" : "segment", n, threads, reps, LOOPS, flops / times[0] / 1e9,
                    flops / times[LOOPS / 2] / 1e9, error, blas.library().config());
        }
    }

    private static double time(Runnable product, long reps) {
        long start = System.nanoTime();
        for (long r = 0; r < reps; r++) {
            product.run();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** SplitMix64's output for {@code state}, as a float in [-1, 1) from its top 24 bits (as the C bench). */
    private static float uniform(long state) {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (float) ((z >>> 40) / 16777216.0 * 2.0 - 1.0);
    }
}
