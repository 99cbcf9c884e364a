package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.Vectors;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConvOps#forwardPooled} and {@link ConvOps#backwardPooled} give, bit for bit, what the convolution,
 * then the max pooling with its ReLU ({@link PoolOps}) give, forward and backward: fused in the lanes
 * (LeNet's conv2 and a padded one, batches of whole and partial groups) and not (a batch under one group
 * of lanes where vectors have 16, windows that do not tile the output). Inputs and weights are small integers, so that outputs tie within
 * windows and many are not positive: the first input of a window equal to its maximum takes the gradient.
 */
class ConvPoolingTest {

    private static final Blas BLAS = new JavaBlas();

    static Stream<Arguments> cases() {
        Conv2dGeometry lenet = Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
        Pool2dGeometry lenetPool = Pool2dGeometry.of(16, 10, 10, 2, 2, 2, 2, 0, 0, 0, 0);
        Conv2dGeometry padded = Conv2dGeometry.of(3, 12, 12, 5, 5, 5, 1, 1, 2, 2, 2, 2);
        Pool2dGeometry paddedPool = Pool2dGeometry.of(5, 12, 12, 2, 2, 2, 2, 0, 0, 0, 0);
        Pool2dGeometry overlapping = Pool2dGeometry.of(5, 12, 12, 2, 2, 1, 1, 0, 0, 0, 0);
        return Stream.of(
                Arguments.of("LeNet's conv2", lenet, lenetPool, 16, true),
                Arguments.of("LeNet's conv2", lenet, lenetPool, 37, true),
                Arguments.of("padded", padded, paddedPool, 33, true),
                Arguments.of("padded", padded, paddedPool, 9, true),
                Arguments.of("padded, overlapping windows", padded, overlapping, 20, false));
    }

    /** {@code shapeFuses}: the shapes fuse, from a batch of one group of lanes. */
    @ParameterizedTest(name = "{0}, {2}, batch {3}")
    @MethodSource("cases")
    void fusedOrNotTheSameBitsAsTheTwoOps(String name, Conv2dGeometry g, Pool2dGeometry pool, int batch,
                                          boolean shapeFuses) {
        assumeTrue(Vectors.available(), "the tests run with --add-modules jdk.incubator.vector");
        assertEquals(shapeFuses && batch >= LaneConv.lanes(),
                ConvOps.algorithm(g) == ConvOps.Algorithm.DIRECT && LaneConv.pooledApplies(g, pool, batch));
        Rng rng = new Rng(batch);
        MemorySegment x = integers(rng, (long) batch * g.inputSize(), 3);
        MemorySegment p = integers(rng, g.weightSize() + g.outChannels(), 2);
        MemorySegment dps = integers(rng, (long) batch * pool.outputSize(), 5);
        long w = 0;
        long b = g.weightSize();
        long work = ConvOps.pooledWorkspaceFloats(g, pool, batch);

        // the two ops, one after the other
        MemorySegment y = Memory.allocate((long) batch * g.outputSize());
        MemorySegment py = Memory.allocate((long) batch * pool.outputSize());
        MemorySegment dy = Memory.allocate((long) batch * g.outputSize());
        MemorySegment gs = Memory.allocate(g.weightSize() + g.outChannels());
        MemorySegment dx = Memory.allocate((long) batch * g.inputSize());
        MemorySegment ws = Memory.allocate(Math.max(1, ConvOps.workspaceFloats(g, batch)));
        ConvOps.forward(BLAS, g, x, 0, p, w, b, y, 0, ws, 0, batch);
        PoolOps.maxForward(pool, y, 0, py, 0, batch, true);
        PoolOps.maxBackward(pool, y, 0, py, 0, dps, 0, dy, 0, batch, true);
        ConvOps.backward(BLAS, g, x, 0, p, w, dy, 0, gs, 0, b, dx, 0, ws, 0, batch);

        // as one call each, at offsets, the workspace full of NaN
        MemorySegment fy = Memory.allocate((long) batch * g.outputSize() + 3);
        MemorySegment fpy = nan((long) batch * pool.outputSize() + 4);
        MemorySegment fdy = Memory.allocate((long) batch * g.outputSize() + 2);
        MemorySegment fgs = Memory.allocate(g.weightSize() + g.outChannels() + 1);
        MemorySegment fdx = nan((long) batch * g.inputSize() + 5);
        MemorySegment fws = nan(work + 6);
        ConvOps.forwardPooled(BLAS, g, pool, x, 0, p, w, b, fy, 3, fpy, 4, fws, 6, batch);
        ConvOps.backwardPooled(BLAS, g, pool, x, 0, p, w, fy, 3, fpy, 4, dps, 0, fdy, 2, fgs, 1, 1 + b, fdx, 5, fws,
                6, batch);

        assertBits("pooled values", py, 0, fpy, 4, (long) batch * pool.outputSize());
        assertBits("weight and bias gradients", gs, 0, fgs, 1, g.weightSize() + g.outChannels());
        assertBits("input gradient", dx, 0, fdx, 5, (long) batch * g.inputSize());
        assertTrue(Float.isNaN(fpy.getAtIndex(Memory.FLOAT, 3)) && Float.isNaN(fdx.getAtIndex(Memory.FLOAT, 4)),
                "nothing written before the outputs");
    }

    @Test
    void aPoolingThatDoesNotTakeTheConvolutionsOutputIsRefused() {
        Conv2dGeometry g = Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
        Pool2dGeometry pool = Pool2dGeometry.of(16, 12, 12, 2, 2, 2, 2, 0, 0, 0, 0);
        MemorySegment any = Memory.allocate(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.forwardPooled(BLAS, g,
                pool, any, 0, any, 0, 0, any, 0, any, 0, any, 0, 1));
        assertTrue(e.getMessage().contains("16 x 12 x 12") && e.getMessage().contains("16 x 10 x 10"),
                e.getMessage());
    }

    private static MemorySegment integers(Rng rng, long n, int bound) {
        MemorySegment m = Memory.allocate(n);
        for (long i = 0; i < n; i++) {
            m.setAtIndex(Memory.FLOAT, i, rng.nextInt(2 * bound + 1) - bound);
        }
        return m;
    }

    private static MemorySegment nan(long n) {
        MemorySegment m = Memory.allocate(n);
        for (long i = 0; i < n; i++) {
            m.setAtIndex(Memory.FLOAT, i, Float.NaN);
        }
        return m;
    }

    private static void assertBits(String what, MemorySegment expected, long e, MemorySegment actual, long a,
                                   long count) {
        for (long i = 0; i < count; i++) {
            float want = expected.getAtIndex(Memory.FLOAT, e + i);
            float got = actual.getAtIndex(Memory.FLOAT, a + i);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                    what + ", float " + i + ": " + want + " expected, " + got + " given");
        }
    }
}
