package dev.kiln.runtime.openblas;

import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Nanoseconds per small square product, for each way {@link OpenBlas} can reach OpenBLAS: {@code float[]}
 * through a critical downcall (no copy) or through the native scratch (copy in and out, ordinary
 * downcall), native segments through a critical or an ordinary downcall, and {@link JavaBlas} for
 * reference. This is the measurement behind {@link OpenBlas#CRITICAL_MAX_WORK}. Prints one line per n:
 * the median over 21 batches of about 20 ms each, for each way, interleaved.
 *
 * <p>Run like {@link W5SgemmBench} (with {@code OPENBLAS_NUM_THREADS=1}); arguments: the sizes.
 */
public final class CallOverheadBench {

    /** The largest n timed on {@link JavaBlas} (beyond it, it takes seconds); 0 is printed instead. */
    private static final int JAVA_MAX = 128;

    private CallOverheadBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the sizes n (default 1 2 4 8 12 16 24 32 48 64 96 128)
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        OpenBlasLibrary library = OpenBlasLibrary.discover();
        library.bindings().openblas_set_num_threads(1);
        Kernel kernel = Kernel.of(library.bindings());
        Blas critical = new OpenBlas(library, kernel, Long.MAX_VALUE);
        Blas ordinary = new OpenBlas(library, kernel, -1);
        Blas java = new JavaBlas();
        System.out.println(library);
        System.out.println("n  array-critical  array-copied  segment-critical  segment-direct  java   (ns per product)");
        try (Arena arena = Arena.ofConfined()) {
            for (int n : sizes) {
                float[] a = new float[n * n];
                float[] b = new float[n * n];
                float[] c = new float[n * n];
                Arrays.fill(a, 0.5f);
                Arrays.fill(b, 0.25f);
                MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                MemorySegment sc = arena.allocate(ValueLayout.JAVA_FLOAT, (long) n * n);
                Runnable[] ways = {
                    () -> critical.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n),
                    () -> ordinary.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n),
                    () -> critical.sgemm(false, false, n, n, n, 1f, sa, 0, n, sb, 0, n, 0f, sc, 0, n),
                    () -> ordinary.sgemm(false, false, n, n, n, 1f, sa, 0, n, sb, 0, n, 0f, sc, 0, n),
                    n <= JAVA_MAX ? () -> java.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n) : () -> { },
                };
                double[][] samples = new double[ways.length][21];
                long reps = Math.max(1, 20_000_000L / (50 + 2L * n * n * n / 20)); // about 20 ms a batch
                for (Runnable way : ways) { // warm-up: compile every path (20,000 calls or 0.5 s)
                    long end = System.nanoTime() + 500_000_000L;
                    for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) {
                        way.run();
                    }
                }
                for (int s = 0; s < 21; s++) {
                    for (int w = 0; w < ways.length; w++) {
                        long start = System.nanoTime();
                        for (long r = 0; r < reps; r++) {
                            ways[w].run();
                        }
                        samples[w][s] = (System.nanoTime() - start) / (double) reps;
                    }
                }
                StringBuilder line = new StringBuilder().append(n);
                for (double[] sample : samples) {
                    Arrays.sort(sample);
                    line.append(String.format("  %10.0f", sample[10]));
                }
                System.out.println(line);
            }
        }
    }
}
