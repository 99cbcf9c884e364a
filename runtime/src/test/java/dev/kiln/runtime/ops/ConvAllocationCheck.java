package dev.kiln.runtime.ops;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.ConvOps.Algorithm;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A program, run in a JVM of its own by {@link ConvAllocationTest}, that checks that {@link ConvOps}
 * allocates nothing once the JIT has compiled it: LeNet's two convolutions at a batch of 8 and at a batch
 * of 20 (where the direct algorithm's backward pass puts the samples in the lanes), and a stride-2 one,
 * forward and backward (with and without the input gradient), by every algorithm that runs them,
 * each run until 20 calls allocate nothing or 5,000 have run. Then LeNet's two max poolings with their
 * ReLU at a batch of 128, forward and backward, and its second convolution with them as one call
 * ({@code ConvOps.forwardPooled}, fused in the lanes), which must allocate nothing from their 300th call
 * on: a path they take once per call, such as the last rows of a batch, is compiled late, and a training
 * run of a few hundred steps would pay for it on every step. Prints {@code none allocate}, or those that
 * do.
 */
final class ConvAllocationCheck {

    private ConvAllocationCheck() {
    }

    public static void main(String[] args) {
        Blas blas = new JavaBlas();
        List<String> allocating = new ArrayList<>();
        for (int batch : new int[] {8, 20}) {
            check(blas, batch, allocating);
        }
        checkPooling(128, allocating);
        checkConvolutionWithPooling(blas, 128, allocating);
        System.out.println(allocating.isEmpty() ? "none allocate" : String.join(", ", allocating));
    }

    private static void check(Blas blas, int batch, List<String> allocating) {
        List<Conv2dGeometry> geometries = List.of(
                Conv2dGeometry.of(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2),
                Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0),
                Conv2dGeometry.of(3, 11, 11, 4, 3, 3, 2, 2, 1, 1, 1, 1));
        for (Conv2dGeometry g : geometries) {
            Rng rng = new Rng(1);
            MemorySegment x = segment(TestArrays.uniform(rng, batch * g.inputSize(), 1.0));
            MemorySegment p = segment(TestArrays.uniform(rng, g.weightSize() + g.outChannels(), 1.0));
            MemorySegment dy = segment(TestArrays.uniform(rng, batch * g.outputSize(), 1.0));
            MemorySegment y = Memory.allocate((long) batch * g.outputSize());
            MemorySegment grads = Memory.allocate(g.weightSize() + g.outChannels());
            MemorySegment dx = Memory.allocate((long) batch * g.inputSize());
            MemorySegment work = Memory.allocate(ConvOps.workspaceFloats(g, batch));
            for (Algorithm algorithm : Algorithm.values()) {
                if (algorithm == Algorithm.DIRECT && !ConvOps.directSupported(g)) {
                    continue;
                }
                long bytes = allocatedOnceWarm(() -> {
                    ConvOps.forward(algorithm, blas, g, x, 0, p, 0, g.weightSize(), y, 0, work, 0, batch);
                    ConvOps.backward(algorithm, blas, g, x, 0, p, 0, dy, 0, grads, 0, g.weightSize(), dx, 0, work, 0,
                            batch);
                    ConvOps.backward(algorithm, blas, g, x, 0, p, 0, dy, 0, grads, 0, DenseOps.NO_BIAS, null, 0, work,
                            0, batch);
                });
                if (bytes != 0) {
                    allocating.add(algorithm + " " + g + ", batch " + batch + ": " + bytes + " bytes per 20");
                }
            }
        }
    }

    private static void checkPooling(int batch, List<String> allocating) {
        for (Pool2dGeometry g : List.of(Pool2dGeometry.of(6, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0),
                Pool2dGeometry.of(16, 10, 10, 2, 2, 2, 2, 0, 0, 0, 0))) {
            Rng rng = new Rng(2);
            MemorySegment x = segment(TestArrays.uniform(rng, batch * g.inputSize(), 1.0));
            MemorySegment dy = segment(TestArrays.uniform(rng, batch * g.outputSize(), 1.0));
            MemorySegment y = Memory.allocate((long) batch * g.outputSize());
            MemorySegment dx = Memory.allocate((long) batch * g.inputSize());
            Runnable passes = () -> {
                PoolOps.maxForward(g, x, 0, y, 0, batch, true);
                PoolOps.maxBackward(g, x, 0, y, 0, dy, 0, dx, 0, batch, true);
            };
            long bytes = allocatedAfter300(passes);
            if (bytes != 0) {
                allocating.add("max pooling with its ReLU " + g + ", batch " + batch + ": " + bytes
                        + " bytes per 20 after 300");
            }
        }
    }

    private static void checkConvolutionWithPooling(Blas blas, int batch, List<String> allocating) {
        Conv2dGeometry g = Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
        Pool2dGeometry pool = Pool2dGeometry.of(16, 10, 10, 2, 2, 2, 2, 0, 0, 0, 0);
        Rng rng = new Rng(3);
        MemorySegment x = segment(TestArrays.uniform(rng, batch * g.inputSize(), 1.0));
        MemorySegment p = segment(TestArrays.uniform(rng, g.weightSize() + g.outChannels(), 1.0));
        MemorySegment dps = segment(TestArrays.uniform(rng, batch * pool.outputSize(), 1.0));
        MemorySegment y = Memory.allocate((long) batch * g.outputSize());
        MemorySegment dy = Memory.allocate((long) batch * g.outputSize());
        MemorySegment ps = Memory.allocate((long) batch * pool.outputSize());
        MemorySegment grads = Memory.allocate(g.weightSize() + g.outChannels());
        MemorySegment dx = Memory.allocate((long) batch * g.inputSize());
        MemorySegment work = Memory.allocate(ConvOps.pooledWorkspaceFloats(g, pool, batch));
        Runnable passes = () -> {
            ConvOps.forwardPooled(blas, g, pool, x, 0, p, 0, g.weightSize(), y, 0, ps, 0, work, 0, batch);
            ConvOps.backwardPooled(blas, g, pool, x, 0, p, 0, y, 0, ps, 0, dps, 0, dy, 0, grads, 0, g.weightSize(),
                    dx, 0, work, 0, batch);
        };
        long bytes = allocatedAfter300(passes);
        if (bytes != 0) {
            allocating.add("convolution with its pooling " + g + ", batch " + batch + ": " + bytes
                    + " bytes per 20 after 300");
        }
    }

    /** The bytes allocated by 20 runs of {@code passes} after 300: as many as a short training run warms. */
    private static long allocatedAfter300(Runnable passes) {
        for (int call = 0; call < 300; call++) {
            passes.run();
        }
        return Allocations.bytesAllocatedBy(passes, 20);
    }

    private static MemorySegment segment(float[] values) {
        MemorySegment segment = Memory.allocate(values.length);
        Memory.copy(values, 0, segment, 0, values.length);
        return segment;
    }

    /** The bytes allocated by 20 runs of {@code passes}, once 20 runs allocate none, or after many. */
    private static long allocatedOnceWarm(Runnable passes) {
        long bytes = -1;
        for (int round = 0; round < 250 && bytes != 0; round++) {
            bytes = Allocations.bytesAllocatedBy(passes, 20);
        }
        return bytes;
    }
}
