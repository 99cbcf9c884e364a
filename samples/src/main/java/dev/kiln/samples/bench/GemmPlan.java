package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix products of one step of a workload, with the shapes, transposes and {@code beta} the
 * generated code passes to {@link Blas#sgemm}, each on off-heap buffers of its own (as a model's memory
 * is) filled with random values.
 * Timing a plan through a backend gives the rate that backend reaches on exactly the workload's
 * products; the workload's own rate over it is the share of the workload's time its products would take
 * if nothing else ran (the efficiency the runner reports).
 *
 * <p>For a dense layer {@code in -> out} on a batch of {@code b} samples (weights stored {@code out x in}):
 * the forward product is {@code NT}, {@code (b x in)(out x in)^T}; the weight gradient {@code TN},
 * {@code (b x out)^T (b x in)}, accumulated ({@code beta = 1}); the data gradient {@code NN},
 * {@code (b x out)(out x in)}, computed for every layer but the first.
 */
final class GemmPlan {

    /** One product {@code C = op(A) op(B) + beta C}, row-major, on its own segments. */
    record Call(String name, boolean transA, boolean transB, int m, int n, int k, float beta,
                MemorySegment a, int lda, MemorySegment b, int ldb, MemorySegment c, int ldc) {

        long flops() {
            return 2L * m * n * k;
        }
    }

    private final String name;
    private final List<Call> calls;
    private final long flops;

    private GemmPlan(String name, List<Call> calls) {
        this.name = name;
        this.calls = List.copyOf(calls);
        this.flops = calls.stream().mapToLong(Call::flops).sum();
    }

    /**
     * The products of a training step (zero, forward, loss, backward) of a dense network of the given
     * layer widths, input first, on a batch of {@code batch}: forward for every layer, then backward from
     * the last layer: its weight gradient, then its data gradient unless it is the first layer.
     */
    static GemmPlan trainingStep(int batch, int... widths) {
        Rng rng = new Rng(7);
        List<Call> calls = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            calls.add(forward(l, batch, widths[l], widths[l + 1], rng));
        }
        for (int l = widths.length - 2; l >= 0; l--) {
            int in = widths[l];
            int out = widths[l + 1];
            calls.add(new Call("layer " + (l + 1) + " weight gradient TN", true, false, out, in, batch, 1f,
                    random(batch * out, rng), out, random(batch * in, rng), in, random(out * in, rng), in));
            if (l > 0) {
                calls.add(new Call("layer " + (l + 1) + " data gradient NN", false, false, batch, in, out, 0f,
                        random(batch * out, rng), out, random(out * in, rng), in, Memory.allocate((long) batch * in), in));
            }
        }
        return new GemmPlan("training step, batch " + batch, calls);
    }

    /** The forward products of a dense network of the given widths on a batch of {@code batch}. */
    static GemmPlan inference(int batch, int... widths) {
        Rng rng = new Rng(7);
        List<Call> calls = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            calls.add(forward(l, batch, widths[l], widths[l + 1], rng));
        }
        return new GemmPlan("inference, batch " + batch, calls);
    }

    private static Call forward(int l, int batch, int in, int out, Rng rng) {
        return new Call("layer " + (l + 1) + " forward NT", false, true, batch, out, in, 0f,
                random(batch * in, rng), in, random(out * in, rng), in, Memory.allocate((long) batch * out), out);
    }

    /** Runs every product once, in order. */
    void run(Blas blas) {
        for (Call call : calls) {
            blas.sgemm(call.transA(), call.transB(), call.m(), call.n(), call.k(), 1f, call.a(), 0, call.lda(),
                    call.b(), 0, call.ldb(), call.beta(), call.c(), 0, call.ldc());
        }
    }

    /**
     * The median wall time of one {@link #run}, in nanoseconds, over runs timed one by one until
     * {@code seconds} have passed and at least {@code minRuns} were made.
     */
    long medianNanos(Blas blas, double seconds, int minRuns) {
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        long budget = (long) (seconds * 1e9);
        while (times.size() < minRuns || System.nanoTime() - start < budget) {
            long t0 = System.nanoTime();
            run(blas);
            times.add(System.nanoTime() - t0);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Floating-point operations of one run: {@code 2 m n k} summed over the products. */
    long flops() {
        return flops;
    }

    /** What the plan is, e.g. {@code training step, batch 128}. */
    String name() {
        return name;
    }

    /** The products, in order. */
    List<Call> calls() {
        return calls;
    }

    private static MemorySegment random(int size, Rng rng) {
        MemorySegment values = Memory.allocate(size);
        for (int j = 0; j < size; j++) {
            values.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
        }
        return values;
    }
}
