package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API kernels of 2 x 2 max pooling give, bit for bit, what the scalar loops give: on ties (the
 * first input wins), signed zeros, infinities and NaNs, and for row widths below, at and across whole
 * vectors, and for planes one after the other; with and without the ReLU before the pooling.
 */
class PoolVectorsTest {

    /** Values drawn from a few, so that windows tie often. */
    private static final float[] FEW = {-1, -0f, 0f, 0.5f, 1, 2, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    @BeforeAll
    static void needsTheVectorModule() {
        assertTrue(Vectors.available(), "the tests run with --add-modules jdk.incubator.vector");
    }

    private static float[] plane(int height, int width, Rng rng, boolean nans) {
        float[] x = new float[height * width];
        for (int j = 0; j < x.length; j++) {
            x[j] = rng.nextInt(3) == 0 ? (float) rng.nextGaussian() : FEW[rng.nextInt(FEW.length)];
            if (nans && rng.nextInt(20) == 0) {
                x[j] = Float.NaN;
            }
        }
        return x;
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {2, 4, 5, 10, 15, 16, 18, 28, 31, 32, 34, 40, 64, 66})
    void forwardMatchesTheScalarLoopsBitForBit(int width) {
        Rng rng = new Rng(width);
        int height = 6;
        int outW = width / 2;
        for (boolean nans : new boolean[] {false, true}) {
            float[] x = plane(height, width, rng, nans);
            float[] scalar = new float[height / 2 * outW + 3];
            float[] vector = new float[height / 2 * outW + 3];
            java.util.Arrays.fill(scalar, 42f);
            java.util.Arrays.fill(vector, 42f);
            for (boolean relu : new boolean[] {false, true}) {
                PoolOps.maxForwardTwoByTwo(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(scalar), 1, width,
                        0, height / 2, outW, relu);
                forward(x, 0, vector, 1, width, height / 2, outW, relu, x.length, height / 2 * outW);
                for (int o = 0; o < scalar.length; o++) {
                    assertEquals(Float.floatToRawIntBits(scalar[o]), Float.floatToRawIntBits(vector[o]),
                            "output " + o + (relu ? " with ReLU" : "") + " (scalar " + scalar[o] + ", vector "
                                    + vector[o] + ")");
                }
            }
        }
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {2, 4, 10, 16, 18, 28, 32, 34, 40, 64, 66})
    void backwardMatchesTheScalarLoopsBitForBit(int width) {
        for (boolean relu : new boolean[] {false, true}) {
            Rng rng = new Rng(100 + width);
            int height = 6;
            int outW = width / 2;
            Pool2dGeometry g = Pool2dGeometry.of(1, height, width, 2, 2, 2, 2, 0, 0, 0, 0);
            float[] x = plane(height, width, rng, false);
            float[] y = new float[g.outputSize()];
            PoolOps.maxForwardTwoByTwo(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, width, 0,
                    height / 2, outW, relu);
            float[] dy = new float[g.outputSize()];
            for (int o = 0; o < dy.length; o++) {
                dy[o] = (float) rng.nextGaussian();
            }
            float[] scalar = new float[x.length + 2];
            float[] vector = new float[x.length + 2];
            java.util.Arrays.fill(scalar, 42f);
            java.util.Arrays.fill(vector, 42f);
            PoolOps.maxBackwardTwoByTwo(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0,
                    MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(scalar), 1, g, 0, width, 0, height / 2, outW,
                    relu);
            backward(x, 0, y, 0, dy, vector, 1, g, 0, width, height / 2, outW, relu, x.length, y.length);
            for (int j = 0; j < scalar.length; j++) {
                assertEquals(Float.floatToRawIntBits(scalar[j]), Float.floatToRawIntBits(vector[j]),
                        "dx " + j + (relu ? " with ReLU" : "") + " (scalar " + scalar[j] + ", vector " + vector[j] + ")");
            }
        }
    }

    /**
     * Planes one after the other, as {@link PoolOps} runs them: the vectors of narrow rows write past their
     * plane into the next ones, which must still end right, and never past the last plane.
     */
    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 28, 30})
    void planesInARowMatchTheScalarLoopsBitForBit(int width) {
        int planes = 5;
        for (int height : new int[] {2, 4, 6}) {
            for (boolean relu : new boolean[] {false, true}) {
                Rng rng = new Rng(1000 * width + height);
                int outH = height / 2;
                int outW = width / 2;
                int inPlane = height * width;
                int outPlane = outH * outW;
                float[] x = new float[planes * inPlane];
                for (int p = 0; p < planes; p++) {
                    System.arraycopy(plane(height, width, rng, false), 0, x, p * inPlane, inPlane);
                }
                float[] scalarY = filled(planes * outPlane + 20);
                float[] vectorY = filled(planes * outPlane + 20);
                for (int p = 0; p < planes; p++) {
                    PoolOps.maxForwardTwoByTwo(MemorySegment.ofArray(x), p * inPlane, MemorySegment.ofArray(scalarY),
                            1 + p * outPlane, width, 0, outH, outW, relu);
                    forward(x, p * inPlane, vectorY, 1 + p * outPlane, width, outH, outW, relu,
                            (planes - p) * inPlane, (planes - p) * outPlane);
                }
                assertBits("forward, height " + height + (relu ? " with ReLU" : ""), scalarY, vectorY);

                float[] y = java.util.Arrays.copyOfRange(scalarY, 1, 1 + planes * outPlane);
                float[] dy = new float[y.length];
                for (int o = 0; o < dy.length; o++) {
                    dy[o] = (float) rng.nextGaussian();
                }
                Pool2dGeometry g = Pool2dGeometry.of(1, height, width, 2, 2, 2, 2, 0, 0, 0, 0);
                float[] scalarDx = filled(x.length + 20);
                float[] vectorDx = filled(x.length + 20);
                for (int p = 0; p < planes; p++) {
                    PoolOps.maxBackwardTwoByTwo(MemorySegment.ofArray(x), p * inPlane, MemorySegment.ofArray(y),
                            p * outPlane, MemorySegment.ofArray(dy), p * outPlane, MemorySegment.ofArray(scalarDx),
                            1 + p * inPlane, g, p, width, 0, outH, outW, relu);
                    backward(x, p * inPlane, y, p * outPlane, dy, vectorDx, 1 + p * inPlane, g, p, width, outH, outW,
                            relu, (planes - p) * inPlane, (planes - p) * outPlane);
                }
                assertBits("backward, height " + height + (relu ? " with ReLU" : ""), scalarDx, vectorDx);
            }
        }
    }

    private static float[] filled(int length) {
        float[] a = new float[length];
        java.util.Arrays.fill(a, 42f);
        return a;
    }

    private static void assertBits(String what, float[] expected, float[] actual) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
                    what + ": float " + j + " (scalar " + expected[j] + ", vector " + actual[j] + ")");
        }
    }

    @Test
    void backwardLeavesANanWindowToTheScalarLoops() {
        int width = 32;
        float[] x = new float[2 * width];
        float[] y = new float[width / 2];
        x[width + 21] = Float.NaN;
        y[10] = Float.NaN;
        assertEquals(-1, PoolVectors.maxBackward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0,
                MemorySegment.ofArray(new float[y.length]), 0, MemorySegment.ofArray(new float[x.length]), 0, width,
                1, width / 2, false, x.length, y.length));
    }

    /** The vectors on the rows they do, then the scalar loops on the rest, as {@link PoolOps} runs them. */
    private static void forward(float[] x, int in, float[] y, int out, int inW, int outH, int outW, boolean relu,
                                long inputRoom, long outputRoom) {
        int done = PoolVectors.maxForward(MemorySegment.ofArray(x), in, MemorySegment.ofArray(y), out, inW, outH,
                outW, relu, inputRoom, outputRoom);
        assertTrue(done >= 0 && done <= outH, "rows done: " + done);
        PoolOps.maxForwardTwoByTwo(MemorySegment.ofArray(x), in, MemorySegment.ofArray(y), out, inW, done, outH, outW,
                relu);
    }

    /** {@link #forward} for the backward pass; no window may fail to match. */
    private static void backward(float[] x, int in, float[] y, int out, float[] dy, float[] dx, int dIn,
                                 Pool2dGeometry g, long plane, int inW, int outH, int outW, boolean relu,
                                 long inputRoom, long outputRoom) {
        int done = PoolVectors.maxBackward(MemorySegment.ofArray(x), in, MemorySegment.ofArray(y), out,
                MemorySegment.ofArray(dy), out, MemorySegment.ofArray(dx), dIn, inW, outH, outW, relu, inputRoom,
                outputRoom);
        assertTrue(done >= 0 && done <= outH, "rows done: " + done);
        PoolOps.maxBackwardTwoByTwo(MemorySegment.ofArray(x), in, MemorySegment.ofArray(y), out,
                MemorySegment.ofArray(dy), out, MemorySegment.ofArray(dx), dIn, g, plane, inW, done, outH, outW, relu);
    }
}
