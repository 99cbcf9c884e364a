package dev.kiln.runtime.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every path of {@link JavaBlas} (tiny loops, the row path, the blocked Vector API and scalar kernels,
 * with their default blocking and with blocks small enough that the sizes here cross each block and tile
 * boundary several times) on every form of operand ({@code float[]}, native segment, heap segment, a
 * slice of one, read-only heap segments), against a triple loop in double precision. Sizes are chosen
 * around the tile widths (2, 6, 8, 16, 32), including m = 1; each case has its own transposes, padding
 * of the leading dimensions, offsets, alpha in {1, -0.5, 0} and beta in {0, 1, 0.25}. With beta = 0 the
 * window of C starts as NaN, which must not survive; everything of C outside the window must be left
 * exactly as it was.
 *
 * <p>The tests run with {@code --add-modules jdk.incubator.vector} (see the parent POM), so both kernels
 * run here; {@link #withoutTheVectorModuleTheScalarKernelRuns} starts a JVM without the module.
 */
class JavaBlasKernelsTest {

    /** A backend under test and what it is called in failure messages. */
    record Config(String name, Blas blas) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final GemmKernel VECTOR = JavaBlas.vectorKernel();

    static List<Config> configs() {
        List<Config> configs = new ArrayList<>();
        assertNotNull(VECTOR, "the tests run with the Vector API module; the vector kernel must be available");
        int lanes = VectorGemmKernel.lanes();
        configs.add(new Config("vector", new JavaBlas(VECTOR, JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH)));
        configs.add(new Config("vector blocked, small blocks",
                new JavaBlas(new VectorGemmKernel(16, 16, 4 * lanes, 8), 0, 0)));
        configs.add(new Config("vector blocked 6-row tiles, small blocks",
                new JavaBlas(new VectorGemmKernel(7, 12, 2 * lanes, 6), 0, 0)));
        configs.add(new Config("vector row path", new JavaBlas(VECTOR, 0, Integer.MAX_VALUE)));
        configs.add(new Config("scalar",
                new JavaBlas(JavaBlas.scalarKernel(), JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH)));
        configs.add(new Config("scalar, small blocks", new JavaBlas(new ScalarGemmKernel(9, 6, 20), 0, 0)));
        configs.add(new Config("scalar row path", new JavaBlas(JavaBlas.scalarKernel(), 0, Integer.MAX_VALUE)));
        configs.add(new Config("tiny loops", new JavaBlas(JavaBlas.scalarKernel(), Long.MAX_VALUE, 0)));
        return configs;
    }

    /** How the operands are handed over. */
    enum Form {
        ARRAY, NATIVE_SEGMENT, HEAP_SEGMENT, HEAP_SEGMENT_SLICE, READ_ONLY_HEAP_SEGMENTS
    }

    /** One product: transposes, sizes, scalars, padding. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int pad) {

        int lda() {
            return (transA ? m : k) + pad;
        }

        int ldb() {
            return (transB ? k : n) + pad;
        }

        int ldc() {
            return n + pad;
        }

        int offset() {
            return 2 * pad + 1;
        }

        int length(int rows, int ld) {
            return offset() + rows * ld + 3;
        }

        double a(float[] a, int i, int p) {
            return transA ? a[offset() + p * lda() + i] : a[offset() + i * lda() + p];
        }

        double b(float[] b, int p, int j) {
            return transB ? b[offset() + j * ldb() + p] : b[offset() + p * ldb() + j];
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k + " alpha " + alpha
                    + " beta " + beta + " pad " + pad;
        }
    }

    static Stream<Case> cases() {
        int[][] sizes = {
            {1, 1, 1}, {1, 257, 129}, {1, 33, 257}, {1, 7, 3}, {2, 17, 65}, {3, 31, 7}, {7, 8, 15}, {8, 16, 17},
            {15, 33, 31}, {16, 64, 16}, {17, 65, 33}, {31, 127, 64}, {33, 129, 2}, {64, 15, 257}, {65, 31, 129},
            {127, 1, 65}, {129, 257, 8}, {257, 33, 31}, {2, 3, 1}, {33, 2, 127},
        };
        float[] alphas = {1, -0.5f, 0};
        float[] betas = {0, 1, 0.25f};
        List<Case> cases = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            for (int s = 0; s < sizes.length; s++) {
                int combination = (s + 4 * t) % 9;
                // alpha = 0 is a shortcut taken before any kernel: give it only a few cases
                float alpha = combination >= 6 && s % 3 != 0 ? 1 : alphas[combination / 3];
                cases.add(new Case(t >= 2, t % 2 == 1, sizes[s][0], sizes[s][1], sizes[s][2], alpha,
                        betas[combination % 3], (s + t) % 3 == 0 ? 0 : (s + t) % 3 == 1 ? 1 : 5));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPathAndFormMatchesDoublePrecision(Case call) {
        Rng rng = new Rng(call.hashCode());
        float[] a = TestArrays.uniform(rng, call.length(call.transA() ? call.k() : call.m(), call.lda()), 1);
        float[] b = TestArrays.uniform(rng, call.length(call.transB() ? call.n() : call.k(), call.ldb()), 1);
        float[] c = TestArrays.uniform(rng, call.length(call.m(), call.ldc()), 1);
        double[] expected = new double[call.m() * call.n()];
        double[] tolerance = new double[call.m() * call.n()];
        for (int i = 0; i < call.m(); i++) {
            for (int j = 0; j < call.n(); j++) {
                int index = call.offset() + i * call.ldc() + j;
                double sum = 0;
                double magnitude = Math.abs(call.beta() * c[index]);
                for (int p = 0; p < call.k(); p++) {
                    double term = call.alpha() * call.a(a, i, p) * call.b(b, p, j);
                    sum += term;
                    magnitude += Math.abs(term);
                }
                expected[i * call.n() + j] = sum + call.beta() * c[index];
                tolerance[i * call.n() + j] = 4 * (call.k() + 2) * 0x1p-24 * magnitude + 1e-30;
                if (call.beta() == 0) {
                    c[index] = Float.NaN;
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        for (Config config : configs()) {
            for (Form form : Form.values()) {
                float[] result = run(config.blas(), form, call, a, b, c);
                String where = config + ", " + form;
                float[] outside = result.clone();
                String first = null;
                for (int i = 0; i < call.m(); i++) {
                    for (int j = 0; j < call.n(); j++) {
                        int index = call.offset() + i * call.ldc() + j;
                        double want = expected[i * call.n() + j];
                        if (first == null && !(Math.abs(result[index] - want) <= tolerance[i * call.n() + j])) {
                            first = where + ": C[" + i + "][" + j + "] = " + result[index] + ", expected " + want;
                        }
                        outside[index] = c[index];
                    }
                }
                if (first != null) {
                    wrong.add(first);
                }
                if (!Arrays.equals(c, outside)) {
                    wrong.add(where + ": elements outside the m x n window of C changed");
                }
            }
        }
        assertEquals(List.of(), wrong, call.toString());
    }

    /** Runs the product on copies of the operands in the given form and returns C's final contents. */
    private static float[] run(Blas blas, Form form, Case call, float[] a, float[] b, float[] c) {
        int off = call.offset();
        if (form == Form.ARRAY) {
            float[] result = c.clone();
            blas.sgemm(call.transA(), call.transB(), call.m(), call.n(), call.k(), call.alpha(), a.clone(), off,
                    call.lda(), b.clone(), off, call.ldb(), call.beta(), result, off, call.ldc());
            return result;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa;
            MemorySegment sb;
            MemorySegment sc;
            switch (form) {
                case NATIVE_SEGMENT -> {
                    sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                    sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                    sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                }
                case HEAP_SEGMENT -> {
                    sa = MemorySegment.ofArray(a.clone());
                    sb = MemorySegment.ofArray(b.clone());
                    sc = MemorySegment.ofArray(c.clone());
                }
                case HEAP_SEGMENT_SLICE -> {
                    sa = slice(a, 3);
                    sb = slice(b, 1);
                    sc = slice(c, 2);
                }
                case READ_ONLY_HEAP_SEGMENTS -> {
                    sa = MemorySegment.ofArray(a.clone()).asReadOnly();
                    sb = MemorySegment.ofArray(b.clone()).asReadOnly();
                    sc = MemorySegment.ofArray(c.clone());
                }
                default -> throw new AssertionError(form);
            }
            blas.sgemm(call.transA(), call.transB(), call.m(), call.n(), call.k(), call.alpha(), sa, off, call.lda(),
                    sb, off, call.ldb(), call.beta(), sc, off, call.ldc());
            return sc.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** A heap segment holding {@code values} that is a slice, {@code shift} floats in, of a larger array. */
    private static MemorySegment slice(float[] values, int shift) {
        float[] larger = new float[values.length + shift + 2];
        Arrays.fill(larger, Float.NaN);
        System.arraycopy(values, 0, larger, shift, values.length);
        return MemorySegment.ofArray(larger).asSlice((long) shift * Float.BYTES, (long) values.length * Float.BYTES);
    }

    @Test
    void testsRunWithTheVectorKernel() {
        assertTrue(JavaBlas.vectorModulePresent(),
                "surefire must start the tests with --add-modules jdk.incubator.vector");
        assertEquals("vector", new JavaBlas().kernel());
        assertEquals("vector", JavaBlas.defaultKernel());
        assertEquals("scalar", new JavaBlas(JavaBlas.scalarKernel(), JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH).kernel());
        assertEquals("java", new JavaBlas().name());
    }

    /**
     * Threads sharing one backend each get their own packing buffers: products run on four threads at
     * once, of different sizes so that the buffers would be resized under each other if shared, give
     * exactly the results they give alone.
     */
    @Test
    void threadsSharingABackendDoNotDisturbEachOther() throws InterruptedException {
        for (Config config : configs()) {
            if (!config.name().equals("vector") && !config.name().equals("scalar")) {
                continue;
            }
            int threads = 4;
            float[][] a = new float[threads][];
            float[][] b = new float[threads][];
            float[][] expected = new float[threads][];
            int[] sizes = {40, 70, 100, 130};
            Rng rng = new Rng(7);
            for (int t = 0; t < threads; t++) {
                int s = sizes[t];
                a[t] = TestArrays.uniform(rng, s * s, 1);
                b[t] = TestArrays.uniform(rng, s * s, 1);
                expected[t] = new float[s * s];
                config.blas().sgemm(t % 2 == 0, t >= 2, s, s, s, 1, a[t], 0, s, b[t], 0, s, 0, expected[t], 0, s);
            }
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(Thread.ofPlatform().start(() -> {
                    int s = sizes[thread];
                    float[] c = new float[s * s];
                    for (int round = 0; round < 200; round++) {
                        config.blas().sgemm(thread % 2 == 0, thread >= 2, s, s, s, 1, a[thread], 0, s, b[thread], 0,
                                s, 0, c, 0, s);
                        if (!Arrays.equals(c, expected[thread])) {
                            wrong.add(config + ", thread " + thread + ", round " + round);
                            return;
                        }
                    }
                }));
            }
            for (Thread thread : running) {
                thread.join();
            }
            assertEquals(List.of(), wrong);
        }
    }

    /**
     * Once the JIT has compiled the kernels (until then the Vector API boxes its vectors), products of
     * every path (blocked, row path) and form allocate nothing, with either kernel. Checked in a JVM of its
     * own ({@link AllocationCheck}), where these products are the hot code, as a model's are in an
     * application: in this JVM, after the hundreds of other shapes the other tests run, the JIT may compile
     * the kernels with other inlining decisions, and whether the Vector API's boxes are removed depends on
     * those.
     */
    @Test
    void aProductAllocatesNothingOnceWarm() throws IOException, InterruptedException, URISyntaxException {
        assertEquals("vector: none allocate", runElsewhere(AllocationCheck.class,
                List.of("--add-modules", "jdk.incubator.vector")));
        assertEquals("scalar: none allocate", runElsewhere(AllocationCheck.class,
                List.of("--add-modules", "jdk.incubator.vector", "-D" + JavaBlas.KERNEL_PROPERTY + "=scalar")));
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelRuns() throws IOException, InterruptedException, URISyntaxException {
        assertEquals("scalar ok", runElsewhere(List.of()));
        assertEquals("scalar ok", runElsewhere(List.of("-D" + JavaBlas.KERNEL_PROPERTY + "=vector")));
        assertEquals("scalar ok", runElsewhere(
                List.of("--add-modules", "jdk.incubator.vector", "-D" + JavaBlas.KERNEL_PROPERTY + "=scalar")));
        assertEquals("vector ok", runElsewhere(List.of("--add-modules", "jdk.incubator.vector")));
        assertEquals("vector ok", runElsewhere(
                List.of("--add-modules", "jdk.incubator.vector", "-D" + JavaBlas.KERNEL_PROPERTY + "=fastest")));
    }

    /** Runs {@link KernelCheck} in a new JVM with the given options and returns what it printed. */
    private static String runElsewhere(List<String> options) throws IOException, InterruptedException,
            URISyntaxException {
        return runElsewhere(KernelCheck.class, options);
    }

    /** Runs {@code main} in a new JVM with the given options (and program arguments) and returns what it printed. */
    static String runElsewhere(Class<?> main, List<String> options, String... arguments) throws IOException,
            InterruptedException, URISyntaxException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = Path.of(JavaBlas.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(KernelCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> command + " failed: " + out + "\n" + err);
        return out;
    }
}
