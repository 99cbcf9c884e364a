package dev.kiln.runtime.blas;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A throughput measurement of {@link JavaBlas} (not a test: run its {@link #main} by hand), single
 * threaded, comparing in one process the Vector API kernel, the scalar kernel and the simple loops the
 * backend used before it had blocked kernels ({@link Simple}). Every round times every product with
 * every implementation, interleaved, so that the machine's slow drifts hit all of them alike; the table
 * gives the median GFLOP/s over the rounds with the minimum and maximum, and how many cores other
 * processes (and the hypervisor's steal) took meanwhile.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes \
 *     dev.kiln.runtime.blas.JavaBlasBench [rounds] [seconds per timing] [filter]
 * </pre>
 */
public final class JavaBlasBench {

    private JavaBlasBench() {
    }

    /** One product to time. */
    record Shape(String name, boolean transA, boolean transB, int m, int n, int k, float beta, Form form) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** How the operands are passed. */
    enum Form {
        ARRAY, NATIVE_SEGMENT, HEAP_SEGMENT
    }

    /** One implementation under measurement. */
    record Impl(String name, Blas blas) {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.15;
        String filter = args.length > 2 ? args[2] : "";
        List<Shape> shapes = new ArrayList<>();
        for (int n : new int[] {64, 128, 256, 512, 1024}) {
            shapes.add(new Shape("NN " + n, false, false, n, n, n, 0, Form.ARRAY));
        }
        shapes.add(new Shape("NT 128x256x784 fwd", false, true, 128, 256, 784, 0, Form.ARRAY));
        shapes.add(new Shape("NN 128x784x256 bwd", false, false, 128, 784, 256, 0, Form.ARRAY));
        shapes.add(new Shape("TN 256x784x128 dW", true, false, 256, 784, 128, 1, Form.ARRAY));
        shapes.add(new Shape("NT 1x256x784 b1", false, true, 1, 256, 784, 0, Form.ARRAY));
        shapes.add(new Shape("NN 1x784x256 b1", false, false, 1, 784, 256, 0, Form.ARRAY));
        shapes.add(new Shape("NN 512 native", false, false, 512, 512, 512, 0, Form.NATIVE_SEGMENT));
        shapes.add(new Shape("NN 512 heap", false, false, 512, 512, 512, 0, Form.HEAP_SEGMENT));
        shapes.add(new Shape("NT 128x256x784 native", false, true, 128, 256, 784, 0, Form.NATIVE_SEGMENT));
        shapes.add(new Shape("NT 128x256x784 heap", false, true, 128, 256, 784, 0, Form.HEAP_SEGMENT));
        shapes.add(new Shape("TN 256x784x128 native", true, false, 256, 784, 128, 1, Form.NATIVE_SEGMENT));
        shapes.add(new Shape("NT 1x256x784 native", false, true, 1, 256, 784, 0, Form.NATIVE_SEGMENT));
        shapes.add(new Shape("NT 1x256x784 heap", false, true, 1, 256, 784, 0, Form.HEAP_SEGMENT));
        shapes.add(new Shape("NN 1x784x256 native", false, false, 1, 784, 256, 0, Form.NATIVE_SEGMENT));
        shapes.removeIf(s -> !s.name().contains(filter));

        List<Impl> impls = new ArrayList<>();
        GemmKernel vector = JavaBlas.vectorKernel();
        if (vector != null) {
            impls.add(new Impl("vector", new JavaBlas(vector, JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH)));
        }
        impls.add(new Impl("scalar", new JavaBlas(JavaBlas.scalarKernel(), JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH)));
        impls.add(new Impl("simple", new Simple()));

        double[][][] gflops = new double[shapes.size()][impls.size()][rounds];
        long[] iterations = new long[shapes.size() * impls.size()];
        try (Arena arena = Arena.ofConfined()) {
            Operands[] operands = new Operands[shapes.size()];
            for (int s = 0; s < shapes.size(); s++) {
                operands[s] = new Operands(shapes.get(s), arena);
            }
            // warm up and size each timing to about `seconds`
            for (int s = 0; s < shapes.size(); s++) {
                for (int i = 0; i < impls.size(); i++) {
                    Impl impl = impls.get(i);
                    long n = 1;
                    long start = System.nanoTime();
                    while (System.nanoTime() - start < 3e8) {
                        operands[s].run(impl.blas(), n);
                        n = Math.min(n * 2, 1 << 20);
                    }
                    long t0 = System.nanoTime();
                    operands[s].run(impl.blas(), n);
                    double perCall = (System.nanoTime() - t0) / (double) n;
                    iterations[s * impls.size() + i] = Math.max(1, (long) (seconds * 1e9 / perCall));
                }
            }
            double[] load = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Cpu before = Cpu.now();
                for (int s = 0; s < shapes.size(); s++) {
                    for (int q = 0; q < impls.size(); q++) {
                        int i = (q + r + s) % impls.size();
                        long n = iterations[s * impls.size() + i];
                        long t0 = System.nanoTime();
                        operands[s].run(impls.get(i).blas(), n);
                        long elapsed = System.nanoTime() - t0;
                        gflops[s][i][r] = shapes.get(s).flops() * n / elapsed;
                    }
                }
                load[r] = Cpu.now().othersSince(before);
            }
            System.out.printf(Locale.ROOT, "%d rounds of %.2f s per timing; cores used by others + steal per round:"
                    + " %s%n", rounds, seconds, format(load));
            StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-22s", "GFLOP/s median (min-max)"));
            for (Impl impl : impls) {
                header.append(String.format(Locale.ROOT, " | %-20s", impl.name()));
            }
            System.out.println(header);
            for (int s = 0; s < shapes.size(); s++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", shapes.get(s).name()));
                for (int i = 0; i < impls.size(); i++) {
                    double[] v = gflops[s][i].clone();
                    Arrays.sort(v);
                    line.append(String.format(Locale.ROOT, " | %6.1f (%5.1f-%5.1f)", v[v.length / 2], v[0],
                            v[v.length - 1]));
                }
                System.out.println(line);
            }
        }
    }

    private static String format(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(String.format(Locale.ROOT, "%.2f ", v));
        }
        return sb.toString().strip();
    }

    /** The operands of one shape, as arrays or as native segments. */
    static final class Operands {
        final Shape shape;
        final float[] a;
        final float[] b;
        final float[] c;
        final MemorySegment sa;
        final MemorySegment sb;
        final MemorySegment sc;
        final int lda;
        final int ldb;

        Operands(Shape shape, Arena arena) {
            this.shape = shape;
            lda = shape.transA() ? shape.m() : shape.k();
            ldb = shape.transB() ? shape.k() : shape.n();
            a = random(shape.m() * shape.k(), 1);
            b = random(shape.k() * shape.n(), 2);
            c = random(shape.m() * shape.n(), 3);
            sa = segment(shape.form(), a, arena);
            sb = segment(shape.form(), b, arena);
            sc = segment(shape.form(), c, arena);
        }

        void run(Blas blas, long times) {
            Shape s = shape;
            // beta = 1 accumulates; scale by a tiny alpha so that repeated runs stay finite
            float alpha = s.beta() == 0 ? 1 : 1e-6f;
            for (long t = 0; t < times; t++) {
                if (s.form() != Form.ARRAY) {
                    blas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), alpha, sa, 0, lda, sb, 0, ldb, s.beta(),
                            sc, 0, s.n());
                } else {
                    blas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), alpha, a, 0, lda, b, 0, ldb, s.beta(),
                            c, 0, s.n());
                }
            }
        }

        private static MemorySegment segment(Form form, float[] values, Arena arena) {
            return switch (form) {
                case ARRAY -> null;
                case NATIVE_SEGMENT -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
                case HEAP_SEGMENT -> MemorySegment.ofArray(values);
            };
        }

        private static float[] random(int size, long seed) {
            float[] values = new float[size];
            long state = seed * 0x9E3779B97F4A7C15L;
            for (int i = 0; i < size; i++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                values[i] = ((state >>> 40) / (float) (1 << 24)) - 0.5f;
            }
            return values;
        }
    }

    /** CPU time from /proc: the whole machine's busy and steal time, and this process's. */
    record Cpu(long machineBusy, long self, long wallNanos) {
        static Cpu now() {
            try {
                String[] total = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int f = 1; f < total.length; f++) {
                    if (f != 4 && f != 5) { // not idle, not iowait
                        busy += Long.parseLong(total[f]);
                    }
                }
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] own = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long self = Long.parseLong(own[11]) + Long.parseLong(own[12]); // utime + stime
                return new Cpu(busy, self, System.nanoTime());
            } catch (IOException | RuntimeException e) {
                return new Cpu(0, 0, System.nanoTime());
            }
        }

        /** Cores busy with other work (clock ticks of 10 ms) since {@code before}. */
        double othersSince(Cpu before) {
            double seconds = (wallNanos - before.wallNanos) / 1e9;
            return ((machineBusy - before.machineBusy) - (self - before.self)) / 100.0 / seconds;
        }
    }

    /** The loops {@link JavaBlas} ran before its blocked kernels, kept here as the baseline. */
    static final class Simple implements Blas {
        @Override
        public String name() {
            return "simple";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOffset + i * ldc + j] = beta == 0 ? 0 : beta * c[cOffset + i * ldc + j];
                }
            }
            if (!transA && !transB) {
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        axpy(n, alpha * a[aOffset + i * lda + p], b, bOffset + p * ldb, c, cOffset + i * ldc);
                    }
                }
            } else if (!transA) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[cOffset + i * ldc + j] += alpha * dot(k, a, aOffset + i * lda, b, bOffset + j * ldb);
                    }
                }
            } else if (!transB) {
                for (int p = 0; p < k; p++) {
                    for (int i = 0; i < m; i++) {
                        axpy(n, alpha * a[aOffset + p * lda + i], b, bOffset + p * ldb, c, cOffset + i * ldc);
                    }
                }
            } else {
                throw new UnsupportedOperationException("TT");
            }
        }

        private static void axpy(int n, float scale, float[] x, int xOffset, float[] y, int yOffset) {
            for (int j = 0; j < n; j++) {
                y[yOffset + j] += scale * x[xOffset + j];
            }
        }

        private static float dot(int n, float[] x, int xOffset, float[] y, int yOffset) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int j = 0;
            for (; j + 3 < n; j += 4) {
                s0 += x[xOffset + j] * y[yOffset + j];
                s1 += x[xOffset + j + 1] * y[yOffset + j + 1];
                s2 += x[xOffset + j + 2] * y[yOffset + j + 2];
                s3 += x[xOffset + j + 3] * y[yOffset + j + 3];
            }
            for (; j < n; j++) {
                s0 += x[xOffset + j] * y[yOffset + j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                          long cOffset, int ldc) {
            ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        long ai = aOffset + (transA ? (long) p * lda + i : (long) i * lda + p);
                        long bi = bOffset + (transB ? (long) j * ldb + p : (long) p * ldb + j);
                        sum += a.getAtIndex(f, ai) * b.getAtIndex(f, bi);
                    }
                    long ci = cOffset + (long) i * ldc + j;
                    float old = beta == 0 ? 0 : beta * c.getAtIndex(f, ci);
                    c.setAtIndex(f, ci, old + alpha * sum);
                }
            }
        }
    }
}
