package dev.kiln.runtime.ops;

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
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PoolOps} against double-precision references that visit every position of every window, padding
 * included, and test it against the input's bounds: max pooling keeps the first largest value, row-major,
 * and average pooling divides by the kernel's area. Forward outputs and backward gradients are compared
 * with the references, on inputs with many ties for max pooling; the backward passes also with central
 * finite differences of the forward references (for max pooling on inputs without ties, all at least 1e-4
 * apart, so that no difference quotient straddles a change of maximum). The geometries cover the 2 x 2
 * stride-2 loops (LeNet's shapes among them, and odd sizes that leave a row and a column out), overlapping
 * windows, padding, a window reaching past the input, strides larger than the kernel and global pooling;
 * every array sits at an offset of a larger one whose other floats must stay untouched.
 */
class PoolOpsTest {

    private static final int X_OFF = 5;
    private static final int Y_OFF = 3;
    private static final int DY_OFF = 2;
    private static final int DX_OFF = 7;

    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }

    /** A geometry and a batch, named for the report. */
    record Case(String name, Pool2dGeometry g, int batch) {
        @Override
        public String toString() {
            return name + ", batch " + batch;
        }

        int inputs() {
            return batch * g.inputSize();
        }

        int outputs() {
            return batch * g.outputSize();
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("2x2 stride 2, 6x8", Pool2dGeometry.of(2, 6, 8, 2, 2, 2, 2, 0, 0, 0, 0), 1),
                new Case("2x2 stride 2, odd 5x7", Pool2dGeometry.of(3, 5, 7, 2, 2, 2, 2, 0, 0, 0, 0), 3),
                new Case("LeNet 6x28x28", Pool2dGeometry.of(6, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0), 2),
                new Case("LeNet 16x10x10", Pool2dGeometry.of(16, 10, 10, 2, 2, 2, 2, 0, 0, 0, 0), 3),
                new Case("3x3 stride 2, overlapping, 7x9", Pool2dGeometry.of(2, 7, 9, 3, 3, 2, 2, 0, 0, 0, 0), 2),
                new Case("3x3 stride 2 padding 1, 6x5", Pool2dGeometry.of(3, 6, 5, 3, 3, 2, 2, 1, 1, 1, 1), 2),
                new Case("3x2 stride (1, 2), padding top 1 bottom 1 right 1", Pool2dGeometry.of(2, 5, 6, 3, 2, 1, 2,
                        1, 0, 1, 1), 1),
                new Case("4x4 stride 2 padding 2, 6x7", Pool2dGeometry.of(1, 6, 7, 4, 4, 2, 2, 2, 2, 2, 2), 2),
                new Case("2x2 stride 3, gaps, 8x7", Pool2dGeometry.of(2, 8, 7, 2, 2, 3, 3, 0, 0, 0, 0), 2),
                new Case("2x2 stride 2, last window half outside, 5x5",
                        new Pool2dGeometry(2, 5, 5, 2, 2, 2, 2, 0, 0, 3, 3), 2),
                new Case("1x1 stride 1", Pool2dGeometry.of(1, 3, 4, 1, 1, 1, 1, 0, 0, 0, 0), 2),
                new Case("global 3x5", Pool2dGeometry.of(4, 3, 5, 3, 5, 1, 1, 0, 0, 0, 0), 2));
    }

    // ---- references -------------------------------------------------------------------------------------

    /** The input index of each output's window's first largest value (row-major), over the whole batch. */
    static int[] argmaxReference(Pool2dGeometry g, double[] x, int batch) {
        int[] argmax = new int[batch * g.outputSize()];
        int o = 0;
        for (int plane = 0; plane < batch * g.channels(); plane++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    int best = -1;
                    for (int kh = 0; kh < g.kernelHeight(); kh++) {
                        for (int kw = 0; kw < g.kernelWidth(); kw++) {
                            int r = oh * g.strideHeight() - g.padTop() + kh;
                            int q = ow * g.strideWidth() - g.padLeft() + kw;
                            if (r < 0 || r >= g.inHeight() || q < 0 || q >= g.inWidth()) {
                                continue; // padding: -infinity never wins
                            }
                            int at = (plane * g.inHeight() + r) * g.inWidth() + q;
                            if (best < 0 || x[at] > x[best]) {
                                best = at;
                            }
                        }
                    }
                    argmax[o++] = best;
                }
            }
        }
        return argmax;
    }

    static double[] maxReference(Pool2dGeometry g, double[] x, int batch) {
        int[] argmax = argmaxReference(g, x, batch);
        double[] y = new double[argmax.length];
        for (int o = 0; o < y.length; o++) {
            y[o] = x[argmax[o]];
        }
        return y;
    }

    /** Each output's gradient added to its window's first largest input. */
    static double[] maxBackwardReference(Pool2dGeometry g, double[] x, float[] dy, int batch) {
        int[] argmax = argmaxReference(g, x, batch);
        double[] dx = new double[x.length];
        for (int o = 0; o < argmax.length; o++) {
            dx[argmax[o]] += dy[DY_OFF + o];
        }
        return dx;
    }

    /**
     * Visits every (output, input) pair of the pooling, padding excluded, calling {@code visit.at(o, i)}.
     */
    interface Visit {
        void at(int output, int input);
    }

    static void windows(Pool2dGeometry g, int batch, Visit visit) {
        int o = 0;
        for (int plane = 0; plane < batch * g.channels(); plane++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    for (int kh = 0; kh < g.kernelHeight(); kh++) {
                        for (int kw = 0; kw < g.kernelWidth(); kw++) {
                            int r = oh * g.strideHeight() - g.padTop() + kh;
                            int q = ow * g.strideWidth() - g.padLeft() + kw;
                            if (r >= 0 && r < g.inHeight() && q >= 0 && q < g.inWidth()) {
                                visit.at(o, (plane * g.inHeight() + r) * g.inWidth() + q);
                            }
                        }
                    }
                    o++;
                }
            }
        }
    }

    static double[] avgReference(Pool2dGeometry g, double[] x, int batch) {
        double[] y = new double[batch * g.outputSize()];
        double area = g.kernelHeight() * g.kernelWidth();
        windows(g, batch, (o, i) -> y[o] += x[i] / area);
        return y;
    }

    static double[] avgBackwardReference(Pool2dGeometry g, float[] dy, int batch) {
        double[] dx = new double[batch * g.inputSize()];
        double area = g.kernelHeight() * g.kernelWidth();
        windows(g, batch, (o, i) -> dx[i] += dy[DY_OFF + o] / area);
        return dx;
    }

    // ---- inputs -----------------------------------------------------------------------------------------

    /** An input at X_OFF with values from {-2, -1, 0, 1, 2}: windows with ties everywhere. */
    static float[] tiedInput(Case c, Rng rng) {
        float[] x = TestArrays.filled(X_OFF + c.inputs() + 1, Float.NaN);
        for (int j = 0; j < c.inputs(); j++) {
            x[X_OFF + j] = rng.nextInt(5) - 2;
        }
        return x;
    }

    /** An input at X_OFF whose values are all different, 2 / n apart, shuffled. */
    static float[] distinctInput(Case c, Rng rng) {
        int n = c.inputs();
        float[] x = TestArrays.filled(X_OFF + n + 1, Float.NaN);
        int[] order = rng.permutation(n);
        for (int j = 0; j < n; j++) {
            x[X_OFF + j] = (float) (-1 + (2.0 * order[j] + 1) / n);
        }
        return x;
    }

    static float[] gradientOfOutput(Case c, Rng rng) {
        float[] dy = TestArrays.filled(DY_OFF + c.outputs() + 1, Float.NaN);
        System.arraycopy(TestArrays.uniform(rng, c.outputs(), 1.0), 0, dy, DY_OFF, c.outputs());
        return dy;
    }

    /** Fails unless the floats of {@code a} outside {@code [offset, offset + count)} are still NaN. */
    static void assertUntouchedOutside(String what, float[] a, int offset, int count) {
        for (int j = 0; j < a.length; j++) {
            if (j < offset || j >= offset + count) {
                assertTrue(Float.isNaN(a[j]), what + "[" + j + "] lies outside the written range but was written");
            }
        }
    }

    // ---- max pooling ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maxForwardKeepsEachWindowsLargestValue(Case c) {
        for (float[] x : new float[][] {tiedInput(c, new Rng(1)), distinctInput(c, new Rng(2))}) {
            float[] y = TestArrays.filled(Y_OFF + c.outputs() + 1, Float.NaN);
            PoolOps.maxForward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, c.batch());
            double[] expected = maxReference(c.g(), toDouble(x, X_OFF, c.inputs()), c.batch());
            for (int o = 0; o < expected.length; o++) {
                assertEquals((float) expected[o], y[Y_OFF + o], "output " + o);
            }
            assertUntouchedOutside("y", y, Y_OFF, c.outputs());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maxBackwardGivesEachGradientToTheFirstLargestInputOnTies(Case c) {
        Rng rng = new Rng(3);
        float[] x = tiedInput(c, rng);
        float[] y = new float[Y_OFF + c.outputs()];
        PoolOps.maxForward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, c.batch());
        float[] dy = gradientOfOutput(c, rng);
        float[] dx = TestArrays.filled(DX_OFF + c.inputs() + 1, Float.NaN);

        PoolOps.maxBackward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, seg(dy), DY_OFF, seg(dx), DX_OFF, c.batch());

        assertForward("dx", dx, DX_OFF,
                maxBackwardReference(c.g(), toDouble(x, X_OFF, c.inputs()), dy, c.batch()));
        assertUntouchedOutside("dx", dx, DX_OFF, c.inputs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maxBackwardMatchesFiniteDifferences(Case c) {
        Rng rng = new Rng(4);
        float[] x = distinctInput(c, rng);
        float[] y = new float[Y_OFF + c.outputs()];
        PoolOps.maxForward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, c.batch());
        float[] dy = gradientOfOutput(c, rng);
        float[] dx = TestArrays.filled(DX_OFF + c.inputs(), Float.NaN);

        PoolOps.maxBackward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, seg(dy), DY_OFF, seg(dx), DX_OFF, c.batch());

        float[] r = java.util.Arrays.copyOfRange(dy, DY_OFF, DY_OFF + c.outputs());
        assertGradient("dx", dx, DX_OFF, numericGradient(
                v -> weightedSum(r, maxReference(c.g(), v, c.batch())), toDouble(x, X_OFF, c.inputs())));
    }

    /**
     * The pooling with its ReLU gives, bit for bit, what a ReLU pass and then the pooling give: the same
     * outputs, and the same gradient for the ReLU's input as the pooling's backward and then the ReLU's.
     * The input is mostly negative, zero (of both signs) and tied, so that many windows pass nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void poolingWithItsReluEqualsAReluPassThenThePooling(Case c) {
        Rng rng = new Rng(9);
        float[] x = tiedInput(c, rng);
        for (int j = X_OFF; j < X_OFF + c.inputs(); j++) {
            x[j] = switch (rng.nextInt(4)) {
                case 0 -> -Math.abs(x[j]);
                case 1 -> rng.nextInt(2) == 0 ? 0f : -0f;
                default -> x[j];
            };
        }
        float[] relu = x.clone();
        Activations.reluForward(seg(x), X_OFF, seg(relu), X_OFF, c.inputs());
        float[] twoPasses = new float[Y_OFF + c.outputs()];
        float[] fused = new float[Y_OFF + c.outputs()];
        PoolOps.maxForward(c.g(), seg(relu), X_OFF, seg(twoPasses), Y_OFF, c.batch());
        PoolOps.maxForward(c.g(), seg(x), X_OFF, seg(fused), Y_OFF, c.batch(), true);
        assertBits("y", twoPasses, fused);

        float[] dy = gradientOfOutput(c, rng);
        float[] dRelu = new float[DX_OFF + c.inputs()];
        float[] dxTwoPasses = TestArrays.filled(DX_OFF + c.inputs(), Float.NaN);
        PoolOps.maxBackward(c.g(), seg(relu), X_OFF, seg(twoPasses), Y_OFF, seg(dy), DY_OFF, seg(dRelu), DX_OFF,
                c.batch());
        Activations.reluBackward(seg(x), X_OFF, seg(relu), X_OFF, seg(dRelu), DX_OFF, seg(dxTwoPasses), DX_OFF,
                c.inputs());
        float[] dxFused = TestArrays.filled(DX_OFF + c.inputs(), Float.NaN);
        PoolOps.maxBackward(c.g(), seg(x), X_OFF, seg(fused), Y_OFF, seg(dy), DY_OFF, seg(dxFused), DX_OFF,
                c.batch(), true);
        assertBits("dx", dxTwoPasses, dxFused);
    }

    private static void assertBits(String what, float[] expected, float[] actual) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
                    what + " at " + j + ": " + expected[j] + " against " + actual[j]);
        }
    }

    /** The 2 x 2 loops on a 4 x 4 plane, and the general loops (backward) on the same with a column more. */
    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {4, 5})
    void maxPoolingByHand(int width) {
        float[][] rows = {
                {1, 3, 2, 2},
                {4, 0, 2, 1},
                {-1, -5, 7, 7},
                {-2, -3, 7, 0}};
        float[] x = new float[4 * width];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(rows[r], 0, x, r * width, 4);
            if (width == 5) {
                x[r * width + 4] = 100; // a column no window reaches
            }
        }
        Pool2dGeometry g = Pool2dGeometry.of(1, 4, width, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] y = new float[4];
        PoolOps.maxForward(g, seg(x), 0, seg(y), 0, 1);
        assertArrayEquals(new float[] {4, 2, -1, 7}, y);

        float[] dx = TestArrays.filled(4 * width, Float.NaN);
        PoolOps.maxBackward(g, seg(x), 0, seg(y), 0, seg(new float[] {1, 2, 3, 4}), 0, seg(dx), 0, 1);
        float[][] expected = {
                {0, 0, 2, 0},
                {1, 0, 0, 0},
                {3, 0, 4, 0},
                {0, 0, 0, 0}};
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < width; q++) {
                assertEquals(q < 4 ? expected[r][q] : 0f, dx[r * width + q], "dx at row " + r + ", column " + q);
            }
        }
    }

    @ParameterizedTest(name = "kernel {0}")
    @ValueSource(ints = {2, 3})
    void aNanWinsItsWindowAndTakesItsGradient(int kernel) {
        Pool2dGeometry g = Pool2dGeometry.of(1, 4, 4, kernel, kernel, 2, 2, 0, 0, 0, 0);
        float[] x = {
                1, 9, 2, 3,
                Float.NaN, 8, 4, 5,
                6, Float.NaN, 7, 1,
                Float.NaN, 2, 0, 3};
        float[] y = new float[g.outputSize()];
        PoolOps.maxForward(g, seg(x), 0, seg(y), 0, 1);
        assertTrue(Float.isNaN(y[0]), "a NaN is not hidden by a larger value, got " + y[0]);
        float[] dy = TestArrays.filled(g.outputSize(), 1);
        float[] dx = new float[16];
        PoolOps.maxBackward(g, seg(x), 0, seg(y), 0, seg(dy), 0, seg(dx), 0, 1);
        assertEquals(1f, dx[4], "the first NaN of the first window takes its gradient");
        assertEquals(0f, dx[1], "the largest number of a window holding a NaN gets nothing");
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {4, 5})
    void maxBackwardRejectsAnOutputThatIsNotInItsWindow(int width) {
        Pool2dGeometry g = Pool2dGeometry.of(1, 2, width, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] x = new float[2 * width];
        float[] y = new float[g.outputSize()];
        PoolOps.maxForward(g, seg(x), 0, seg(y), 0, 1);
        y[1] = 0.5f;
        var e = assertThrows(IllegalStateException.class, () -> PoolOps.maxBackward(g, seg(x), 0, seg(y), 0,
                seg(new float[2]), 0, seg(new float[2 * width]), 0, 1));
        assertEquals("max pooling backward: output (0, 1) of sample 0, channel 0 is 0.5, which no input of its "
                + "window holds; give backward the input and the output of the forward pass, unchanged since",
                e.getMessage());
    }

    // ---- average pooling --------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void avgForwardMatchesReference(Case c) {
        float[] x = tiedInput(c, new Rng(5));
        System.arraycopy(TestArrays.uniform(new Rng(6), c.inputs(), 3.0), 0, x, X_OFF, c.inputs());
        float[] y = TestArrays.filled(Y_OFF + c.outputs() + 1, Float.NaN);
        PoolOps.avgForward(c.g(), seg(x), X_OFF, seg(y), Y_OFF, c.batch());
        assertForward("y", y, Y_OFF, avgReference(c.g(), toDouble(x, X_OFF, c.inputs()), c.batch()));
        assertUntouchedOutside("y", y, Y_OFF, c.outputs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void avgBackwardMatchesReferenceAndFiniteDifferences(Case c) {
        Rng rng = new Rng(7);
        float[] dy = gradientOfOutput(c, rng);
        float[] dx = TestArrays.filled(DX_OFF + c.inputs() + 1, Float.NaN);

        PoolOps.avgBackward(c.g(), seg(dy), DY_OFF, seg(dx), DX_OFF, c.batch());

        assertForward("dx", dx, DX_OFF, avgBackwardReference(c.g(), dy, c.batch()));
        assertUntouchedOutside("dx", dx, DX_OFF, c.inputs());
        float[] r = java.util.Arrays.copyOfRange(dy, DY_OFF, DY_OFF + c.outputs());
        double[] x = toDouble(TestArrays.uniform(rng, c.inputs(), 1.0), 0, c.inputs());
        assertGradient("dx", dx, DX_OFF, numericGradient(v -> weightedSum(r, avgReference(c.g(), v, c.batch())), x));
    }

    /** 3 x 3 windows at stride 2 with padding 1 on 1..9: each divided by 9, padding included. */
    @Test
    void avgPoolingByHand() {
        Pool2dGeometry g = Pool2dGeometry.of(1, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] y = new float[4];
        PoolOps.avgForward(g, seg(x), 0, seg(y), 0, 1);
        assertArrayEquals(new float[] {12f / 9, 16f / 9, 24f / 9, 28f / 9}, y, 1e-6f);

        float[] dx = TestArrays.filled(9, Float.NaN);
        PoolOps.avgBackward(g, seg(new float[] {9, 18, 27, 36}), 0, seg(dx), 0, 1);
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, dx, 1e-6f);
    }

    // ---- shared -----------------------------------------------------------------------------------------

    @Test
    void aBatchOfZeroWritesNothing() {
        Pool2dGeometry g = Pool2dGeometry.of(1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] untouched = TestArrays.filled(16, Float.NaN);
        PoolOps.maxForward(g, seg(new float[16]), 0, seg(untouched), 0, 0);
        PoolOps.maxBackward(g, seg(new float[16]), 0, seg(new float[4]), 0, seg(new float[4]), 0, seg(untouched), 0,
                0);
        PoolOps.avgForward(g, seg(new float[16]), 0, seg(untouched), 0, 0);
        PoolOps.avgBackward(g, seg(new float[4]), 0, seg(untouched), 0, 0);
        assertUntouchedOutside("out", untouched, 0, 0);
    }

    @Test
    void aNegativeBatchIsRejected() {
        Pool2dGeometry g = Pool2dGeometry.of(1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0);
        var e = assertThrows(IllegalArgumentException.class,
                () -> PoolOps.avgForward(g, seg(new float[16]), 0, seg(new float[4]), 0, -1));
        assertEquals("pooling: batch = -1 must be zero or positive", e.getMessage());
    }

    @Test
    void noPassAllocates() {
        Pool2dGeometry lenet = Pool2dGeometry.of(6, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0);
        Pool2dGeometry overlapping = Pool2dGeometry.of(3, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1);
        int batch = 4;
        int in = Math.max(lenet.inputSize(), overlapping.inputSize()) * batch;
        int out = Math.max(lenet.outputSize(), overlapping.outputSize()) * batch;
        // one segment, as a model holds everything: x, y, dy, dx
        MemorySegment m = Memory.allocate(2L * in + 2L * out);
        Memory.copy(TestArrays.uniform(new Rng(8), in, 1.0), 0, m, 0, in);
        long y = in;
        long dy = y + out;
        long dx = dy + out;
        Pool2dGeometry[] geometries = {lenet, overlapping};
        long bytes = Allocations.steadyStateBytes(() -> {
            for (Pool2dGeometry g : geometries) {
                PoolOps.maxForward(g, m, 0, m, y, batch);
                PoolOps.maxBackward(g, m, 0, m, y, m, dy, m, dx, batch);
                PoolOps.avgForward(g, m, 0, m, y, batch);
                PoolOps.avgBackward(g, m, dy, m, dx, batch);
            }
        }, 20, 20);
        assertEquals(0, bytes, "bytes allocated by 20 rounds of every pass");
    }
}
