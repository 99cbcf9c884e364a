package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static dev.kiln.runtime.ops.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.Vectors;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.ConvOps.Algorithm;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConvOps} by both algorithms against the double-precision {@link ConvReference}, and its backward
 * against central differences of {@code L = sum(r * y)} (tolerances in {@link GradientCheck}). Every
 * tensor sits at its own odd offset of a larger native segment, with NaN around it where the kernels must
 * not write; the workspace starts full of NaN, so that nothing may rely on what it held.
 *
 * <p>A float result is compared with the reference within {@code 1e-5} of the sum of the magnitudes of the
 * terms that make it up (plus {@code 1e-6}): rounding stays far inside that, while one term too many or
 * too few (a padding off by one, a sample left out of a sum) is far outside.
 */
class ConvOpsTest {

    private static final Blas BLAS = new JavaBlas();

    private static final int X_OFF = 5;
    private static final int W_OFF = 3;
    private static final int Y_OFF = 7;
    private static final int DY_OFF = 6;
    private static final int GW_OFF = 2;
    private static final int DX_OFF = 9;
    private static final int WS_OFF = 11;
    private static final double RELATIVE = 1e-5;
    private static final double ABSOLUTE = 1e-6;

    /** Named shapes, each with the batch sizes it is run at. */
    record Shape(String name, Conv2dGeometry g, int... batches) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Shape> shapes() {
        return List.of(
                new Shape("LeNet conv1 on 9 x 9 (same, 5 x 5)",
                        Conv2dGeometry.of(1, 9, 9, 6, 5, 5, 1, 1, 2, 2, 2, 2), 1, 3, 17),
                new Shape("LeNet conv2 (6 -> 16, 5 x 5 on 14 x 14)",
                        Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0), 2, 19),
                new Shape("odd sizes, 3 x 3 pad 1", Conv2dGeometry.of(2, 7, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1), 1, 3, 17),
                new Shape("stride 2", Conv2dGeometry.of(3, 9, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1), 1, 3),
                new Shape("stride 2 x 1, 2 x 5 kernel", Conv2dGeometry.of(2, 8, 9, 3, 2, 5, 2, 1, 1, 2, 0, 2), 2),
                new Shape("same with an even kernel (4 x 4, pad 1 before, 2 after)",
                        Conv2dGeometry.of(2, 6, 7, 3, 4, 4, 1, 1, 1, 1, 2, 2), 1, 3, 16),
                new Shape("1 x 1", Conv2dGeometry.of(5, 4, 6, 7, 1, 1, 1, 1, 0, 0, 0, 0), 1, 3, 18),
                new Shape("rows of 37 (vectors and a tail)", Conv2dGeometry.of(2, 5, 37, 3, 3, 3, 1, 1, 1, 1, 1, 1), 2, 17),
                new Shape("bottom rows and right columns never read",
                        new Conv2dGeometry(2, 7, 8, 3, 3, 3, 1, 1, 0, 1, 4, 5), 1, 3, 17),
                new Shape("one output channel", Conv2dGeometry.of(3, 6, 6, 1, 3, 3, 1, 1, 0, 0, 0, 0), 2, 17),
                new Shape("several groups of samples", Conv2dGeometry.of(3, 20, 20, 4, 3, 3, 1, 1, 1, 1, 1, 1), 13, 35),
                new Shape("channels in the lanes, also for dx",
                        Conv2dGeometry.of(4, 4, 3, 16, 2, 2, 1, 1, 0, 0, 1, 1), 2),
                new Shape("channels in two vectors, also for dx",
                        Conv2dGeometry.of(12, 6, 5, 20, 3, 3, 1, 1, 1, 1, 1, 1), 3, 20),
                new Shape("channels in the lanes, several groups",
                        Conv2dGeometry.of(8, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1), 7));
    }

    /** Shapes small enough for finite differences of every weight and input. */
    static List<Shape> smallShapes() {
        return shapes().stream().filter(s -> s.g().weightSize() <= 300 && s.g().inputSize() <= 400).toList();
    }

    static List<Algorithm> algorithms(Conv2dGeometry g) {
        List<Algorithm> algorithms = new ArrayList<>(List.of(Algorithm.IM2COL));
        if (ConvOps.directSupported(g)) {
            algorithms.add(Algorithm.DIRECT);
        }
        return algorithms;
    }

    static Stream<Arguments> cases() {
        return shapes().stream().flatMap(shape -> algorithms(shape.g()).stream().flatMap(a ->
                Arrays.stream(shape.batches()).boxed().flatMap(batch ->
                        Stream.of(true, false).map(bias -> Arguments.of(shape, a, batch, bias)))));
    }

    static Stream<Arguments> smallCases() {
        return smallShapes().stream().flatMap(shape -> algorithms(shape.g()).stream().map(a ->
                Arguments.of(shape, a, 2)));
    }

    /** One layer's tensors, in native segments at odd offsets, and their values as arrays. */
    static final class Layer {
        final Conv2dGeometry g;
        final int batch;
        final boolean bias;
        final float[] x;
        final float[] w;
        final float[] b;
        final MemorySegment xs;
        final MemorySegment p;
        final long bOff;
        final MemorySegment work;
        final long workFloats;

        Layer(Conv2dGeometry g, int batch, boolean bias, Rng rng, Function<float[], MemorySegment> memory) {
            this.g = g;
            this.batch = batch;
            this.bias = bias;
            x = TestArrays.uniform(rng, batch * g.inputSize(), 1.0);
            w = TestArrays.uniform(rng, g.weightSize(), 1.0);
            b = bias ? TestArrays.uniform(rng, g.outChannels(), 1.0) : null;
            xs = memory.apply(padded(x, X_OFF, 3));
            bOff = bias ? W_OFF + g.weightSize() + 2 : DenseOps.NO_BIAS;
            float[] params = TestArrays.filled(W_OFF + g.weightSize() + 2 + g.outChannels() + 1, Float.NaN);
            System.arraycopy(w, 0, params, W_OFF, w.length);
            if (bias) {
                System.arraycopy(b, 0, params, (int) bOff, b.length);
            }
            p = memory.apply(params);
            workFloats = ConvOps.workspaceFloats(g, batch);
            work = memory.apply(TestArrays.filled((int) (WS_OFF + workFloats), Float.NaN));
        }

        Layer(Conv2dGeometry g, int batch, boolean bias, Rng rng) {
            this(g, batch, bias, rng, ConvOpsTest::nativeCopy);
        }

        MemorySegment forward(Algorithm algorithm) {
            MemorySegment ys = nativeCopy(TestArrays.filled(Y_OFF + batch * g.outputSize() + 2, Float.NaN));
            ConvOps.forward(algorithm, BLAS, g, xs, X_OFF, p, W_OFF, bOff, ys, Y_OFF, work, WS_OFF, batch);
            return ys;
        }

        double[] xd() {
            return toDouble(x, 0, x.length);
        }

        double[] wd() {
            return toDouble(w, 0, w.length);
        }

        double[] bd() {
            return bias ? toDouble(b, 0, b.length) : null;
        }
    }

    /** {@code values} after {@code before} NaNs and followed by {@code after} more. */
    static float[] padded(float[] values, int before, int after) {
        float[] all = TestArrays.filled(before + values.length + after, Float.NaN);
        System.arraycopy(values, 0, all, before, values.length);
        return all;
    }

    /** A native segment holding a copy of {@code values}. */
    static MemorySegment nativeCopy(float[] values) {
        MemorySegment segment = Memory.allocate(values.length);
        Memory.copy(values, 0, segment, 0, values.length);
        return segment;
    }

    /** Fails unless {@code actual[offset + j]} matches the reference within the class's tolerance. */
    static void assertMatches(String what, float[] actual, int offset, ConvReference.Sums expected) {
        for (int j = 0; j < expected.value().length; j++) {
            double error = Math.abs(actual[offset + j] - expected.value()[j]);
            if (!(error <= RELATIVE * expected.magnitude()[j] + ABSOLUTE)) {
                fail(what + "[" + j + "]: kernel gives " + actual[offset + j] + ", reference " + expected.value()[j]
                        + " (error " + error + ", terms' magnitude " + expected.magnitude()[j] + ")");
            }
        }
    }

    /** Fails unless the values outside {@code [from, from + count)} are still NaN. */
    static void assertUntouchedAround(String what, float[] values, int from, int count) {
        for (int j = 0; j < values.length; j++) {
            if ((j < from || j >= from + count) && !Float.isNaN(values[j])) {
                fail(what + "[" + j + "] lies outside the " + count + " floats from " + from + " and was written: "
                        + values[j]);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}, batch {2}, bias {3}")
    @MethodSource("cases")
    void forwardMatchesReference(Shape shape, Algorithm algorithm, int batch, boolean bias) {
        Conv2dGeometry g = shape.g();
        Layer layer = new Layer(g, batch, bias, new Rng(g.hashCode() + batch));

        float[] y = TestArrays.floats(layer.forward(algorithm));

        assertMatches("y", y, Y_OFF, ConvReference.forward(g, layer.xd(), layer.wd(), layer.bd(), batch));
        assertUntouchedAround("y", y, Y_OFF, batch * g.outputSize());
    }

    @ParameterizedTest(name = "{0}, {1}, batch {2}, bias {3}")
    @MethodSource("cases")
    void backwardMatchesReference(Shape shape, Algorithm algorithm, int batch, boolean bias) {
        Conv2dGeometry g = shape.g();
        Rng rng = new Rng(g.hashCode() + 31L * batch);
        Layer layer = new Layer(g, batch, bias, rng);
        float[] dy = TestArrays.uniform(rng, batch * g.outputSize(), 1.0);
        // gradients already hold values: the kernel adds to them
        float[] gBefore = padded(TestArrays.uniform(rng, g.weightSize() + 2 + g.outChannels(), 1.0), GW_OFF, 2);
        int gbOff = GW_OFF + g.weightSize() + 2;
        if (!bias) {
            for (int o = 0; o < g.outChannels(); o++) {
                gBefore[gbOff + o] = Float.NaN;
            }
        }
        MemorySegment gs = nativeCopy(gBefore);
        MemorySegment dxs = nativeCopy(TestArrays.filled(DX_OFF + batch * g.inputSize() + 3, Float.NaN));

        layer.forward(algorithm);
        ConvOps.backward(algorithm, BLAS, g, layer.xs, X_OFF, layer.p, W_OFF, nativeCopy(padded(dy, DY_OFF, 1)),
                DY_OFF, gs, GW_OFF, bias ? gbOff : DenseOps.NO_BIAS, dxs, DX_OFF, layer.work, WS_OFF, batch);

        ConvReference.Gradients expected = ConvReference.backward(g, layer.xd(), layer.wd(), toDouble(dy, 0, dy.length),
                batch);
        float[] gAfter = TestArrays.floats(gs);
        assertMatches("dW (added)", difference(gAfter, gBefore), GW_OFF, expected.w());
        if (bias) {
            assertMatches("db (added)", difference(gAfter, gBefore), gbOff, expected.b());
        }
        for (int j = 0; j < gAfter.length; j++) {
            boolean inside = j >= GW_OFF && j < GW_OFF + g.weightSize()
                    || bias && j >= gbOff && j < gbOff + g.outChannels();
            if (!inside) {
                assertEquals(gBefore[j], gAfter[j], "g[" + j + "] lies outside the layer's gradients");
            }
        }
        float[] dx = TestArrays.floats(dxs);
        assertMatches("dx", dx, DX_OFF, expected.x());
        assertUntouchedAround("dx", dx, DX_OFF, batch * g.inputSize());
    }

    @ParameterizedTest(name = "{0}, {1}, batch {2}")
    @MethodSource("smallCases")
    void backwardMatchesFiniteDifferences(Shape shape, Algorithm algorithm, int batch) {
        Conv2dGeometry g = shape.g();
        Rng rng = new Rng(17 + g.hashCode());
        Layer layer = new Layer(g, batch, true, rng);
        float[] r = TestArrays.uniform(rng, batch * g.outputSize(), 1.0);
        MemorySegment gs = Memory.allocate(g.weightSize() + g.outChannels());
        MemorySegment dxs = Memory.allocate((long) batch * g.inputSize());

        layer.forward(algorithm);
        ConvOps.backward(algorithm, BLAS, g, layer.xs, X_OFF, layer.p, W_OFF, nativeCopy(r), 0, gs, 0,
                g.weightSize(), dxs, 0, layer.work, WS_OFF, batch);

        double[] x = layer.xd();
        double[] w = layer.wd();
        double[] b = layer.bd();
        float[] grads = TestArrays.floats(gs);
        assertGradient("dW", grads, 0,
                numericGradient(v -> weightedSum(r, ConvReference.forward(g, x, v, b, batch).value()), w));
        assertGradient("db", grads, g.weightSize(),
                numericGradient(v -> weightedSum(r, ConvReference.forward(g, x, w, v, batch).value()), b));
        assertGradient("dx", TestArrays.floats(dxs), 0,
                numericGradient(v -> weightedSum(r, ConvReference.forward(g, v, w, b, batch).value()), x));
    }

    @ParameterizedTest(name = "{0}, {1}, batch {2}")
    @MethodSource("smallCases")
    void withoutAnInputGradientTheParameterGradientsAreTheSame(Shape shape, Algorithm algorithm, int batch) {
        Conv2dGeometry g = shape.g();
        Rng rng = new Rng(3 + g.hashCode());
        Layer layer = new Layer(g, batch, true, rng);
        MemorySegment dy = nativeCopy(TestArrays.uniform(rng, batch * g.outputSize(), 1.0));
        MemorySegment with = Memory.allocate(g.weightSize() + g.outChannels());
        MemorySegment without = Memory.allocate(g.weightSize() + g.outChannels());

        layer.forward(algorithm);
        ConvOps.backward(algorithm, BLAS, g, layer.xs, X_OFF, layer.p, W_OFF, dy, 0, with, 0, g.weightSize(),
                Memory.allocate((long) batch * g.inputSize()), 0, layer.work, WS_OFF, batch);
        ConvOps.backward(algorithm, BLAS, g, layer.xs, X_OFF, layer.p, W_OFF, dy, 0, without, 0, g.weightSize(),
                null, 0, layer.work, WS_OFF, batch);

        assertArrayEquals(TestArrays.floats(with), TestArrays.floats(without));
    }

    @Test
    void heapSegmentsGiveWhatNativeOnesGive() {
        Conv2dGeometry g = Conv2dGeometry.of(2, 6, 19, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        int batch = 3;
        for (Algorithm algorithm : algorithms(g)) {
            Layer onHeap = new Layer(g, batch, true, new Rng(8), MemorySegment::ofArray);
            Layer offHeap = new Layer(g, batch, true, new Rng(8));
            float[] dy = TestArrays.uniform(new Rng(9), batch * g.outputSize(), 1.0);
            float[] heapGrads = new float[g.weightSize() + g.outChannels()];
            float[] heapDx = new float[batch * g.inputSize()];
            MemorySegment nativeGrads = Memory.allocate(heapGrads.length);
            MemorySegment nativeDx = Memory.allocate(heapDx.length);

            float[] heapY = new float[batch * g.outputSize()];
            ConvOps.forward(algorithm, BLAS, g, onHeap.xs, X_OFF, onHeap.p, W_OFF, onHeap.bOff,
                    MemorySegment.ofArray(heapY), 0, onHeap.work, WS_OFF, batch);
            ConvOps.backward(algorithm, BLAS, g, onHeap.xs, X_OFF, onHeap.p, W_OFF, MemorySegment.ofArray(dy), 0,
                    MemorySegment.ofArray(heapGrads), 0, g.weightSize(), MemorySegment.ofArray(heapDx), 0, onHeap.work,
                    WS_OFF, batch);
            float[] nativeY = TestArrays.floats(offHeap.forward(algorithm));
            ConvOps.backward(algorithm, BLAS, g, offHeap.xs, X_OFF, offHeap.p, W_OFF, nativeCopy(dy), 0, nativeGrads, 0,
                    g.weightSize(), nativeDx, 0, offHeap.work, WS_OFF, batch);

            assertArrayEquals(Arrays.copyOfRange(nativeY, Y_OFF, Y_OFF + heapY.length), heapY,
                    algorithm + ": y");
            assertArrayEquals(TestArrays.floats(nativeGrads), heapGrads, algorithm + ": gradients");
            assertArrayEquals(TestArrays.floats(nativeDx), heapDx, algorithm + ": dx");
        }
    }

    @Test
    void aBatchOfZeroWritesNothing() {
        Conv2dGeometry g = Conv2dGeometry.of(1, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        MemorySegment ys = nativeCopy(new float[] {Float.NaN});
        MemorySegment gs = nativeCopy(TestArrays.filled(g.weightSize() + 2, 1f));
        for (Algorithm algorithm : algorithms(g)) {
            ConvOps.forward(algorithm, BLAS, g, Memory.allocate(0), 0, Memory.allocate(g.weightSize() + 2), 0,
                    g.weightSize(), ys, 0, Memory.allocate(0), 0, 0);
            ConvOps.backward(algorithm, BLAS, g, Memory.allocate(0), 0, Memory.allocate(g.weightSize()), 0,
                    Memory.allocate(0), 0, gs, 0, g.weightSize(), Memory.allocate(0), 0, Memory.allocate(0), 0, 0);
        }
        assertEquals(Float.NaN, ys.getAtIndex(Memory.FLOAT, 0));
        assertArrayEquals(TestArrays.filled(g.weightSize() + 2, 1f), TestArrays.floats(gs));
        assertEquals(0, ConvOps.workspaceFloats(g, 0));
    }

    @Test
    void theDirectAlgorithmIsChosenForSmallStrideOneLayers() {
        assumeTrue(Vectors.available(), "the Vector API is not available to this JVM");
        Conv2dGeometry conv1 = Conv2dGeometry.of(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2);
        Conv2dGeometry conv2 = Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
        assertEquals(Algorithm.DIRECT, ConvOps.algorithm(conv1));
        assertEquals(Algorithm.DIRECT, ConvOps.algorithm(conv2));
        assertEquals(Algorithm.IM2COL, ConvOps.algorithm(Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 2, 2, 0, 0, 0, 0)));
        assertEquals(Algorithm.IM2COL, ConvOps.algorithm(Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 2, 0, 0, 0, 0)));
        assertEquals(Algorithm.IM2COL, ConvOps.algorithm(Conv2dGeometry.of(6, 14, 14,
                ConvOps.DIRECT_MAX_OUT_CHANNELS + 1, 5, 5, 1, 1, 0, 0, 0, 0)));
        assertEquals(Algorithm.IM2COL, ConvOps.algorithm(Conv2dGeometry.of(ConvOps.DIRECT_MAX_PATCH / 9 + 1, 8, 8,
                16, 3, 3, 1, 1, 1, 1, 1, 1)));
        assertEquals(Algorithm.DIRECT, ConvOps.algorithm(Conv2dGeometry.of(ConvOps.DIRECT_MAX_PATCH / 9, 8, 8,
                ConvOps.DIRECT_MAX_OUT_CHANNELS, 3, 3, 1, 1, 1, 1, 1, 1)));
    }

    @Test
    void theDirectKernelsPutInTheLanesWhatFillsThemBetter() {
        assumeTrue(Vectors.available(), "the Vector API is not available to this JVM");
        int lanes = ConvVectors.lanes();
        // LeNet: conv1's 6 channels fill vectors worse than its rows of 28; conv2's 16 better than rows of 10
        assertEquals(false, DirectConv.acrossChannels(6, 28));
        assertEquals(true, DirectConv.acrossChannels(16, 10));
        // a tie goes along the rows
        assertEquals(false, DirectConv.acrossChannels(lanes, lanes));
        assertEquals(false, DirectConv.acrossChannels(3, 3));
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
