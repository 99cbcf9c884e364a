package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Vectors;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.ConvOps.Algorithm;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvOps}'s argument checks: one test per message, each asserting the whole text, and nothing
 * written when a check fails.
 */
class ConvArgumentsTest {

    private static final Blas BLAS = new JavaBlas();
    private static final Conv2dGeometry G = Conv2dGeometry.of(2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1);
    private static final int BATCH = 2;

    private final MemorySegment x = Memory.allocate((long) BATCH * G.inputSize());
    private final MemorySegment p = Memory.allocate(G.weightSize() + G.outChannels());
    private final MemorySegment y = Memory.allocate((long) BATCH * G.outputSize());
    private final MemorySegment dy = Memory.allocate((long) BATCH * G.outputSize());
    private final MemorySegment grads = Memory.allocate(G.weightSize() + G.outChannels());
    private final MemorySegment dx = Memory.allocate((long) BATCH * G.inputSize());
    private final MemorySegment work = Memory.allocate(ConvOps.workspaceFloats(G, BATCH));

    private IllegalArgumentException forwardFails(MemorySegment xs, long xAt, long b, MemorySegment ys, long yAt,
                                                  MemorySegment ws, int batch) {
        return assertThrows(IllegalArgumentException.class, () -> ConvOps.forward(Algorithm.IM2COL, BLAS, G, xs, xAt, p,
                0, b, ys, yAt, ws, 0, batch));
    }

    @Test
    void theInputMustFitItsSegment() {
        IllegalArgumentException e = forwardFails(x, 1, DenseOps.NO_BIAS, y, 0, work, BATCH);

        assertEquals("convolution forward: x = 1 with 100 floats from there does not fit in a segment of 100 floats",
                e.getMessage());
    }

    @Test
    void offsetsMustNotBeNegative() {
        IllegalArgumentException e = forwardFails(x, -1, DenseOps.NO_BIAS, y, 0, work, BATCH);

        assertEquals("convolution forward: x = -1 with 100 floats from there does not fit in a segment of 100 floats",
                e.getMessage());
    }

    @Test
    void theOutputMustFitItsSegment() {
        IllegalArgumentException e = forwardFails(x, 0, DenseOps.NO_BIAS, y, 3, work, BATCH);

        assertEquals("convolution forward: y = 3 with 150 floats from there does not fit in a segment of 150 floats",
                e.getMessage());
    }

    @Test
    void theBiasMustFitTheParameters() {
        IllegalArgumentException e = forwardFails(x, 0, G.weightSize() + 1, y, 0, work, BATCH);

        assertEquals("convolution forward: b = 55 with 3 floats from there does not fit in a segment of 57 floats",
                e.getMessage());
    }

    @Test
    void theWeightsMustFitTheParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.forward(BLAS, G, x, 0,
                p, 4, DenseOps.NO_BIAS, y, 0, work, 0, BATCH));

        assertEquals("convolution forward: w = 4 with 54 floats from there does not fit in a segment of 57 floats",
                e.getMessage());
    }

    @Test
    void theWorkspaceMustHoldWhatWorkspaceFloatsSays() {
        MemorySegment small = Memory.allocate(ConvOps.workspaceFloats(G, BATCH) - 1);

        IllegalArgumentException e = forwardFails(x, 0, DenseOps.NO_BIAS, y, 0, small, BATCH);

        assertEquals("convolution forward: ws (workspace) = 0 with " + ConvOps.workspaceFloats(G, BATCH)
                + " floats from there does not fit in a segment of " + (ConvOps.workspaceFloats(G, BATCH) - 1)
                + " floats", e.getMessage());
    }

    @Test
    void theBatchMustNotBeNegative() {
        IllegalArgumentException e = forwardFails(x, 0, DenseOps.NO_BIAS, y, 0, work, -1);

        assertEquals("convolution forward: batch = -1 must not be negative", e.getMessage());
    }

    @Test
    void maxBatchMustNotBeNegative() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.workspaceFloats(G, -2));

        assertEquals("convolution: maxBatch = -2 must not be negative", e.getMessage());
    }

    @Test
    void theDirectAlgorithmNeedsStrideOne() {
        assumeTrue(Vectors.available(), "the Vector API is not available to this JVM");
        Conv2dGeometry strided = Conv2dGeometry.of(2, 5, 5, 3, 3, 3, 2, 1, 1, 1, 1, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.forward(
                Algorithm.DIRECT, BLAS, strided, x, 0, p, 0, DenseOps.NO_BIAS, y, 0, work, 0, 1));

        assertEquals("convolution forward: the direct algorithm needs stride 1 (here 2 x 1) and the Vector API (the"
                + " JVM option --add-modules jdk.incubator.vector; present: true); use Algorithm.IM2COL, or"
                + " ConvOps.algorithm(g) to choose", e.getMessage());
    }

    @Test
    void im2colNeedsABlas() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> ConvOps.forward(Algorithm.IM2COL, null,
                G, x, 0, p, 0, DenseOps.NO_BIAS, y, 0, work, 0, BATCH));

        assertEquals("blas", e.getMessage());
    }

    @Test
    void backwardChecksTheOutputGradient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.backward(BLAS, G, x, 0,
                p, 0, dy, 1, grads, 0, G.weightSize(), dx, 0, work, 0, BATCH));

        assertEquals("convolution backward: dy = 1 with 150 floats from there does not fit in a segment of 150 floats",
                e.getMessage());
    }

    @Test
    void backwardChecksTheWeightGradient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.backward(BLAS, G, x, 0,
                p, 0, dy, 0, grads, 4, DenseOps.NO_BIAS, dx, 0, work, 0, BATCH));

        assertEquals("convolution backward: gw = 4 with 54 floats from there does not fit in a segment of 57 floats",
                e.getMessage());
    }

    @Test
    void backwardChecksTheBiasGradient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.backward(BLAS, G, x, 0,
                p, 0, dy, 0, grads, 0, G.weightSize() + 1, dx, 0, work, 0, BATCH));

        assertEquals("convolution backward: gb = 55 with 3 floats from there does not fit in a segment of 57 floats",
                e.getMessage());
    }

    @Test
    void backwardChecksTheInputGradient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOps.backward(BLAS, G, x, 0,
                p, 0, dy, 0, grads, 0, G.weightSize(), dx, 2, work, 0, BATCH));

        assertEquals("convolution backward: dx = 2 with 100 floats from there does not fit in a segment of 100 floats",
                e.getMessage());
    }

    @Test
    void aFailedCheckWritesNothing() {
        y.setAtIndex(Memory.FLOAT, 0, 7f);
        grads.setAtIndex(Memory.FLOAT, 0, 7f);

        forwardFails(x, 0, DenseOps.NO_BIAS, y, 0, Memory.allocate(1), BATCH);
        assertThrows(IllegalArgumentException.class, () -> ConvOps.backward(BLAS, G, x, 0, p, 0, dy, 0, grads, 0,
                G.weightSize(), dx, 1, work, 0, BATCH));

        assertEquals(7f, y.getAtIndex(Memory.FLOAT, 0));
        assertEquals(7f, grads.getAtIndex(Memory.FLOAT, 0));
    }
}
