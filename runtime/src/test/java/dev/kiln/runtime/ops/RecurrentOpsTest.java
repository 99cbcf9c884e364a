package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.ATOL;
import static dev.kiln.runtime.ops.GradientCheck.RTOL;
import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static dev.kiln.runtime.ops.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.RecurrentOps.Cell;
import dev.kiln.runtime.ops.RecurrentReference.Result;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RecurrentOps} for every cell against {@link RecurrentReference}, PyTorch's per-step formulas in
 * double precision: the outputs and the carried state from a nonzero initial state; the backward pass
 * against central finite differences of the reference's {@code L = sum(r * y)} with respect to every
 * weight, bias and input, the initial state held constant (truncated back-propagation through time); the
 * one-hot forms against the dense forms on the encoded input. Every case runs on heap segments (the plain
 * loops) and on native ones (the Vector API loops, as the build's tests run), at odd sizes (17 units: one
 * whole vector of 16 and a remainder) and odd offsets ({@link RecurrentLayer}).
 */
class RecurrentOpsTest {

    /**
     * Batch, steps, in, hidden: single steps and samples, a hidden size past one whole vector, and more
     * classes than gate values (one-hot columns read directly rather than grouped).
     */
    private static final int[][] SHAPES = {{1, 1, 1, 1}, {1, 4, 3, 5}, {3, 1, 2, 4}, {2, 5, 3, 17}, {2, 3, 9, 2}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            for (int[] shape : SHAPES) {
                for (boolean offHeap : new boolean[] {false, true}) {
                    cases.add(Arguments.of(cell, shape[0], shape[1], shape[2], shape[3], offHeap));
                }
            }
        }
        return cases.stream();
    }

    private static RecurrentLayer layer(Cell cell, int batch, int steps, int in, int hidden, boolean offHeap) {
        Rng rng = new Rng(cell.ordinal() * 100_000 + batch * 1000 + steps * 100 + in * 10 + hidden);
        return new RecurrentLayer(cell, batch, steps, in, hidden, offHeap, rng);
    }

    @ParameterizedTest(name = "{0} batch {1}, {2} steps, {3} -> {4}, native {5}")
    @MethodSource("cases")
    void forwardMatchesReferenceAndCarriesTheState(Cell cell, int batch, int steps, int in, int hidden,
                                                   boolean offHeap) {
        RecurrentLayer layer = layer(cell, batch, steps, in, hidden, offHeap);
        Result expected = layer.reference();
        double[] cBefore = layer.stateC();

        layer.forward();

        assertForward("y", layer.ys(), 0, expected.ys());
        assertForward("final h", toFloat(layer.stateH()), 0, expected.h());
        if (cell == Cell.LSTM) {
            assertForward("final c", toFloat(layer.stateC()), 0, expected.c());
        } else {
            assertArrayEquals(cBefore, layer.stateC(), "only the LSTM has a cell state");
        }
        float[] ys = TestArrays.floats(layer.ys);
        assertTrue(Float.isNaN(ys[(int) RecurrentLayer.Y - 1]) && Float.isNaN(ys[ys.length - 1]),
                "floats around the output must stay untouched");
        assertWorkspaceGuard(layer);
    }

    @ParameterizedTest(name = "{0} batch {1}, {2} steps, {3} -> {4}, native {5}")
    @MethodSource("cases")
    void theCarriedStateIsTheLastStepsOutput(Cell cell, int batch, int steps, int in, int hidden, boolean offHeap) {
        RecurrentLayer layer = layer(cell, batch, steps, in, hidden, offHeap);

        layer.forward();

        float[] ys = layer.ys();
        double[] h = layer.stateH();
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < hidden; j++) {
                assertEquals(ys[(s * steps + steps - 1) * hidden + j], h[s * hidden + j],
                        "sample " + s + ", unit " + j + ": the state holds the last step's output");
            }
        }
    }

    @ParameterizedTest(name = "{0}, native {1}")
    @MethodSource("cellsAndMemory")
    void twoHalvesCarryingTheStateEqualTheWholeSequence(Cell cell, boolean offHeap) {
        int batch = 3;
        int steps = 6;
        int in = 4;
        int hidden = 17;
        RecurrentLayer whole = layer(cell, batch, steps, in, hidden, offHeap);
        float[] x = Memory.toArray(whole.xs, RecurrentLayer.X, batch * steps * in);
        RecurrentLayer half = new RecurrentLayer(cell, batch, steps / 2, in, hidden, offHeap, new Rng(1));
        Memory.copy(whole.p, 0, half.p, 0, Memory.floats(whole.p));
        Memory.copy(whole.state, 0, half.state, 0, Memory.floats(whole.state));

        whole.forward();
        float[][] halves = new float[2][];
        for (int part = 0; part < 2; part++) {
            float[] xPart = new float[batch * steps / 2 * in];
            for (int s = 0; s < batch; s++) {
                System.arraycopy(x, (s * steps + part * steps / 2) * in, xPart, s * steps / 2 * in, steps / 2 * in);
            }
            half.setInput(xPart);
            half.forward();
            halves[part] = half.ys();
        }

        float[] ys = whole.ys();
        int halfRow = steps / 2 * hidden;
        for (int s = 0; s < batch; s++) {
            for (int part = 0; part < 2; part++) {
                for (int k = 0; k < halfRow; k++) {
                    float expected = ys[s * steps * hidden + part * halfRow + k];
                    float actual = halves[part][s * halfRow + k];
                    assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)),
                            "sample " + s + ", half " + part + ", value " + k);
                }
            }
        }
        assertArrayEquals(whole.stateH(), half.stateH(), 1e-6, "final h");
        assertArrayEquals(whole.stateC(), half.stateC(), 1e-6, "final c");
    }

    static Stream<Arguments> cellsAndMemory() {
        return Stream.of(Cell.values()).flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    @ParameterizedTest(name = "{0} batch {1}, {2} steps, {3} -> {4}, native {5}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(Cell cell, int batch, int steps, int in, int hidden, boolean offHeap) {
        RecurrentLayer layer = layer(cell, batch, steps, in, hidden, offHeap);
        float[] r = TestArrays.uniform(new Rng(steps + 17L * hidden), batch * steps * hidden, 1.0);
        double[] x = layer.x();
        double[] wIh = layer.wIh();
        double[] wHh = layer.wHh();
        double[] bIh = layer.bIh();
        double[] bHh = layer.bHh();
        double[] h0 = layer.stateH();
        double[] c0 = layer.stateC();
        float[] gBefore = layer.gradients();

        layer.forward();
        float[] dx = layer.backward(r, true);

        ToDoubleFunction<Result> loss = result -> weightedSum(r, result.ys());
        float[] added = difference(layer.gradients(), gBefore);
        assertGradient("dx", dx, 0, numericGradient(v -> loss.applyAsDouble(
                RecurrentReference.forward(cell, batch, steps, in, hidden, v, wIh, wHh, bIh, bHh, h0, c0)), x));
        assertGradient("dW_ih (added to g)", added, (int) layer.gwIh, numericGradient(v -> loss.applyAsDouble(
                RecurrentReference.forward(cell, batch, steps, in, hidden, x, v, wHh, bIh, bHh, h0, c0)), wIh));
        assertGradient("dW_hh (added to g)", added, (int) layer.gwHh, numericGradient(v -> loss.applyAsDouble(
                RecurrentReference.forward(cell, batch, steps, in, hidden, x, wIh, v, bIh, bHh, h0, c0)), wHh));
        assertGradient("db_ih (added to g)", added, (int) layer.gbIh, numericGradient(v -> loss.applyAsDouble(
                RecurrentReference.forward(cell, batch, steps, in, hidden, x, wIh, wHh, v, bHh, h0, c0)), bIh));
        assertGradient("db_hh (added to g)", added, (int) layer.gbHh, numericGradient(v -> loss.applyAsDouble(
                RecurrentReference.forward(cell, batch, steps, in, hidden, x, wIh, wHh, bIh, v, h0, c0)), bHh));
        long end = layer.gbHh + layer.width();
        for (int j = 0; j < added.length; j++) {
            if (j < layer.gwHh || j >= end) {
                assertEquals(0f, added[j], "g[" + j + "] lies outside the layer's gradients");
            }
        }
        assertWorkspaceGuard(layer);
    }

    @ParameterizedTest(name = "{0}, native {1}")
    @MethodSource("cellsAndMemory")
    void backwardWithoutTheInputGradientAddsTheSameParameterGradients(Cell cell, boolean offHeap) {
        RecurrentLayer with = layer(cell, 2, 4, 3, 17, offHeap);
        RecurrentLayer without = layer(cell, 2, 4, 3, 17, offHeap);
        float[] r = TestArrays.uniform(new Rng(3), 2 * 4 * 17, 1.0);

        with.forward();
        with.backward(r, true);
        without.forward();
        without.backward(r, false);

        assertArrayEquals(with.gradients(), without.gradients());
    }

    /**
     * After a first batch, a second one starts from the state the first left; its gradient is that of the
     * second batch alone with its initial state a constant, and differs from the gradient of the two
     * batches' composition (which would let the weights' effect on the initial state through).
     */
    @ParameterizedTest(name = "{0}, native {1}")
    @MethodSource("cellsAndMemory")
    void backPropagationIsTruncatedAtTheStartOfTheBatch(Cell cell, boolean offHeap) {
        int batch = 2;
        int steps = 3;
        int in = 3;
        int hidden = 5;
        RecurrentLayer layer = layer(cell, batch, steps, in, hidden, offHeap);
        Rng rng = new Rng(11);
        double[] x1 = layer.x();
        double[] wIh = layer.wIh();
        double[] wHh = layer.wHh();
        double[] bIh = layer.bIh();
        double[] bHh = layer.bHh();
        double[] h0 = layer.stateH();
        double[] c0 = layer.stateC();
        layer.forward();
        float[] x2 = TestArrays.uniform(rng, batch * steps * in, 1.0);
        layer.setInput(x2);
        double[] h1 = layer.stateH();
        double[] c1 = layer.stateC();
        float[] r = TestArrays.uniform(rng, batch * steps * hidden, 1.0);
        float[] gBefore = layer.gradients();

        layer.forward();
        layer.backward(r, false);

        double[] second = toDouble(x2, 0, x2.length);
        double[] detached = numericGradient(v -> weightedSum(r, RecurrentReference.forward(cell, batch, steps, in,
                hidden, second, wIh, v, bIh, bHh, h1, c1).ys()), wHh);
        double[] composed = numericGradient(v -> {
            Result first = RecurrentReference.forward(cell, batch, steps, in, hidden, x1, wIh, v, bIh, bHh, h0, c0);
            return weightedSum(r, RecurrentReference.forward(cell, batch, steps, in, hidden, second, wIh, v, bIh,
                    bHh, first.h(), first.c()).ys());
        }, wHh);
        float[] added = difference(layer.gradients(), gBefore);
        assertGradient("dW_hh", added, (int) layer.gwHh, detached);
        double largest = 0;
        for (int j = 0; j < composed.length; j++) {
            largest = Math.max(largest, Math.abs(added[(int) layer.gwHh + j] - composed[j])
                    / (ATOL + RTOL * Math.abs(composed[j])));
        }
        assertTrue(largest > 10, "the composed gradient must differ from the truncated one for this test to "
                + "mean anything; largest error in tolerances: " + largest);
    }

    @ParameterizedTest(name = "{0} batch {1}, {2} steps, {3} -> {4}, native {5}")
    @MethodSource("cases")
    void oneHotFormsEqualTheDenseFormsOnTheEncodedInput(Cell cell, int batch, int steps, int in, int hidden,
                                                        boolean offHeap) {
        RecurrentLayer oneHot = layer(cell, batch, steps, in, hidden, offHeap);
        RecurrentLayer dense = layer(cell, batch, steps, in, hidden, offHeap);
        float[] encoded = oneHot.oneHotInput(new Rng(in * 31L + steps));
        dense.setInput(encoded);
        float[] r = TestArrays.uniform(new Rng(5), batch * steps * hidden, 1.0);

        oneHot.forwardOneHot();
        dense.forward();
        oneHot.backwardOneHot(r);
        dense.backward(r, false);

        assertArrayEquals(dense.ys(), oneHot.ys(), 1e-6f, "y");
        assertArrayEquals(dense.stateH(), oneHot.stateH(), 1e-6, "final h");
        assertArrayEquals(dense.stateC(), oneHot.stateC(), 1e-6, "final c");
        float[] expected = dense.gradients();
        float[] actual = oneHot.gradients();
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-5 * Math.max(1, Math.abs(expected[j])), "g[" + j + "]");
        }
    }

    /** The char-level LSTM's shape, and the same for the other cells: large products, one-hot input. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void aCharacterModelsShapeMatchesTheReference(Cell cell) {
        int batch = 4;
        int steps = 5;
        int in = 114;
        int hidden = 128;
        RecurrentLayer layer = new RecurrentLayer(cell, batch, steps, in, hidden, true, new Rng(42));
        float[] encoded = layer.oneHotInput(new Rng(43));
        RecurrentLayer dense = new RecurrentLayer(cell, batch, steps, in, hidden, true, new Rng(42));
        dense.setInput(encoded);
        Result expected = dense.reference();

        layer.forwardOneHot();

        assertForward("y", layer.ys(), 0, expected.ys());
        assertForward("final h", toFloat(layer.stateH()), 0, expected.h());
        if (cell == Cell.LSTM) {
            assertForward("final c", toFloat(layer.stateC()), 0, expected.c());
        }
    }

    @Test
    void idsThatAreNotClassIdsAreRejectedBeforeAnythingIsWritten() {
        for (float bad : new float[] {2.5f, -1f, 4f, Float.NaN}) {
            RecurrentLayer layer = layer(Cell.LSTM, 2, 3, 4, 5, false);
            float[] ids = {0, 1, 2, 3, 0, 1};
            ids[4] = bad;
            layer.setInput(ids);
            float[] stateBefore = TestArrays.floats(layer.state);

            var forward = assertThrows(IllegalArgumentException.class, layer::forwardOneHot);
            var backward = assertThrows(IllegalArgumentException.class,
                    () -> layer.backwardOneHot(new float[2 * 3 * 5]));

            String expected = "recurrent layer with one-hot input: sample 1, step 1 holds " + bad + ", which is not a "
                    + "class id (an integer in [0, 4)); one-hot input takes one id per sample and step, not the "
                    + "one-hot vectors";
            assertEquals(expected, forward.getMessage());
            assertEquals(expected, backward.getMessage());
            assertArrayEquals(stateBefore, TestArrays.floats(layer.state), "the state must be untouched");
        }
    }

    @Test
    void aWorkspaceTooSmallIsRejected() {
        RecurrentLayer layer = layer(Cell.GRU, 2, 3, 4, 5, false);
        long needed = RecurrentOps.workspaceFloats(Cell.GRU, 2, 3, 5);

        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentOps.forward(Cell.GRU,
                RecurrentLayer.BLAS, layer.xs, RecurrentLayer.X, layer.p, layer.wIh, layer.wHh, layer.bIh,
                layer.bHh, layer.ys, RecurrentLayer.Y, layer.state, RecurrentLayer.H0, layer.c0, layer.work,
                RecurrentLayer.WS + RecurrentLayer.GUARD + 1, 2, 3, 4, 5));

        assertEquals("recurrent layer: the GRU workspace for a batch of 2 and 3 steps of 5 units needs " + needed
                + " floats from offset 11, but the segment holds " + (RecurrentLayer.WS + needed + 3)
                + "; size it with RecurrentOps.workspaceFloats(cell, maxBatch, steps, hidden)", e.getMessage());
    }

    @Test
    void aSegmentTooShortIsRejectedBeforeAnythingIsWritten() {
        RecurrentLayer layer = layer(Cell.LSTM, 2, 3, 4, 5, false);
        float[] before = TestArrays.floats(layer.state);

        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentOps.forward(Cell.LSTM,
                RecurrentLayer.BLAS, layer.xs, RecurrentLayer.X, layer.p, layer.wIh, layer.wHh, layer.bIh,
                layer.bHh, layer.ys, RecurrentLayer.Y + 3, layer.state, RecurrentLayer.H0, layer.c0, layer.work,
                RecurrentLayer.WS, 2, 3, 4, 5));

        assertEquals("recurrent layer: the output y needs 30 floats from offset 5, but its segment holds 34",
                e.getMessage());
        assertArrayEquals(before, TestArrays.floats(layer.state));
    }

    @Test
    void sizesMustBePositive() {
        RecurrentLayer layer = layer(Cell.RNN, 1, 1, 1, 1, false);

        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentOps.forward(Cell.RNN,
                RecurrentLayer.BLAS, layer.xs, RecurrentLayer.X, layer.p, layer.wIh, layer.wHh, layer.bIh,
                layer.bHh, layer.ys, RecurrentLayer.Y, layer.state, RecurrentLayer.H0, layer.c0, layer.work,
                RecurrentLayer.WS, 1, 0, 1, 1));

        assertEquals("recurrent layer: steps must be at least 1, got 0", e.getMessage());
    }

    /**
     * Through a plain-loop {@link Blas}: {@link JavaBlas}'s products are allocation-free once the JIT has
     * compiled them as their shapes need, which a test JVM that has run many other shapes does not always
     * give (docs/decisions.md); that is tested apart, in a JVM of its own. What is tested here is the layer.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void forwardAndBackwardAllocateNothing(Cell cell) {
        RecurrentLayer dense = new RecurrentLayer(cell, 3, 4, 5, 20, true, new Rng(8));
        RecurrentLayer oneHot = new RecurrentLayer(cell, 3, 4, 5, 20, true, new Rng(9));
        oneHot.oneHotInput(new Rng(10));
        MemorySegment dys = dense.segment(TestArrays.uniform(new Rng(4), 3 * 4 * 20, 0.01));
        MemorySegment dxs = dense.segment(new float[3 * 4 * 5]);
        Blas blas = new LoopBlas();

        long bytes = Allocations.steadyStateBytes(() -> {
            RecurrentOps.forward(cell, blas, dense.xs, RecurrentLayer.X, dense.p, dense.wIh, dense.wHh, dense.bIh,
                    dense.bHh, dense.ys, RecurrentLayer.Y, dense.state, RecurrentLayer.H0, dense.c0, dense.work,
                    RecurrentLayer.WS, 3, 4, 5, 20);
            RecurrentOps.backward(cell, blas, dense.xs, RecurrentLayer.X, dense.p, dense.wIh, dense.wHh, dys, 0,
                    dense.gs, dense.gwIh, dense.gwHh, dense.gbIh, dense.gbHh, dxs, 0, dense.work, RecurrentLayer.WS, 3,
                    4, 5, 20);
            RecurrentOps.forwardOneHot(cell, blas, oneHot.xs, RecurrentLayer.X, oneHot.p, oneHot.wIh, oneHot.wHh,
                    oneHot.bIh, oneHot.bHh, oneHot.ys, RecurrentLayer.Y, oneHot.state, RecurrentLayer.H0, oneHot.c0,
                    oneHot.work, RecurrentLayer.WS, 3, 4, 5, 20);
            RecurrentOps.backwardOneHot(cell, blas, oneHot.xs, RecurrentLayer.X, oneHot.p, oneHot.wIh, oneHot.wHh,
                    dys, 0, oneHot.gs, oneHot.gwIh, oneHot.gwHh, oneHot.gbIh, oneHot.gbHh, oneHot.work,
                    RecurrentLayer.WS, 3, 4, 5, 20);
        }, 200, 50);

        assertEquals(0, bytes, "bytes allocated by 200 steady-state forward and backward passes");
    }

    /** {@code C = alpha op(A) op(B) + beta C} in three plain loops, on segments only. */
    private static final class LoopBlas implements Blas {

        @Override
        public String name() {
            return "loops";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            throw new UnsupportedOperationException("the recurrent kernels multiply segments");
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                          long cOffset, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        long ai = aOffset + (transA ? (long) p * lda + i : (long) i * lda + p);
                        long bi = bOffset + (transB ? (long) j * ldb + p : (long) p * ldb + j);
                        sum += a.getAtIndex(Memory.FLOAT, ai) * b.getAtIndex(Memory.FLOAT, bi);
                    }
                    long ci = cOffset + (long) i * ldc + j;
                    float old = beta == 0 ? 0 : beta * c.getAtIndex(Memory.FLOAT, ci);
                    c.setAtIndex(Memory.FLOAT, ci, alpha * sum + old);
                }
            }
        }
    }

    private static void assertWorkspaceGuard(RecurrentLayer layer) {
        float[] work = TestArrays.floats(layer.work);
        for (int j = 0; j < RecurrentLayer.WS; j++) {
            assertTrue(Float.isNaN(work[j]), "work[" + j + "] lies before the workspace");
        }
        for (int j = work.length - RecurrentLayer.GUARD; j < work.length; j++) {
            assertTrue(Float.isNaN(work[j]), "work[" + j + "] lies after the workspace");
        }
    }

    private static float[] toFloat(double[] values) {
        float[] floats = new float[values.length];
        for (int j = 0; j < values.length; j++) {
            floats[j] = (float) values[j];
        }
        return floats;
    }

    /** {@code after - before}, element by element. */
    private static float[] difference(float[] after, float[] before) {
        float[] difference = new float[after.length];
        for (int j = 0; j < after.length; j++) {
            difference[j] = after[j] - before[j];
        }
        return difference;
    }
}
